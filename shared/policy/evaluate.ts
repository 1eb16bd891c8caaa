/**
 * Policy evaluation with explanation. Every statement is evaluated, so the result lists all the
 * statements that matched and all the conditions that failed. Among matching statements an
 * explicit Deny wins over any Allow, and no matching statement means an implicit deny.
 */

import { type ArnPattern, matchesArnGlob, matchesArnPattern } from "./arn.js";
import { type CompiledCondition, type CompiledPatterns, type CompiledStatement, compiledStatementsOf } from "./compile.js";
import { contextValuesFor, evaluateClause } from "./conditions/evaluate-condition.js";
import type { ContextValues } from "./context.js";
import { type Glob, matchesGlob } from "./glob.js";
import { PreparedRequest } from "./prepared-request.js";
import { type GrantScope, matchPrincipal, matchPrincipalScope, strongerGrant, widerScope } from "./principal.js";
import type {
  ConditionClause,
  ConditionFailure,
  Decision,
  Evaluation,
  Policy,
  PolicyTemplate,
  PrincipalGrant,
  RequestContext,
  Statement,
  StatementMatch,
} from "./types.js";
import { substituteVariables } from "./variables.js";

/**
 * Evaluates a set of identity (or session) policies: explicit Deny wins, then Allow, else
 * ImplicitDeny. Throws TypeError for a trust policy, whose principals this evaluation would ignore.
 */
export function evaluateIdentityPolicies(policies: readonly Policy[], request: RequestContext): Evaluation {
  return evaluatePreparedIdentityPolicies(policies, new PreparedRequest(request));
}

/** evaluateIdentityPolicies for a request that several evaluations share. */
export function evaluatePreparedIdentityPolicies(policies: readonly Policy[], request: PreparedRequest): Evaluation {
  for (const policy of policies) {
    if (policy.kind === "trust") {
      throw new TypeError("evaluateIdentityPolicies takes identity and session policies; use evaluateResourcePolicy");
    }
  }

  const outcome = new Outcome(request);
  for (let policyIndex = 0; policyIndex < policies.length; policyIndex++) {
    const policy = policies[policyIndex]!;
    const compiled = compiledStatementsOf(policy);
    for (let index = 0; index < policy.statements.length; index++) {
      const statement = policy.statements[index]!;
      const compiledStatement = compiled[index]!;
      if (appliesToRequest(statement, compiledStatement, request)) {
        outcome.checkConditions(policyIndex, statement, compiledStatement.conditions);
      }
    }
  }
  request.checkKeyNames();
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
  return evaluatePrincipalPolicy(policy, new PreparedRequest(request)).evaluation;
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
export function evaluatePrincipalPolicy(policy: Policy, request: PreparedRequest): ResourcePolicyOutcome {
  const caller = request.request.principal;
  if (caller === undefined) throw new TypeError("Missing request.principal: a resource policy is matched against the caller");
  if (policy.statements.some((statement) => statement.principal === undefined)) {
    throw new TypeError(`A resource policy needs a Principal in every statement, which ${policy.kind} policies lack`);
  }

  const compiled = compiledStatementsOf(policy);
  const outcome = new Outcome(request);
  let scope: GrantScope | undefined;
  for (let index = 0; index < policy.statements.length; index++) {
    const statement = policy.statements[index]!;
    const compiledStatement = compiled[index]!;
    const grant = matchPrincipal(statement.principal, caller);
    if (grant === undefined || !appliesToRequest(statement, compiledStatement, request)) continue;
    if (outcome.checkConditions(0, statement, compiledStatement.conditions) && statement.effect === "Allow") {
      outcome.grant(grant);
      scope = widerScope(scope, matchPrincipalScope(statement.principal, caller));
    }
  }
  request.checkKeyNames();

  const evaluation = outcome.result();
  return evaluation.decision === "Allow" && scope !== undefined ? { evaluation, scope } : { evaluation };
}

function appliesToRequest(statement: Statement, compiled: CompiledStatement, request: PreparedRequest): boolean {
  if (!matchesActions(compiled.action, request.action)) return false;
  // A statement without Resource, allowed only in trust policies, applies to the role the policy is attached to.
  const resource = statement.resource;
  if (resource === undefined) return true;

  const templates = resource.templates;
  if (templates === undefined) return matchesResources(compiled.resource!, request.request.resource);
  const context = request.contextValues();
  const matched = templates.some((template) => matchesResourceTemplate(template, request.request.resource, context));
  return matched !== resource.negated;
}

/** Returns whether any pattern matches the folded action, or for NotAction whether none does. */
function matchesActions(list: CompiledPatterns<Glob>, action: string): boolean {
  if (list.matchesAll) return !list.negated;
  for (const pattern of list.patterns) {
    if (matchesGlob(pattern, action)) return !list.negated;
  }
  return list.negated;
}

/** Returns whether any pattern matches the resource, or for NotResource whether none does. */
function matchesResources(list: CompiledPatterns<ArnPattern | null>, resource: string): boolean {
  if (list.matchesAll) return !list.negated;
  for (const pattern of list.patterns) {
    if (pattern !== null && matchesArnPattern(pattern, resource)) return !list.negated;
  }
  return list.negated;
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
  private allowed = false;
  private denied = false;

  constructor(private readonly request: PreparedRequest) {}

  /** Evaluates all conditions of a statement that matched the request, and records the result. */
  checkConditions(policyIndex: number, statement: Statement, conditions: readonly CompiledCondition[]): boolean {
    const satisfied = statement.conditions.length === 0 || this.conditionsHold(policyIndex, statement, conditions);
    if (!satisfied) return false;

    this.matched.push(statementMatch(policyIndex, statement));
    if (statement.effect === "Deny") this.denied = true;
    else this.allowed = true;
    return true;
  }

  /** Evaluates every clause and records each that fails. The first call in an evaluation indexes the request's keys. */
  private conditionsHold(policyIndex: number, statement: Statement, conditions: readonly CompiledCondition[]): boolean {
    const context = this.request.contextValues();
    let satisfied = true;
    statement.conditions.forEach((clause, index) => {
      const compiled = conditions[index]!;
      if (evaluateClause(clause, compiled, context)) return;
      satisfied = false;
      this.failedConditions.push(conditionFailure(policyIndex, statement, clause, contextValuesFor(compiled, context)));
    });
    return satisfied;
  }

  grant(grant: PrincipalGrant): void {
    this.granted = strongerGrant(this.granted, grant);
  }

  result(): Evaluation {
    let decision: Decision = "ImplicitDeny";
    if (this.allowed) decision = "Allow";
    if (this.denied) decision = "ExplicitDeny";
    if (decision === "Allow" && this.granted !== undefined) {
      return { decision, grantedVia: this.granted, matched: this.matched, failedConditions: this.failedConditions };
    }
    return { decision, matched: this.matched, failedConditions: this.failedConditions };
  }
}

function statementMatch(policyIndex: number, statement: Statement): StatementMatch {
  const { index: statementIndex, sid, effect } = statement;
  return sid === undefined ? { policyIndex, statementIndex, effect } : { policyIndex, statementIndex, sid, effect };
}

function conditionFailure(
  policyIndex: number,
  statement: Statement,
  clause: ConditionClause,
  contextValues: readonly string[] | undefined,
): ConditionFailure {
  const { index: statementIndex, sid, effect } = statement;
  const { operator, key, values: policyValues } = clause;
  return sid === undefined
    ? { policyIndex, statementIndex, effect, operator, key, policyValues, contextValues }
    : { policyIndex, statementIndex, sid, effect, operator, key, policyValues, contextValues };
}
