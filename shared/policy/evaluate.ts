/**
 * Policy evaluation with explanation. Every statement is evaluated, so the result lists all the
 * statements that matched and all the conditions that failed. Among matching statements an
 * explicit Deny wins over any Allow, and no matching statement means an implicit deny.
 */

import { matchesArn, matchesArnGlob } from "./arn.js";
import { contextValuesFor, evaluateClause } from "./conditions/evaluate-condition.js";
import { type ContextValues, indexContextKeys } from "./context.js";
import { type GrantScope, matchPrincipal, matchPrincipalScope, strongerGrant, widerScope } from "./principal.js";
import type {
  ConditionFailure,
  Decision,
  Evaluation,
  PatternList,
  Policy,
  PolicyTemplate,
  PrincipalGrant,
  RequestContext,
  Statement,
  StatementMatch,
} from "./types.js";
import { substituteVariables } from "./variables.js";
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

  const context = indexContextKeys(request.keys);
  const outcome = new Outcome(context);
  policies.forEach((policy, policyIndex) => {
    for (const statement of policy.statements) {
      if (appliesToRequest(statement, request, context)) outcome.checkConditions(policyIndex, statement);
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
  return evaluatePrincipalPolicy(policy, request).evaluation;
}

/** The evaluation of a resource policy, with the widest scope in which an Allow named the caller. */
export interface ResourcePolicyOutcome {
  evaluation: Evaluation;
  /** Set only when the evaluation is Allow. */
  scope?: GrantScope;
}

/**
 * evaluateResourcePolicy for a policy of any kind whose statements all have a Principal. Throws
 * TypeError when a statement has none or the request has no principal.
 */
export function evaluatePrincipalPolicy(policy: Policy, request: RequestContext): ResourcePolicyOutcome {
  const caller = request.principal;
  if (caller === undefined) throw new TypeError("Missing request.principal: a resource policy is matched against the caller");
  if (policy.statements.some((statement) => statement.principal === undefined)) {
    throw new TypeError(`A resource policy needs a Principal in every statement, which ${policy.kind} policies lack`);
  }

  const context = indexContextKeys(request.keys);
  const outcome = new Outcome(context);
  let scope: GrantScope | undefined;
  for (const statement of policy.statements) {
    const grant = matchPrincipal(statement.principal, caller);
    if (grant === undefined || !appliesToRequest(statement, request, context)) continue;
    if (outcome.checkConditions(0, statement) && statement.effect === "Allow") {
      outcome.grant(grant);
      scope = widerScope(scope, matchPrincipalScope(statement.principal, caller));
    }
  }

  const evaluation = outcome.result();
  return evaluation.decision === "Allow" && scope !== undefined ? { evaluation, scope } : { evaluation };
}

function appliesToRequest(statement: Statement, request: RequestContext, context: ContextValues): boolean {
  if (!matchesPatternList(statement.action, (pattern) => matchesWildcard(pattern, request.action, true))) {
    return false;
  }
  // A statement without Resource, allowed only in trust policies, applies to the role the policy is attached to.
  const resource = statement.resource;
  if (resource === undefined) return true;

  const templates = resource.templates;
  if (templates === undefined) return matchesPatternList(resource, (pattern) => matchesArn(pattern, request.resource));
  return matchesPatternList(resource, (_pattern, index) => matchesResourceTemplate(templates[index]!, request.resource, context));
}

/** Returns whether any pattern matches, or for NotAction and NotResource whether none does. */
function matchesPatternList(list: PatternList, matches: (pattern: string, index: number) => boolean): boolean {
  return list.patterns.some(matches) !== list.negated;
}

/**
 * Returns whether a Resource pattern with variables matches. A pattern whose variable cannot be
 * substituted matches no resource, so in NotResource it excludes none.
 */
function matchesResourceTemplate(template: PolicyTemplate, resource: string, context: ContextValues): boolean {
  const substituted = substituteVariables(template, context);
  return substituted !== undefined && matchesArnGlob(substituted.pattern, resource);
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
