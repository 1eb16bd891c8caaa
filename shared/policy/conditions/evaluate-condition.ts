/** Evaluation of one condition clause against the condition keys of a request. */

import type { ContextValues } from "../context.js";
import type { ConditionClause, PolicyTemplate } from "../types.js";
import { type SubstitutedValue, substituteVariables } from "../variables.js";
import type { ConditionOperator } from "./operator.js";
import { getConditionOperator, NULL_OPERATOR } from "./registry.js";

/** Values of the clause's key in the request, undefined when the key is absent. */
export function contextValuesFor(clause: ConditionClause, context: ContextValues): readonly string[] | undefined {
  return context.get(clause.key.toLowerCase());
}

/**
 * Returns whether the clause is satisfied. Policy values of one key are alternatives (OR), except for
 * negated operators, where the request value must match none of them. An absent key makes a
 * positive operator false and a negated one true. IfExists and ForAllValues make it true,
 * ForAnyValue makes it false, and Null tests exactly that presence.
 *
 * Without a set qualifier, a multivalued key satisfies a positive operator when any request value
 * matches, and a negated operator when no request value matches.
 *
 * A policy value whose variable cannot be substituted (key absent or multivalued, no default)
 * matches no request value, so it makes a positive operator false and a negated one true for it.
 * NOTE: IAM documents set qualifiers as required for multivalued keys but not what happens without
 * one, so this rule is our choice.
 */
export function evaluateClause(clause: ConditionClause, context: ContextValues): boolean {
  const values = contextValuesFor(clause, context);

  if (clause.baseOperator === NULL_OPERATOR) {
    const absent = values === undefined;
    return clause.values.some((policyValue) => (policyValue.toLowerCase() === "true") === absent);
  }

  const operator = getConditionOperator(clause.baseOperator);
  if (operator === undefined) {
    // Parsed policies cannot get here. Throwing keeps a Deny with an unknown operator from being skipped.
    throw new TypeError(`Condition operator ${JSON.stringify(clause.operator)} is not registered`);
  }

  if (values === undefined) {
    if (clause.ifExists || clause.qualifier === "ForAllValues") return true;
    if (clause.qualifier === "ForAnyValue") return false;
    return operator.negated;
  }

  const matchesAnyPolicyValue =
    clause.templates === undefined
      ? (value: string): boolean => clause.values.some((policyValue) => operator.matches(value, policyValue))
      : substitutedMatcher(clause, clause.templates, operator, context);
  const satisfies = (value: string): boolean => matchesAnyPolicyValue(value) !== operator.negated;

  switch (clause.qualifier) {
    case "ForAllValues":
      return values.every(satisfies);
    case "ForAnyValue":
      return values.some(satisfies);
    default:
      return operator.negated ? values.every(satisfies) : values.some(satisfies);
  }
}

/** Substitutes the clause's values once and returns a test of one request value against them. */
function substitutedMatcher(
  clause: ConditionClause,
  templates: readonly PolicyTemplate[],
  operator: ConditionOperator,
  context: ContextValues,
): (value: string) => boolean {
  const matchesSubstituted = operator.matchesSubstituted;
  if (matchesSubstituted === undefined) {
    // Parsed policies cannot get here: parsePolicy keeps templates only for operators that take variables.
    throw new TypeError(`Condition operator ${JSON.stringify(clause.operator)} does not accept policy variables`);
  }

  const policyValues: SubstitutedValue[] = [];
  for (const template of templates) {
    const substituted = substituteVariables(template, context);
    if (substituted !== undefined) policyValues.push(substituted);
  }
  return (value) => policyValues.some((policyValue) => matchesSubstituted(value, policyValue));
}
