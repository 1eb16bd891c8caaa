import { evaluateIdentityPolicies, type Evaluation, type Policy } from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { IamStore } from "../store/iam-store.js";
import type { Caller } from "./principal.js";
import { cachedPolicy } from "./policy-cache.js";

export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** The account that owns the resource. */
  resourceAccountId: string;
  keys: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/**
 * Evaluates the caller's identity policies for one action on one resource. An account's root
 * may do anything in its own account and nothing through identity policies elsewhere.
 */
export async function evaluateCallerPolicies(caller: Caller, request: AuthorizationRequest, store: IamStore): Promise<Evaluation> {
  const principal = caller.principal;
  if (principal.kind === "root") {
    const own = principal.accountId === request.resourceAccountId;
    return { decision: own ? "Allow" : "ImplicitDeny", matched: [], failedConditions: [] };
  }
  const policies = await identityPolicies(caller, store);
  return evaluateIdentityPolicies(policies, {
    action: request.action,
    resource: request.resource,
    keys: request.keys,
  });
}

/** Throws AccessDenied, worded as AWS words it, unless the caller's own policies allow the request. */
export async function authorize(caller: Caller, request: AuthorizationRequest, store: IamStore): Promise<void> {
  const evaluation = await evaluateCallerPolicies(caller, request, store);
  if (evaluation.decision !== "Allow") throw accessDenied(caller, request.action, request.resource, evaluation);
}

export function accessDenied(caller: Caller, action: string, resource: string, evaluation: Evaluation): ServiceError {
  const reason =
    evaluation.decision === "ExplicitDeny"
      ? "with an explicit deny in an identity-based policy"
      : `because no identity-based policy allows the ${action} action`;
  return new ServiceError(
    "AccessDenied",
    `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`,
    { detail: explain(evaluation) },
  );
}

/**
 * Summarizes why identity policies denied, for the log: the statements that matched and the
 * conditions that failed, by operator and key. Context values are left out because some, such
 * as sts:ExternalId, are shared secrets.
 */
export function explain(evaluation: Evaluation): Record<string, unknown> {
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

async function identityPolicies(caller: Caller, store: IamStore): Promise<Policy[]> {
  const principal = caller.principal;
  if (principal.kind === "user") {
    const user = await store.getUser(principal.accountId, principal.userName);
    return user ? Object.values(user.policies).map((document) => cachedPolicy(document, "identity")) : [];
  }
  if (principal.kind === "assumed-role") {
    // A session of a deleted role keeps no permissions.
    const role = await store.getRole(principal.accountId, principal.roleName);
    if (!role || role.roleId !== principal.roleId) return [];
    return Object.values(role.policies).map((document) => cachedPolicy(document, "identity"));
  }
  return [];
}
