/** String, Bool and Arn condition operators. */

import { isArnLike, matchesArn } from "../arn.js";
import { foldCase, matchesWildcard } from "../wildcard.js";
import { defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

function validateBoolean(policyValue: string): string | undefined {
  const lower = policyValue.toLowerCase();
  return lower === "true" || lower === "false" ? undefined : 'must be "true" or "false"';
}

function validateArnPattern(policyValue: string): string | undefined {
  return policyValue === "*" || isArnLike(policyValue) ? undefined : 'must be an ARN or "*"';
}

const arnSpec = { acceptsPolicyVariables: true, validateValue: validateArnPattern, matches: matchesArnValue };

function matchesArnValue(contextValue: string, policyValue: string): boolean {
  return matchesArn(policyValue, contextValue);
}

export const STRING_OPERATORS: readonly OperatorEntry[] = [
  ...defineOperatorPair("StringEquals", "StringNotEquals", {
    acceptsPolicyVariables: true,
    matches: (contextValue, policyValue) => contextValue === policyValue,
  }),
  ...defineOperatorPair("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", {
    acceptsPolicyVariables: true,
    matches: (contextValue, policyValue) => foldCase(contextValue) === foldCase(policyValue),
  }),
  ...defineOperatorPair("StringLike", "StringNotLike", {
    acceptsPolicyVariables: true,
    matches: (contextValue, policyValue) => matchesWildcard(policyValue, contextValue),
  }),
  defineOperator("Bool", {
    validateValue: validateBoolean,
    matches: (contextValue, policyValue) => contextValue.toLowerCase() === policyValue.toLowerCase(),
  }),
  // IAM documents ArnEquals and ArnLike as the same test, wildcards included.
  ...defineOperatorPair("ArnEquals", "ArnNotEquals", arnSpec),
  ...defineOperatorPair("ArnLike", "ArnNotLike", arnSpec),
];
