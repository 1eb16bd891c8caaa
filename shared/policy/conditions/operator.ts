/** The contract every condition operator of the registry implements. */

export interface ConditionOperator {
  /**
   * True for the negated forms (StringNotEquals, NotIpAddress and the like): a context value
   * satisfies them when it matches none of the policy values.
   */
  readonly negated: boolean;
  /** True for the String and Arn operators, whose values may later contain policy variables. */
  readonly acceptsPolicyVariables: boolean;
  /** Returns why a policy value is invalid for this operator, such as "is not a number", or undefined. */
  validateValue(policyValue: string): string | undefined;
  /** Returns whether one context value matches one policy value, ignoring `negated`. */
  matches(contextValue: string, policyValue: string): boolean;
}

export type OperatorEntry = readonly [name: string, operator: ConditionOperator];

interface OperatorSpec {
  acceptsPolicyVariables?: boolean;
  validateValue?: (policyValue: string) => string | undefined;
  matches: (contextValue: string, policyValue: string) => boolean;
}

/** Builds the registry entry of an operator from its matching rule. */
export function defineOperator(name: string, spec: OperatorSpec, negated = false): OperatorEntry {
  return [
    name,
    {
      negated,
      acceptsPolicyVariables: spec.acceptsPolicyVariables ?? false,
      validateValue: spec.validateValue ?? (() => undefined),
      matches: spec.matches,
    },
  ];
}

/** Builds a positive operator and its negated form, which share the matching rule. */
export function defineOperatorPair(positive: string, negated: string, spec: OperatorSpec): OperatorEntry[] {
  return [defineOperator(positive, spec), defineOperator(negated, spec, true)];
}
