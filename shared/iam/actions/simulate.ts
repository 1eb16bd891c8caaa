import type { ActionDefinition, CallContext } from "../../api/action.js";
import type { PrincipalIdentity } from "../../policy/index.js";
import { parsePolicy } from "../../policy/index.js";
import { ServiceError } from "../../protocol/errors.js";
import { authorizeIam } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { type SourcedPolicy, simulate } from "../simulate/simulate.js";

interface ContextEntry {
  ContextKeyName?: string;
  ContextKeyValues?: string[];
  ContextKeyType?: string;
}

interface SimulationRequest {
  PolicySourceArn?: string;
  PolicyInputList?: string[];
  PermissionsBoundaryPolicyInputList?: string[];
  ActionNames: string[];
  ResourceArns?: string[];
  ResourcePolicy?: string;
  ResourceOwner?: string;
  CallerArn?: string;
  ContextEntries?: ContextEntry[];
  MaxItems?: number;
  Marker?: string;
}

const ENTITY_ARN = /^arn:([^:]+):iam::(\d{12}):(user|role)(\/(?:.*\/)?)?([^/]+)$/;
const ACCOUNT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

function inputPolicies(documents: readonly string[] | undefined, listName: string): SourcedPolicy[] {
  return (documents ?? []).map((document, index) => ({
    document,
    sourceId: `${listName}.${index + 1}`,
    sourceType: "IAM Policy",
  }));
}

/** Turns ContextEntries into condition keys: list types become multivalued keys. */
function contextKeys(entries: readonly ContextEntry[] | undefined): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {};
  const seen = new Set<string>();
  for (const entry of entries ?? []) {
    const name = entry.ContextKeyName;
    if (name === undefined) continue;
    if (seen.has(name.toLowerCase())) {
      throw new ServiceError("InvalidInput", `The context key ${name} is given more than once.`);
    }
    seen.add(name.toLowerCase());
    const values = entry.ContextKeyValues ?? [];
    const multivalued = entry.ContextKeyType?.endsWith("List") ?? false;
    keys[name] = multivalued || values.length !== 1 ? values : values[0]!;
  }
  return keys;
}

function accountOf(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  return ACCOUNT_ARN.exec(arn)?.[1] ?? ENTITY_ARN.exec(arn)?.[2] ?? (/^\d{12}$/.test(arn) ? arn : undefined);
}

function callerIdentity(callerArn: string | undefined): PrincipalIdentity | undefined {
  if (callerArn === undefined) return undefined;
  const accountId = accountOf(callerArn);
  return { type: "AWS", names: [callerArn], ...(accountId === undefined ? {} : { accountId }) };
}

// NOTE: ResourceHandlingOption (EC2 scenarios) is accepted and ignored, and keys such as
// aws:username are not filled in from the simulated principal: callers pass them as ContextEntries.
async function run(context: CallContext, request: SimulationRequest, principalPolicies: SourcedPolicy[]) {
  if (request.ResourcePolicy !== undefined && request.CallerArn === undefined && request.PolicySourceArn === undefined) {
    throw new ServiceError("InvalidInput", "CallerArn is required when ResourcePolicy is given to SimulateCustomPolicy.");
  }
  const callerArn = request.CallerArn ?? request.PolicySourceArn;
  const results = simulate({
    identityPolicies: [...principalPolicies, ...inputPolicies(request.PolicyInputList, "PolicyInputList")],
    boundaryPolicies: inputPolicies(request.PermissionsBoundaryPolicyInputList, "PermissionsBoundaryPolicyInputList"),
    ...(request.ResourcePolicy === undefined
      ? {}
      : { resourcePolicy: { document: request.ResourcePolicy, sourceId: "ResourcePolicy", sourceType: "resource" } }),
    actions: request.ActionNames,
    resources: request.ResourceArns && request.ResourceArns.length > 0 ? request.ResourceArns : ["*"],
    keys: contextKeys(request.ContextEntries),
    ...(callerArn === undefined ? {} : { caller: callerIdentity(callerArn)! }),
    ...(accountOf(callerArn) === undefined ? {} : { callerAccountId: accountOf(callerArn)! }),
    resourceOwnerAccountId: accountOf(request.ResourceOwner) ?? context.caller.principal.accountId,
  });
  const numbered = results.map((result, index) => ({ result, key: String(index).padStart(8, "0") }));
  const page = paginate(numbered, (entry) => entry.key, request.Marker, request.MaxItems);
  return {
    result: {
      EvaluationResults: page.items.map((entry) => entry.result),
      IsTruncated: page.isTruncated,
      Marker: page.marker,
    },
  };
}

/** Loads the inline policies of the user or role that PolicySourceArn names, in the caller's account. */
async function principalPolicies(context: CallContext, arn: string): Promise<SourcedPolicy[]> {
  const match = ENTITY_ARN.exec(arn);
  const accountId = context.caller.principal.accountId;
  if (!match || match[2] !== accountId) {
    throw new ServiceError("InvalidInput", `PolicySourceArn ${arn} must be a user or role of account ${accountId}.`);
  }
  const type = match[3] as "user" | "role";
  const name = match[5]!;
  const entity = type === "user" ? await context.store.getUser(accountId, name) : await context.store.getRole(accountId, name);
  if (!entity || entity.arn !== arn) throw new ServiceError("NoSuchEntity", `The ${type} with ARN ${arn} cannot be found.`);
  return Object.entries(entity.policies)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([policyName, document]) => ({ document, sourceId: policyName, sourceType: type }));
}

/** Collects the condition keys that the policies use, once each, in the case first written. */
function conditionKeys(documents: readonly string[]): string[] {
  const keys = new Map<string, string>();
  for (const document of documents) {
    for (const statement of parsePolicy(document, "identity").statements) {
      for (const condition of statement.conditions) {
        if (!keys.has(condition.key.toLowerCase())) keys.set(condition.key.toLowerCase(), condition.key);
      }
    }
  }
  return [...keys.values()];
}

export const simulateCustomPolicy: ActionDefinition = {
  async run(raw, context) {
    await authorizeIam(context, "SimulateCustomPolicy", "*");
    return run(context, raw as unknown as SimulationRequest, []);
  },
};

export const simulatePrincipalPolicy: ActionDefinition = {
  async run(raw, context) {
    const request = raw as unknown as SimulationRequest;
    await authorizeIam(context, "SimulatePrincipalPolicy", request.PolicySourceArn!);
    return run(context, request, await principalPolicies(context, request.PolicySourceArn!));
  },
};

export const getContextKeysForCustomPolicy: ActionDefinition = {
  async run(raw, context) {
    await authorizeIam(context, "GetContextKeysForCustomPolicy", "*");
    return { result: { ContextKeyNames: conditionKeys((raw as { PolicyInputList: string[] }).PolicyInputList) } };
  },
};

export const getContextKeysForPrincipalPolicy: ActionDefinition = {
  async run(raw, context) {
    const request = raw as { PolicySourceArn: string; PolicyInputList?: string[] };
    await authorizeIam(context, "GetContextKeysForPrincipalPolicy", request.PolicySourceArn);
    const stored = await principalPolicies(context, request.PolicySourceArn);
    const documents = [...stored.map((policy) => policy.document), ...(request.PolicyInputList ?? [])];
    return { result: { ContextKeyNames: conditionKeys(documents) } };
  },
};
