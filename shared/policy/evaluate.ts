/**
 * Policy evaluation with explanation. Every statement is evaluated, so the result lists all the
 * statements that matched and all the conditions that failed. Among matching statements an
 * explicit Deny wins over any Allow, and no matching statement means an implicit deny.
 */

import { matchesArn } from "./arn.js";
import { contextValuesFor, evaluateClause } from "./conditions/evaluate-condition.js";
import { type ContextValues, indexContextKeys } from "./context.js";
import { matchPrincipal, strongerGrant } from "./principal.js";
import type {
  ConditionFailure,
  Decision,
  Evaluation,
  PatternList,
  Policy,
  PrincipalGrant,
  RequestContext,
  Statement,
  StatementMatch,
} from "./types.js";
import { matchesWildcard } from "./wildcard.js";

/**
 * Evaluates a set of identity (or session) policies: explicit Deny wins, then Allow, else
 * ImplicitDeny. Throws TypeError for a trust policy, whose principals this evaluation would ignore.
 */
export function evaluateIdentityPolicies(policies: readonly Policy[], request: RequestContext): Evaluation {
  for (const policy of policies) {
    if (policy.kind === "trust") {
      throw new TypeError("evaluateIdentityPolicies takes identity and session policies; use evaluateResourcePolicy");
    }
  }

  const outcome = new Outcome(indexContextKeys(request.keys));
  policies.forEach((policy, policyIndex) => {
    for (const statement of policy.statements) {
      if (appliesToRequest(statement, request)) outcome.checkConditions(policyIndex, statement);
    }
  });
  return outcome.result();
}

/**
 * Evaluates a resource policy such as a role trust policy against request.principal. Throws
 * TypeError when the policy is not a trust policy or the request has no principal.
 */
export function evaluateResourcePolicy(policy: Policy, request: RequestContext): Evaluation {
  if (policy.kind !== "trust") {
    throw new TypeError(`evaluateResourcePolicy takes trust policies, not ${policy.kind} policies`);
  }
  const caller = request.principal;
  if (caller === undefined) throw new TypeError("evaluateResourcePolicy needs request.principal");

  const outcome = new Outcome(indexContextKeys(request.keys));
  for (const statement of policy.statements) {
    const grant = matchPrincipal(statement.principal, caller);
    if (grant === undefined || !appliesToRequest(statement, request)) continue;
    if (outcome.checkConditions(0, statement) && statement.effect === "Allow") outcome.grant(grant);
  }
  return outcome.result();
}

function appliesToRequest(statement: Statement, request: RequestContext): boolean {
  if (!matchesPatternList(statement.action, (pattern) => matchesWildcard(pattern, request.action, true))) {
    return false;
  }
  // A statement without Resource, allowed only in trust policies, applies to the role the policy is attached to.
  if (statement.resource === undefined) return true;
  return matchesPatternList(statement.resource, (pattern) => matchesArn(pattern, request.resource));
}

/** Returns whether any pattern matches, or for NotAction and NotResource whether none does. */
function matchesPatternList(list: PatternList, matches: (pattern: string) => boolean): boolean {
  return list.patterns.some(matches) !== list.negated;
}

/** Collects matched statements and failed conditions while statements are evaluated. */
class Outcome {
  private readonly matched: StatementMatch[] = [];
  private readonly failedConditions: ConditionFailure[] = [];
  private granted: PrincipalGrant | undefined;

  constructor(private readonly context: ContextValues) {}

  /** Evaluates all conditions of a statement that matched the request, and records the result. */
  checkConditions(policyIndex: number, statement: Statement): boolean {
    const match: StatementMatch = {
      policyIndex,
      statementIndex: statement.index,
      ...(statement.sid === undefined ? {} : { sid: statement.sid }),
      effect: statement.effect,
    };

    let satisfied = true;
    for (const clause of statement.conditions) {
      if (evaluateClause(clause, this.context)) continue;
      satisfied = false;
      this.failedConditions.push({
        ...match,
        operator: clause.operator,
        key: clause.key,
        policyValues: clause.values,
        contextValues: contextValuesFor(clause, this.context),
      });
    }

    if (satisfied) this.matched.push(match);
    return satisfied;
  }

  grant(grant: PrincipalGrant): void {
    this.granted = strongerGrant(this.granted, grant);
  }

  result(): Evaluation {
    const decision = this.decide();
    return {
      decision,
      ...(decision === "Allow" && this.granted !== undefined ? { grantedVia: this.granted } : {}),
      matched: this.matched,
      failedConditions: this.failedConditions,
    };
  }

  private decide(): Decision {
    if (this.matched.some((match) => match.effect === "Deny")) return "ExplicitDeny";
    if (this.matched.some((match) => match.effect === "Allow")) return "Allow";
    return "ImplicitDeny";
  }
}
