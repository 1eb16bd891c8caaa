import type { ActionDefinition, CallContext } from "../../api/action.js";
import { parsePolicy } from "../../policy/index.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { ManagedPolicyRecord, ManagedPolicyVersionRecord, Tag } from "../../store/entities.js";
import { policyNotFound, versionNotFound, versionNumber } from "../../store/managed-policy-store.js";
import { managedPolicyArn, parseManagedPolicyArn } from "../arn.js";
import { authorizeIam } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { policySize } from "../policy-limits.js";
import { checkUniqueTags } from "./users.js";

/** IAM's quota on the size of a managed policy document, counted without white space. */
export const MANAGED_POLICY_SIZE_QUOTA = 6144;

interface ManagedPolicyInput {
  PolicyName?: string;
  Path?: string;
  PolicyDocument?: string;
  Description?: string;
  Tags?: Tag[];
  PolicyArn?: string;
  VersionId?: string;
  SetAsDefault?: boolean;
  Scope?: "All" | "AWS" | "Local";
  OnlyAttached?: boolean;
  PathPrefix?: string;
  Marker?: string;
  MaxItems?: number;
}

/** Checks a document as IAM does before it stores a managed policy version. */
function checkDocument(document: string): void {
  parsePolicy(document, "identity");
  if (policySize(document) > MANAGED_POLICY_SIZE_QUOTA) {
    throw new ServiceError("LimitExceeded", `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_SIZE_QUOTA}`);
  }
}

/**
 * Checks a policy ARN and authorizes the action on it, then returns the policy. An ARN of another
 * account or partition, of an AWS managed policy, or whose path differs from the policy's names
 * no policy the caller can reach, so it is NoSuchEntity.
 */
async function authorizedPolicy(context: CallContext, action: string, arn: string): Promise<ManagedPolicyRecord> {
  const parsed = parseManagedPolicyArn(arn);
  if (!parsed) throw new ServiceError("InvalidInput", `ARN ${arn} is not valid.`);
  await authorizeIam(context, action, arn);
  const accountId = context.caller.principal.accountId;
  if (parsed.accountId !== accountId || parsed.partition !== context.config.partition) throw policyNotFound(arn);
  const policy = await context.store.managedPolicies.getPolicy(accountId, parsed.policyName);
  if (!policy || policy.path !== parsed.path) throw policyNotFound(arn);
  return policy;
}

function requireVersion(policy: ManagedPolicyRecord, versionId: string): ManagedPolicyVersionRecord {
  const version = policy.versions.find((entry) => entry.versionId === versionId);
  if (!version) throw versionNotFound(policy.arn, versionId);
  return version;
}

/** Renders a `Policy`. ListPolicies leaves out the description and tags, as IAM does. */
function renderPolicy(policy: ManagedPolicyRecord, full: boolean): XmlObject {
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    // Attaching managed policies to users, groups and roles is not served, so nothing is attached.
    AttachmentCount: 0,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(full ? { Description: policy.description } : {}),
    CreateDate: new Date(policy.createDate),
    UpdateDate: new Date(policy.updateDate),
    ...(full && policy.tags.length > 0 ? { Tags: policy.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) } : {}),
  };
}

function renderVersion(policy: ManagedPolicyRecord, version: ManagedPolicyVersionRecord, document?: string): XmlObject {
  return {
    // IAM returns policy documents URL-encoded; the AWS CLI and boto3 decode them.
    ...(document === undefined ? {} : { Document: encodeURIComponent(document) }),
    VersionId: version.versionId,
    IsDefaultVersion: version.versionId === policy.defaultVersionId,
    CreateDate: new Date(version.createDate),
  };
}

export const createPolicy: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const accountId = context.caller.principal.accountId;
    const policyName = input.PolicyName!;
    const path = input.Path ?? "/";
    await authorizeIam(context, "CreatePolicy", managedPolicyArn(context.config.partition, accountId, path, policyName));
    const document = input.PolicyDocument!;
    checkDocument(document);
    const policy = await context.store.managedPolicies.createPolicy(
      accountId,
      {
        policyName,
        path,
        ...(input.Description === undefined ? {} : { description: input.Description }),
        document,
        tags: checkUniqueTags(input.Tags),
      },
      context.facts.now,
    );
    return { result: { Policy: renderPolicy(policy, true) }, responseElements: { policy: { policyName, arn: policy.arn } } };
  },
};

