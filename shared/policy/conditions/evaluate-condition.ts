/** Evaluation of one condition clause against the condition keys of a request. */

import { type ContextValue, type ContextValues, valuesOf } from "../context.js";
import type { CompiledCondition } from "../compile.js";
import type { ConditionClause, PolicyTemplate } from "../types.js";
import { type SubstitutedValue, substituteVariables } from "../variables.js";
import type { ConditionOperator } from "./operator.js";
import { getConditionOperator, NULL_OPERATOR } from "./registry.js";

/** Values of the clause's key in the request, undefined when the key is absent. */
export function contextValuesFor(compiled: CompiledCondition, context: ContextValues): readonly string[] | undefined {
  const value = context.get(compiled.key);
  return value === undefined ? undefined : valuesOf(value);
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
 *
 * `compiled` is the clause's compiled form, whose values the clause's operator prepared.
 */
export function evaluateClause(clause: ConditionClause, compiled: CompiledCondition, context: ContextValues): boolean {
  const values = context.get(compiled.key);

  if (clause.baseOperator === NULL_OPERATOR) {
    // Null's values were prepared as whether they expect the key to be absent.
    return compiled.values.includes(values === undefined);
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

  const negated = operator.negated;
  if (clause.templates !== undefined) {
    return satisfiesQualifier(clause, negated, values, substitutedMatcher(clause, clause.templates, operator, context));
  }
  // Every rule of satisfiesQualifier gives this for a single value.
  if (typeof values === "string") return matchesAnyPrepared(operator, compiled.values, values) !== negated;
  return satisfiesQualifier(clause, negated, values, (value) => matchesAnyPrepared(operator, compiled.values, value));
}

/** Applies the set qualifier, or the rule for a clause without one, to the request values of a present key. */
function satisfiesQualifier(
  clause: ConditionClause,
  negated: boolean,
  values: ContextValue,
  matchesAny: (contextValue: string) => boolean,
): boolean {
  const list = valuesOf(values);
  switch (clause.qualifier) {
    case "ForAllValues":
      return list.every((value) => matchesAny(value) !== negated);
    case "ForAnyValue":
      return list.some((value) => matchesAny(value) !== negated);
    default:
      // A negated operator must hold for every value, a positive one for some value.
      return negated ? list.every((value) => !matchesAny(value)) : list.some((value) => matchesAny(value));
  }
}

/** Returns whether a request value matches any of the policy values that parsePolicy prepared. */
function matchesAnyPrepared(operator: ConditionOperator, policyValues: readonly unknown[], contextValue: string): boolean {
  const prepared = operator.prepareContextValue(contextValue);
  if (prepared === undefined) return false;
  for (const policyValue of policyValues) {
    if (operator.matches(prepared, policyValue)) return true;
  }
  return false;
}

/** Substitutes the clause's values once and returns a test of one request value against them. */
function substitutedMatcher(
  clause: ConditionClause,
  templates: readonly PolicyTemplate[],
  operator: ConditionOperator,
  context: ContextValues,
): (contextValue: string) => boolean {
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
