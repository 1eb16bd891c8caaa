import {
  type AuthorizationResult,
  authorizeRequest,
  type Evaluation,
  type Policy,
  type PolicyType,
  type PrincipalIdentity,
} from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { Tag } from "../store/entities.js";
import type { IamStore } from "../store/iam-store.js";
import type { Caller, Principal } from "./principal.js";
import { describeDenial } from "./authorization-message.js";
import { cachedPolicy } from "./policy-cache.js";

export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** The account that owns the resource. */
  resourceAccountId: string;
  keys: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** A resource-based policy that applies, such as a role's trust policy. */
  resourcePolicy?: { policy: Policy; mode: "resource" | "trust"; principal: PrincipalIdentity };
}

/**
 * Decides a request by the caller with the policy engine: the caller's identity policies and,
 * when given, a resource-based policy. An account's root may do anything in its own account;
 * elsewhere it is bound by resource policies like anyone else.
 */
export async function decide(caller: Caller, request: AuthorizationRequest, store: IamStore): Promise<Decision> {
  const principal = caller.principal;
  const identity = await loadIdentity(caller, request.resourceAccountId, store);
  const identityPolicies = identity.policies;
  const sessionPolicies = await loadSessionPolicies(principal, store);
  const resource = request.resourcePolicy;
  const keys = withEntityTags(request.keys, identity.tags);
  const result = authorizeRequest({
    request: {
      action: request.action,
      resource: request.resource,
      keys,
      ...(resource ? { principal: resource.principal } : {}),
    },
    callerAccountId: principal.accountId,
    resourceAccountId: request.resourceAccountId,
    identityPolicies,
    ...(sessionPolicies === undefined ? {} : { sessionPolicies }),
    ...(resource ? { resourcePolicy: resource.policy, resourcePolicyMode: resource.mode } : {}),
  });
  return {
    ...result,
    describeDenial: () =>
      describeDenial({
        principal,
        action: request.action,
        resource: request.resource,
        keys,
        result,
        policies: {
          identity: identityPolicies,
          ...(sessionPolicies === undefined ? {} : { session: sessionPolicies }),
          ...(resource ? { resource: [resource.policy] } : {}),
        },
      }),
  };
}

/** A decision, which can describe itself for the encoded authorization failure message. */
export interface Decision extends AuthorizationResult {
  describeDenial(): Record<string, unknown>;
}

/** Throws AccessDenied, worded as AWS words it, unless the caller's policies allow the request. */
export async function authorize(caller: Caller, request: AuthorizationRequest, store: IamStore): Promise<void> {
  const result = await decide(caller, request, store);
  if (result.decision !== "Allow") throw accessDenied(caller, request.action, request.resource, result);
}

const DENY_PLACE: Record<PolicyType, string> = {
  identity: "an identity-based policy",
  resource: "a resource-based policy",
  boundary: "a permissions boundary",
  session: "a session policy",
};

const ALLOW_PLACE: Record<PolicyType, string> = {
  identity: "identity-based policy",
  resource: "resource-based policy",
  boundary: "permissions boundary",
  session: "session policy",
};

