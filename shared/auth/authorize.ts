import {
  type AuthorizationResult,
  authorizeRequest,
  type Evaluation,
  type Policy,
  type PolicyType,
  type PrincipalIdentity,
} from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { SessionAttributes } from "../credentials/session-token.js";
import type { Tag } from "../store/entities.js";
import type { IamStore } from "../store/iam-store.js";
import type { Caller } from "./principal.js";
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
export async function decide(caller: Caller, request: AuthorizationRequest, store: IamStore): Promise<AuthorizationResult> {
  const principal = caller.principal;
  const identity =
    principal.kind === "root"
      ? { policies: principal.accountId === request.resourceAccountId ? [ROOT_POLICY] : [], tags: [] }
      : await loadIdentity(caller, store);
  const identityPolicies = identity.policies;
  const sessionPolicies = principal.kind === "assumed-role" ? await loadSessionPolicies(principal.attributes, store) : undefined;
  const resource = request.resourcePolicy;
  return authorizeRequest({
    request: {
      action: request.action,
      resource: request.resource,
      keys: withEntityTags(request.keys, identity.tags),
      ...(resource ? { principal: resource.principal } : {}),
    },
    callerAccountId: principal.accountId,
    resourceAccountId: request.resourceAccountId,
    identityPolicies,
    ...(sessionPolicies === undefined ? {} : { sessionPolicies }),
    ...(resource ? { resourcePolicy: resource.policy, resourcePolicyMode: resource.mode } : {}),
  });
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

export function accessDenied(caller: Caller, action: string, resource: string, result: AuthorizationResult): ServiceError {
  const deciding = result.deciding ?? "identity";
  const reason =
    result.decision === "ExplicitDeny"
      ? `with an explicit deny in ${DENY_PLACE[deciding]}`
      : `because no ${ALLOW_PLACE[deciding]} allows the ${action} action`;
  return new ServiceError(
    "AccessDenied",
    `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
    { detail: explainResult(result) },
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
 * ones. Returns undefined when the session has none. A managed policy deleted since the session
 * began no longer allows anything, so the session can only lose permissions that way.
 */
async function loadSessionPolicies(attributes: SessionAttributes | undefined, store: IamStore): Promise<Policy[] | undefined> {
  const inline = attributes?.sessionPolicy;
  const arns = attributes?.sessionPolicyArns ?? [];
  if (inline === undefined && arns.length === 0) return undefined;
  const policies = inline === undefined ? [] : [cachedPolicy(inline, "session")];
  for (const arn of arns) {
    const document = await store.managedPolicies.getPolicyDocumentByArn(arn);
    if (document !== undefined) policies.push(cachedPolicy(document, "session"));
  }
  return policies;
}

/** Loads the caller's identity policies and the tags of its user or role, which are principal tags. */
async function loadIdentity(caller: Caller, store: IamStore): Promise<{ policies: Policy[]; tags: readonly Tag[] }> {
  const principal = caller.principal;
  if (principal.kind === "user") {
    const user = await store.getUser(principal.accountId, principal.userName);
    return user ? { policies: Object.values(user.policies).map((document) => cachedPolicy(document, "identity")), tags: user.tags } : NONE;
  }
  if (principal.kind === "assumed-role") {
    // A session of a deleted role keeps no permissions.
    const role = await store.getRole(principal.accountId, principal.roleName);
    if (!role || role.roleId !== principal.roleId) return NONE;
    return { policies: Object.values(role.policies).map((document) => cachedPolicy(document, "identity")), tags: role.tags };
  }
  return NONE;
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