export const getPolicy: ActionDefinition = {
  async run(raw, context) {
    const policy = await authorizedPolicy(context, "GetPolicy", (raw as ManagedPolicyInput).PolicyArn!);
    return { result: { Policy: renderPolicy(policy, true) } };
  },
};

export const listPolicies: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const accountId = context.caller.principal.accountId;
    await authorizeIam(context, "ListPolicies", `${managedPolicyArn(context.config.partition, accountId, "/", "")}*`);
    // Only customer managed (Local) policies exist, and none is attached to anything.
    // NOTE: PolicyUsageFilter is accepted and ignored; with no attachments it would match nothing either way.
    const scope = input.Scope ?? "All";
    const prefix = input.PathPrefix ?? "/";
    const policies =
      scope === "AWS" || input.OnlyAttached === true
        ? []
        : (await context.store.managedPolicies.listPolicies(accountId)).filter((policy) => policy.path.startsWith(prefix));
    const page = paginate(policies, (policy) => policy.policyName.toLowerCase(), input.Marker, input.MaxItems);
    return {
      result: { Policies: page.items.map((policy) => renderPolicy(policy, false)), IsTruncated: page.isTruncated, Marker: page.marker },
    };
  },
};

export const deletePolicy: ActionDefinition = {
  async run(raw, context) {
    const policy = await authorizedPolicy(context, "DeletePolicy", (raw as ManagedPolicyInput).PolicyArn!);
    await context.store.managedPolicies.deletePolicy(policy.accountId, policy.policyName);
    return {};
  },
};

export const createPolicyVersion: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const policy = await authorizedPolicy(context, "CreatePolicyVersion", input.PolicyArn!);
    const document = input.PolicyDocument!;
    checkDocument(document);
    const created = await context.store.managedPolicies.createPolicyVersion(
      policy.accountId,
      policy.policyName,
      document,
      input.SetAsDefault === true,
      context.facts.now,
    );
    return { result: { PolicyVersion: renderVersion(created.policy, created.version) } };
  },
};

export const getPolicyVersion: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const policy = await authorizedPolicy(context, "GetPolicyVersion", input.PolicyArn!);
    const version = requireVersion(policy, input.VersionId!);
    const document = await context.store.managedPolicies.getVersionDocument(policy, version.versionId);
    // The cached policy can list a version that a delete has removed since.
    if (document === undefined) throw versionNotFound(policy.arn, version.versionId);
    return { result: { PolicyVersion: renderVersion(policy, version, document) } };
  },
};

export const listPolicyVersions: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const policy = await authorizedPolicy(context, "ListPolicyVersions", input.PolicyArn!);
    // Newest first, as IAM lists them. The paging key sorts that way as a string.
    const versions = [...policy.versions].reverse();
    const keyOf = (version: ManagedPolicyVersionRecord) => String(Number.MAX_SAFE_INTEGER - versionNumber(version.versionId)).padStart(16, "0");
    const page = paginate(versions, keyOf, input.Marker, input.MaxItems);
    return {
      result: {
        Versions: page.items.map((version) => renderVersion(policy, version)),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      },
    };
  },
};

export const deletePolicyVersion: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const policy = await authorizedPolicy(context, "DeletePolicyVersion", input.PolicyArn!);
    await context.store.managedPolicies.deletePolicyVersion(policy.accountId, policy.policyName, input.VersionId!);
    return {};
  },
};

export const setDefaultPolicyVersion: ActionDefinition = {
  async run(raw, context) {
    const input = raw as ManagedPolicyInput;
    const policy = await authorizedPolicy(context, "SetDefaultPolicyVersion", input.PolicyArn!);
    await context.store.managedPolicies.setDefaultPolicyVersion(policy.accountId, policy.policyName, input.VersionId!);
    return {};
  },
};
