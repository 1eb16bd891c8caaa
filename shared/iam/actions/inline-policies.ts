import type { ActionDefinition, CallContext } from "../../api/action.js";
import { parsePolicy } from "../../policy/index.js";
import { ServiceError } from "../../protocol/errors.js";
import { authorizeIam, entityArnPrefix } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { checkInlineQuota } from "../policy-limits.js";

interface PolicyInput {
  UserName?: string;
  RoleName?: string;
  PolicyName?: string;
  PolicyDocument?: string;
  Marker?: string;
  MaxItems?: number;
}

type EntityKind = "user" | "role";

interface Entity {
  name: string;
  policies: Record<string, string>;
}

/** Loads the user or role an inline-policy action targets, after authorizing the action on it. */
async function loadEntity(context: CallContext, kind: EntityKind, action: string, name: string): Promise<Entity> {
  const accountId = context.caller.principal.accountId;
  const store = context.store;
  const record = kind === "user" ? await store.getUser(accountId, name) : await store.getRole(accountId, name);
  const arn = record?.arn ?? `${entityArnPrefix(context, kind)}/${name}`;
  await authorizeIam(context, action, arn);
  if (!record) throw new ServiceError("NoSuchEntity", `The ${kind} with name ${name} cannot be found.`);
  return { name: kind === "user" ? (record as { userName: string }).userName : (record as { roleName: string }).roleName, policies: record.policies };
}

function entityName(kind: EntityKind, input: PolicyInput): string {
  return (kind === "user" ? input.UserName : input.RoleName)!;
}

function putPolicy(kind: EntityKind): ActionDefinition {
  const action = kind === "user" ? "PutUserPolicy" : "PutRolePolicy";
  return {
    async run(raw, context) {
      const input = raw as PolicyInput;
      const entity = await loadEntity(context, kind, action, entityName(kind, input));
      const policyName = input.PolicyName!;
      const document = input.PolicyDocument!;
      parsePolicy(document, "identity");
      const others = Object.entries(entity.policies).filter(([name]) => name !== policyName);
      checkInlineQuota(kind, entity.name, [...others.map(([, text]) => text), document]);
      const accountId = context.caller.principal.accountId;
      if (kind === "user") await context.store.putUserPolicy(accountId, entity.name, policyName, document);
      else await context.store.putRolePolicy(accountId, entity.name, policyName, document);
      return { responseElements: { policyName } };
    },
  };
}

function getPolicy(kind: EntityKind): ActionDefinition {
  const action = kind === "user" ? "GetUserPolicy" : "GetRolePolicy";
  return {
    async run(raw, context) {
      const input = raw as PolicyInput;
      const entity = await loadEntity(context, kind, action, entityName(kind, input));
      const document = entity.policies[input.PolicyName!];
      if (document === undefined) {
        throw new ServiceError("NoSuchEntity", `The ${kind} policy with name ${input.PolicyName} cannot be found.`);
      }
      const owner = kind === "user" ? { UserName: entity.name } : { RoleName: entity.name };
      return { result: { ...owner, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document) } };
    },
  };
}

function listPolicies(kind: EntityKind): ActionDefinition {
  const action = kind === "user" ? "ListUserPolicies" : "ListRolePolicies";
  return {
    async run(raw, context) {
      const input = raw as PolicyInput;
      const entity = await loadEntity(context, kind, action, entityName(kind, input));
      const names = Object.keys(entity.policies).sort();
      const page = paginate(names, (name) => name, input.Marker, input.MaxItems);
      return { result: { PolicyNames: page.items, IsTruncated: page.isTruncated, Marker: page.marker } };
    },
  };
}

function deletePolicy(kind: EntityKind): ActionDefinition {
  const action = kind === "user" ? "DeleteUserPolicy" : "DeleteRolePolicy";
  return {
    async run(raw, context) {
      const input = raw as PolicyInput;
      const entity = await loadEntity(context, kind, action, entityName(kind, input));
      const accountId = context.caller.principal.accountId;
      if (kind === "user") await context.store.deleteUserPolicy(accountId, entity.name, input.PolicyName!);
      else await context.store.deleteRolePolicy(accountId, entity.name, input.PolicyName!);
      return {};
    },
  };
}

export const putUserPolicy = putPolicy("user");
export const getUserPolicy = getPolicy("user");
export const listUserPolicies = listPolicies("user");
export const deleteUserPolicy = deletePolicy("user");
export const putRolePolicy = putPolicy("role");
export const getRolePolicy = getPolicy("role");
export const listRolePolicies = listPolicies("role");
export const deleteRolePolicy = deletePolicy("role");
