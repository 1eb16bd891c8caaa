/**
 * authorizeRequest: the decision over every policy type that applies to one request, by the IAM
 * evaluation logic. Each policy type is evaluated on its own, and the results are combined:
 *
 * 1. An explicit Deny in any of them denies.
 * 2. Within one account, an Allow from the identity side suffices: the identity policies, limited
 *    by the permissions boundary and session policies when present. An Allow from the resource
 *    policy suffices too, within limits that depend on how it names the caller (GrantScope).
 * 3. Across accounts, both the identity side and the resource policy must allow.
 * 4. A role trust policy ("trust" mode) must allow in every case.
 */

import { evaluatePreparedIdentityPolicies, evaluatePrincipalPolicy } from "./evaluate.js";
import { PreparedRequest } from "./prepared-request.js";
import type { GrantScope } from "./principal.js";
import type { Decision, Evaluation, Policy, RequestContext } from "./types.js";

/** A policy type that takes part in authorization. */
export type PolicyType = "identity" | "resource" | "boundary" | "session";

export interface AuthorizationInput {
  /** Action, resource, condition keys and, when a resource policy is given, the caller as principal. */
  request: RequestContext;
  callerAccountId: string;
  /** Account that owns the resource. */
  resourceAccountId: string;
  /** The principal's identity policies (kind "identity"). */
  identityPolicies: readonly Policy[];
  /** Permissions boundary of the principal (kind "identity"). */
  permissionsBoundary?: Policy;
  /**
   * Session policies of the caller's session (kind "session"). Undefined means that none were
   * passed. An empty array means session policies apply but allow nothing, as for a
   * GetFederationToken session created without a policy.
   */
  sessionPolicies?: readonly Policy[];
  /** Resource-based policy: a role trust policy, or any policy whose statements all have a Principal. */
  resourcePolicy?: Policy;
  /**
   * Treatment of the resource policy, "resource" when absent. In "resource" mode it is an
   * ordinary resource-based policy, whose grant to the caller can suffice within one account. In
   * "trust" mode it is a role trust policy, which must allow every request, so a missing
   * resourcePolicy denies.
   */
  resourcePolicyMode?: "resource" | "trust";
}

/** The evaluation of each policy type that was given, so messages and logs can name what decided. */
export interface AuthorizationExplanation {
  /** Identity policies, always evaluated: an empty list is an implicit deny. */
  readonly identity: Evaluation;
  readonly boundary?: Evaluation;
  readonly session?: Evaluation;
  readonly resource?: Evaluation;
  /** Scope in which the resource policy's Allow named the caller. Set only when the resource policy allows. */
  readonly resourceGrant?: GrantScope;
}

export interface AuthorizationResult {
  decision: Decision;
  explanation: AuthorizationExplanation;
  /**
   * The policy type whose Deny (for ExplicitDeny) or missing Allow (for ImplicitDeny) decided,
   * for messages such as "because no identity-based policy allows the X action". Unset for Allow.
   */
  deciding?: PolicyType;
}

/**
 * Order in which an explicit Deny is reported when several policy types deny, which is the order
 * of AWS's evaluation flow chart.
 * TODO: service and resource control policies (SCP, RCP) are not evaluated. They would come first
 * here and, in missingAllow, be required to allow before either grant path is considered.
 */
const DENY_ORDER: readonly PolicyType[] = ["resource", "identity", "boundary", "session"];

/** Policy types that together make up the identity side, in the order a missing Allow is reported. */
const IDENTITY_SIDE: readonly PolicyType[] = ["identity", "boundary", "session"];

/**
 * Decides a request over all its policies. Throws TypeError when a resource policy is given
 * without request.principal, when a resource policy statement lacks a Principal, or when a
 * trust policy is passed as an identity, boundary or session policy.
 */
export function authorizeRequest(input: AuthorizationInput): AuthorizationResult {
  const explanation = explain(input);

  const denying = DENY_ORDER.find((type) => explanation[type]?.decision === "ExplicitDeny");
  if (denying !== undefined) return { decision: "ExplicitDeny", explanation, deciding: denying };

  const missing = missingAllow(input, explanation);
  if (missing !== undefined) return { decision: "ImplicitDeny", explanation, deciding: missing };
  return { decision: "Allow", explanation };
}

/**
 * Evaluates every policy type that was given. No type is skipped, so the explanation is complete.
 * The evaluations share one prepared request, so the action is folded and the keys indexed once.
 */
function explain(input: AuthorizationInput): AuthorizationExplanation {
  const request = new PreparedRequest(input.request);
  const identity = evaluatePreparedIdentityPolicies(input.identityPolicies, request);
  const boundary =
    input.permissionsBoundary === undefined ? undefined : evaluatePreparedIdentityPolicies([input.permissionsBoundary], request);
  const session = input.sessionPolicies === undefined ? undefined : evaluatePreparedIdentityPolicies(input.sessionPolicies, request);
  const resource = input.resourcePolicy === undefined ? undefined : evaluatePrincipalPolicy(input.resourcePolicy, request);

  return {
    identity,
    ...(boundary === undefined ? {} : { boundary }),
    ...(session === undefined ? {} : { session }),
    ...(resource === undefined ? {} : { resource: resource.evaluation }),
    ...(resource?.scope === undefined ? {} : { resourceGrant: resource.scope }),
  };
}

/**
 * Returns the policy type whose missing Allow denies the request, or undefined when the request
 * is allowed. Called only when no policy denies explicitly. A resource policy that must allow
 * (across accounts, or in "trust" mode) is reported before the identity side.
 */
function missingAllow(input: AuthorizationInput, explanation: AuthorizationExplanation): PolicyType | undefined {
  const sameAccount = input.callerAccountId === input.resourceAccountId;
  const resourceAllows = explanation.resource?.decision === "Allow";
  const resourceRequired = input.resourcePolicyMode === "trust" || !sameAccount;
  if (resourceRequired && !resourceAllows) return "resource";

  const identityGap = firstWithoutAllow(explanation, IDENTITY_SIDE);
  if (!sameAccount || identityGap === undefined) return identityGap;
  return resourceAllows && resourceGrantSuffices(explanation) ? undefined : identityGap;
}

/**
 * Returns whether a resource policy Allow grants on its own within one account. A grant to the
 * caller itself (IAM user, session or "*") needs nothing else. A grant to the role of a role
 * session is still limited by the boundary and session policies. A grant to the account only
 * delegates to the identity side, which the caller checks separately.
 */
function resourceGrantSuffices(explanation: AuthorizationExplanation): boolean {
  switch (explanation.resourceGrant) {
    case "caller":
      return true;
    case "role":
      return firstWithoutAllow(explanation, ["boundary", "session"]) === undefined;
    default:
      return false;
  }
}

/** Returns the first of `types` that was evaluated without an Allow. Types not given count as allowing. */
function firstWithoutAllow(explanation: AuthorizationExplanation, types: readonly PolicyType[]): PolicyType | undefined {
  return types.find((type) => {
    const evaluation = explanation[type];
    return evaluation !== undefined && evaluation.decision !== "Allow";
  });
}
