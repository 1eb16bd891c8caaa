/** Numeric condition operators. */

import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

// Decimal numbers with an optional exponent: "5", "-1.5", "2e3". Hexadecimal and "Infinity" are not numbers here.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EXPONENT = /[eE]/;

/** Parses a decimal number, or returns undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Accepts integers and decimals, the forms AWS documents for policy values. Request values are
 * read by parseDecimal, which also takes exponent notation, so that no request changes its decision.
 */
function validateNumber(policyValue: string): string | undefined {
  if (parseDecimal(policyValue) === undefined) return "is not a number";
  if (EXPONENT.test(policyValue)) return "uses exponent notation; write it as an integer or a decimal such as 1000 or 0.5";
  return undefined;
}

/** Converts a policy value into a number, or into null, which matches nothing, when it is not one. */
function prepareNumber(policyValue: string): number | null {
  return parseDecimal(policyValue) ?? null;
}

/** Builds the matching rule from a comparison. A context value that is not a number matches nothing. */
function compareWith(compare: (contextNumber: number, policyNumber: number) => boolean) {
  return {
    validateValue: validateNumber,
    preparePolicyValue: prepareNumber,
    prepareContextValue: parseDecimal,
    matches: (contextNumber: number, policyNumber: number | null): boolean => policyNumber !== null && compare(contextNumber, policyNumber),
  };
}

export const NUMERIC_OPERATORS: readonly OperatorEntry[] = [
  ...defineOperatorPair(
    "NumericEquals",
    "NumericNotEquals",
    compareWith((context, policy) => context === policy),
  ),
  defineOperator(
    "NumericLessThan",
    compareWith((context, policy) => context < policy),
  ),
  defineOperator(
    "NumericLessThanEquals",
    compareWith((context, policy) => context <= policy),
  ),
  defineOperator(
    "NumericGreaterThan",
    compareWith((context, policy) => context > policy),
  ),
  defineOperator(
    "NumericGreaterThanEquals",
    compareWith((context, policy) => context >= policy),
  ),
];
