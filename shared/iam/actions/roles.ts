import type { ActionDefinition, CallContext } from "../../api/action.js";
import { parsePolicy } from "../../policy/index.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { RoleRecord, Tag } from "../../store/entities.js";
import { authorizeIam, entityArnPrefix } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { checkTrustQuota } from "../policy-limits.js";
import { resolveTrustPrincipals } from "../trust-principals.js";
import { checkUniqueTags } from "./users.js";

interface RoleInput {
  RoleName?: string;
  Path?: string;
  PathPrefix?: string;
  AssumeRolePolicyDocument?: string;
  PolicyDocument?: string;
  Description?: string;
  MaxSessionDuration?: number;
  Tags?: Tag[];
  Marker?: string;
  MaxItems?: number;
}

const DEFAULT_MAX_SESSION_DURATION = 3600;

export function renderRole(role: RoleRecord, withTags: boolean): XmlObject {
  return {
    Path: role.path,
    RoleName: role.roleName,
    RoleId: role.roleId,
    Arn: role.arn,
    CreateDate: new Date(role.createDate),
    // IAM returns policy documents URL-encoded; the AWS CLI and boto3 decode them.
    AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    ...(withTags && role.tags.length > 0 ? { Tags: role.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) } : {}),
  };
}

/** Validates a trust policy as IAM does before storing it, and resolves the principals it names. */
async function checkTrustPolicy(context: CallContext, document: string): Promise<Record<string, string>> {
  const policy = parsePolicy(document, "trust");
  checkTrustQuota(document);
  return resolveTrustPrincipals(policy, context.store, context.config.partition);
}

async function roleResource(context: CallContext, roleName: string): Promise<{ role: RoleRecord | undefined; arn: string }> {
  const role = await context.store.getRole(context.caller.principal.accountId, roleName);
  return { role, arn: role?.arn ?? `${entityArnPrefix(context, "role")}/${roleName}` };
}

/** Authorizes an action on a role of the caller's account, then returns the role or raises NoSuchEntity. */
async function authorizedRole(context: CallContext, action: string, roleName: string): Promise<RoleRecord> {
  const { role, arn } = await roleResource(context, roleName);
  await authorizeIam(context, action, arn);
  if (!role) throw new ServiceError("NoSuchEntity", `The role with name ${roleName} cannot be found.`);
  return role;
}

export const createRole: ActionDefinition = {
  async run(raw, context) {
    const input = raw as RoleInput;
    const roleName = input.RoleName!;
    const path = input.Path ?? "/";
    await authorizeIam(context, "CreateRole", `${entityArnPrefix(context, "role")}${path}${roleName}`);
    const trustPrincipalIds = await checkTrustPolicy(context, input.AssumeRolePolicyDocument!);
    const role = await context.store.createRole(
      context.caller.principal.accountId,
      {
        roleName,
        path,
        trustPolicy: input.AssumeRolePolicyDocument!,
        trustPrincipalIds,
        maxSessionDuration: input.MaxSessionDuration ?? DEFAULT_MAX_SESSION_DURATION,
        ...(input.Description === undefined ? {} : { description: input.Description }),
        tags: checkUniqueTags(input.Tags),
      },
      context.facts.now,
    );
    return { result: { Role: renderRole(role, true) }, responseElements: { role: { roleName, arn: role.arn } } };
  },
};

export const getRole: ActionDefinition = {
  async run(raw, context) {
    const roleName = (raw as RoleInput).RoleName!;
    const role = await authorizedRole(context, "GetRole", roleName);
    return { result: { Role: renderRole(role, true) } };
  },
};

export const listRoles: ActionDefinition = {
  async run(raw, context) {
    const input = raw as RoleInput;
    await authorizeIam(context, "ListRoles", `${entityArnPrefix(context, "role")}/`);
    const prefix = input.PathPrefix ?? "/";
    const roles = (await context.store.listRoles(context.caller.principal.accountId)).filter((role) =>
      role.path.startsWith(prefix),
    );
    const page = paginate(roles, (role) => role.roleName.toLowerCase(), input.Marker, input.MaxItems);
    return {
      result: { Roles: page.items.map((role) => renderRole(role, false)), IsTruncated: page.isTruncated, Marker: page.marker },
    };
  },
};

export const updateAssumeRolePolicy: ActionDefinition = {
  async run(raw, context) {
    const input = raw as RoleInput;
    const roleName = input.RoleName!;
    const role = await authorizedRole(context, "UpdateAssumeRolePolicy", roleName);
    const principalIds = await checkTrustPolicy(context, input.PolicyDocument!);
    await context.store.updateTrustPolicy(role.accountId, roleName, input.PolicyDocument!, principalIds);
    return {};
  },
};

export const updateRole: ActionDefinition = {
  async run(raw, context) {
    const input = raw as RoleInput;
    const roleName = input.RoleName!;
    const role = await authorizedRole(context, "UpdateRole", roleName);
    await context.store.updateRole(role.accountId, roleName, {
      ...(input.Description === undefined ? {} : { description: input.Description }),
      ...(input.MaxSessionDuration === undefined ? {} : { maxSessionDuration: input.MaxSessionDuration }),
    });
    return { result: {} };
  },
};

export const deleteRole: ActionDefinition = {
  async run(raw, context) {
    const roleName = (raw as RoleInput).RoleName!;
    const { arn } = await roleResource(context, roleName);
    await authorizeIam(context, "DeleteRole", arn);
    await context.store.deleteRole(context.caller.principal.accountId, roleName);
    return {};
  },
};
