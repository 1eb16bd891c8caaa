/** Numeric condition operators. */

import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

// Decimal numbers with an optional exponent: "5", "-1.5", "2e3". Hexadecimal and "Infinity" are not numbers here.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a decimal number, or returns undefined for anything else. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function validateNumber(policyValue: string): string | undefined {
  return parseDecimal(policyValue) === undefined ? "is not a number" : undefined;
}

/** Builds the matching rule from a comparison. A context value that is not a number matches nothing. */
function compareWith(compare: (contextNumber: number, policyNumber: number) => boolean) {
  return {
    validateValue: validateNumber,
    matches: (contextValue: string, policyValue: string): boolean => {
      const contextNumber = parseDecimal(contextValue);
      const policyNumber = parseDecimal(policyValue);
      if (contextNumber === undefined || policyNumber === undefined) return false;
      return compare(contextNumber, policyNumber);
    },
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