export function accessDenied(caller: Caller, action: string, resource: string, result: Decision): ServiceError {
  const deciding = result.deciding ?? "identity";
  const reason =
    result.decision === "ExplicitDeny"
      ? `with an explicit deny in ${DENY_PLACE[deciding]}`
      : `because no ${ALLOW_PLACE[deciding]} allows the ${action} action`;
  return new ServiceError(
    "AccessDenied",
    `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
    { detail: explainResult(result), authorizationFailure: result.describeDenial() },
  );
}

/**
 * Summarizes why policies denied, for the log: per policy type, the statements that matched and
 * the conditions that failed, by operator and key. Context values are left out because some,
 * such as sts:ExternalId, are shared secrets.
 */
export function explainResult(result: AuthorizationResult): Record<string, unknown> {
  const detail: Record<string, unknown> = { decision: result.decision };
  if (result.deciding) detail.deciding = result.deciding;
  for (const type of ["identity", "resource", "boundary", "session"] as const) {
    const evaluation = result.explanation[type];
    if (evaluation) detail[type] = explain(evaluation);
  }
  return detail;
}

function explain(evaluation: Evaluation): Record<string, unknown> {
  return {
    decision: evaluation.decision,
    matchedStatements: evaluation.matched.map((match) => ({
      policy: match.policyIndex,
      statement: match.statementIndex,
      ...(match.sid === undefined ? {} : { sid: match.sid }),
      effect: match.effect,
    })),
    failedConditions: evaluation.failedConditions.map((failure) => ({
      statement: failure.statementIndex,
      operator: failure.operator,
      key: failure.key,
      keyPresent: failure.contextValues !== undefined,
    })),
  };
}

/** Root's standing permission in its own account, as a policy so that it is explained like any other. */
const ROOT_POLICY = cachedPolicy(
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "AccountRoot", Effect: "Allow", Action: "*", Resource: "*" }] }),
  "identity",
);

/**
 * Loads a session's policies: the inline one and the current default versions of the managed
 * ones. A role session without any gets undefined, so its role's permissions apply in full. A
 * federated user without any gets an empty list, which allows nothing, as in AWS. A managed
 * policy deleted since the session began no longer allows anything.
 */
async function loadSessionPolicies(principal: Principal, store: IamStore): Promise<Policy[] | undefined> {
  if (principal.kind !== "assumed-role" && principal.kind !== "federated-user") return undefined;
  const inline = principal.attributes?.sessionPolicy;
  const arns = principal.attributes?.sessionPolicyArns ?? [];
  if (inline === undefined && arns.length === 0) return principal.kind === "federated-user" ? [] : undefined;
  const policies = inline === undefined ? [] : [cachedPolicy(inline, "session")];
  for (const arn of arns) {
    const document = await store.managedPolicies.getPolicyDocumentByArn(arn);
    if (document !== undefined) policies.push(cachedPolicy(document, "session"));
  }
  return policies;
}

/**
 * Loads the caller's identity policies and the tags of its user or role, which are principal
 * tags. An account's root may do anything in its own account, and a federated user acts within
 * the permissions of the user, or root, that created it.
 */
async function loadIdentity(caller: Caller, resourceAccountId: string, store: IamStore): Promise<{ policies: Policy[]; tags: readonly Tag[] }> {
  const principal = caller.principal;
  switch (principal.kind) {
    case "root":
      return principal.accountId === resourceAccountId ? { policies: [ROOT_POLICY], tags: [] } : NONE;
    case "user":
      return loadUser(principal.accountId, principal.userName, principal.userId, store);
    case "federated-user": {
      const parent = principal.parentUser;
      if (parent) return loadUser(principal.accountId, parent.userName, parent.userId, store);
      return principal.accountId === resourceAccountId ? { policies: [ROOT_POLICY], tags: [] } : NONE;
    }
    case "assumed-role": {
      // A session of a deleted role keeps no permissions.
      const role = await store.getRole(principal.accountId, principal.roleName);
      if (!role || role.roleId !== principal.roleId) return NONE;
      return { policies: Object.values(role.policies).map((document) => cachedPolicy(document, "identity")), tags: role.tags };
    }
  }
}

/** Loads a user's policies and tags; a user deleted (or deleted and created again) since the credential was issued has none. */
async function loadUser(accountId: string, userName: string, userId: string, store: IamStore): Promise<{ policies: Policy[]; tags: readonly Tag[] }> {
  const user = await store.getUser(accountId, userName);
  if (!user || user.userId !== userId) return NONE;
  return { policies: Object.values(user.policies).map((document) => cachedPolicy(document, "identity")), tags: user.tags };
}

const NONE = { policies: [], tags: [] };

/**
 * Adds the user's or role's tags as `aws:PrincipalTag/<key>`, as IAM does. A session tag with the
 * same key, already among the keys, wins; keys compare regardless of case.
 */
function withEntityTags(keys: AuthorizationRequest["keys"], tags: readonly Tag[]): AuthorizationRequest["keys"] {
  if (tags.length === 0) return keys;
  const present = new Set(Object.keys(keys).map((name) => name.toLowerCase()));
  const added: Record<string, string> = {};
  for (const tag of tags) {
    const name = `aws:PrincipalTag/${tag.Key}`;
    if (!present.has(name.toLowerCase())) added[name] = tag.Value;
  }
  return { ...keys, ...added };
}
