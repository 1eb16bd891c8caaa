/** The contract every condition operator of the registry implements. */

import type { SubstitutedValue } from "../variables.js";

/**
 * A condition operator. `P` is a policy value in the form parsePolicy prepares once and keeps in
 * the parsed policy, so it must be plain data. `C` is a request value in the form it is compared
 * in, prepared once per evaluation of a clause.
 */
export interface ConditionOperator<P = unknown, C = unknown> {
  /**
   * True for the negated forms (StringNotEquals, NotIpAddress and the like): a context value
   * satisfies them when it matches none of the policy values.
   */
  readonly negated: boolean;
  /** True for the String and Arn operators, whose values may contain policy variables. */
  readonly acceptsPolicyVariables: boolean;
  /** Returns why a policy value is invalid for this operator, such as "is not a number", or undefined. */
  validateValue(policyValue: string): string | undefined;
  /** Prepares a policy value. An invalid value gets a form that matches no request value. */
  preparePolicyValue(policyValue: string): P;
  /** Prepares a request value, or returns undefined when it can match no policy value. */
  prepareContextValue(contextValue: string): C | undefined;
  /** Returns whether one prepared request value matches one prepared policy value, ignoring `negated`. */
  matches(contextValue: C, policyValue: P): boolean;
  /**
   * `matches` for a policy value whose variables were substituted. Defined exactly when
   * `acceptsPolicyVariables` is true.
   */
  readonly matchesSubstituted?: (contextValue: string, policyValue: SubstitutedValue) => boolean;
}

export type OperatorEntry = readonly [name: string, operator: ConditionOperator];

interface OperatorSpec<P, C> {
  validateValue?: (policyValue: string) => string | undefined;
  preparePolicyValue: (policyValue: string) => P;
  prepareContextValue: (contextValue: string) => C | undefined;
  matches: (contextValue: C, policyValue: P) => boolean;
  /** Given only for operators whose values may contain policy variables. */
  matchesSubstituted?: (contextValue: string, policyValue: SubstitutedValue) => boolean;
}

/** Returns a string unchanged, for operators that compare values as written. */
export function asWritten(value: string): string {
  return value;
}

/** Builds the registry entry of an operator from its matching rule. */
export function defineOperator<P, C>(name: string, spec: OperatorSpec<P, C>, negated = false): OperatorEntry {
  const operator: ConditionOperator<P, C> = {
    negated,
    acceptsPolicyVariables: spec.matchesSubstituted !== undefined,
    validateValue: spec.validateValue ?? (() => undefined),
    preparePolicyValue: spec.preparePolicyValue,
    prepareContextValue: spec.prepareContextValue,
    matches: spec.matches,
    ...(spec.matchesSubstituted === undefined ? {} : { matchesSubstituted: spec.matchesSubstituted }),
  };
  return [name, operator];
}

/** Builds a positive operator and its negated form, which share the matching rule. */
export function defineOperatorPair<P, C>(positive: string, negated: string, spec: OperatorSpec<P, C>): OperatorEntry[] {
  return [defineOperator(positive, spec), defineOperator(negated, spec, true)];
}
