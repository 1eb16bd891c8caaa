/** The contract every condition operator of the registry implements. */

import type { SubstitutedValue } from "../variables.js";

export interface ConditionOperator {
  /**
   * True for the negated forms (StringNotEquals, NotIpAddress and the like): a context value
   * satisfies them when it matches none of the policy values.
   */
  readonly negated: boolean;
  /** True for the String and Arn operators, whose values may contain policy variables. */
  readonly acceptsPolicyVariables: boolean;
  /** Returns why a policy value is invalid for this operator, such as "is not a number", or undefined. */
  validateValue(policyValue: string): string | undefined;
  /** Returns whether one context value matches one policy value, ignoring `negated`. */
  matches(contextValue: string, policyValue: string): boolean;
  /**
   * `matches` for a policy value whose variables were substituted. Defined exactly when
   * `acceptsPolicyVariables` is true.
   */
  readonly matchesSubstituted?: (contextValue: string, policyValue: SubstitutedValue) => boolean;
}

export type OperatorEntry = readonly [name: string, operator: ConditionOperator];

interface OperatorSpec {
  validateValue?: (policyValue: string) => string | undefined;
  matches: (contextValue: string, policyValue: string) => boolean;
  /** Given only for operators whose values may contain policy variables. */
  matchesSubstituted?: (contextValue: string, policyValue: SubstitutedValue) => boolean;
}

/** Builds the registry entry of an operator from its matching rule. */
export function defineOperator(name: string, spec: OperatorSpec, negated = false): OperatorEntry {
  return [
    name,
    {
      negated,
      acceptsPolicyVariables: spec.matchesSubstituted !== undefined,
      validateValue: spec.validateValue ?? (() => undefined),
      matches: spec.matches,
      ...(spec.matchesSubstituted === undefined ? {} : { matchesSubstituted: spec.matchesSubstituted }),
    },
  ];
}

/** Builds a positive operator and its negated form, which share the matching rule. */
export function defineOperatorPair(positive: string, negated: string, spec: OperatorSpec): OperatorEntry[] {
  return [defineOperator(positive, spec), defineOperator(negated, spec, true)];
}
