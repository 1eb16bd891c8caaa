/** String, Bool and Arn condition operators. */

import { isArnLike, matchesArn, matchesArnGlob } from "../arn.js";
import { foldCase, matchesGlob, matchesWildcard } from "../wildcard.js";
import type { SubstitutedValue } from "../variables.js";
import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

function validateBoolean(policyValue: string): string | undefined {
  const lower = policyValue.toLowerCase();
  return lower === "true" || lower === "false" ? undefined : 'must be "true" or "false"';
}

function validateArnPattern(policyValue: string): string | undefined {
  return policyValue === "*" || isArnLike(policyValue) ? undefined : 'must be an ARN or "*"';
}

const arnSpec = {
  validateValue: validateArnPattern,
  matches: matchesArnValue,
  matchesSubstituted: (contextValue: string, policyValue: SubstitutedValue) => matchesArnGlob(policyValue.pattern, contextValue),
};

function matchesArnValue(contextValue: string, policyValue: string): boolean {
  return matchesArn(policyValue, contextValue);
}

export const STRING_OPERATORS: readonly OperatorEntry[] = [
  ...defineOperatorPair("StringEquals", "StringNotEquals", {
    matches: (contextValue, policyValue) => contextValue === policyValue,
    matchesSubstituted: (contextValue, policyValue) => contextValue === policyValue.text,
  }),
  ...defineOperatorPair("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", {
    matches: (contextValue, policyValue) => foldCase(contextValue) === foldCase(policyValue),
    matchesSubstituted: (contextValue, policyValue) => foldCase(contextValue) === foldCase(policyValue.text),
  }),
  ...defineOperatorPair("StringLike", "StringNotLike", {
    matches: (contextValue, policyValue) => matchesWildcard(policyValue, contextValue),
    matchesSubstituted: (contextValue, policyValue) => matchesGlob(policyValue.pattern, contextValue),
  }),
  defineOperator("Bool", {
    validateValue: validateBoolean,
    matches: (contextValue, policyValue) => contextValue.toLowerCase() === policyValue.toLowerCase(),
  }),
  // IAM documents ArnEquals and ArnLike as the same test, wildcards included.
  ...defineOperatorPair("ArnEquals", "ArnNotEquals", arnSpec),
  ...defineOperatorPair("ArnLike", "ArnNotLike", arnSpec),
];
