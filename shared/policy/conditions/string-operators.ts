/** String, Bool and Arn condition operators. */

import { compileArnPattern, isArnLike, matchesArnGlob, matchesArnPattern } from "../arn.js";
import { compileGlob, compileGlobTokens, matchesGlob } from "../glob.js";
import type { SubstitutedValue } from "../variables.js";
import { foldCase } from "../wildcard.js";
import { asWritten, defineOperator, defineOperatorPair, type OperatorEntry } from "./operator.js";

function validateBoolean(policyValue: string): string | undefined {
  const lower = policyValue.toLowerCase();
  return lower === "true" || lower === "false" ? undefined : 'must be "true" or "false"';
}

function validateArnPattern(policyValue: string): string | undefined {
  return policyValue === "*" || isArnLike(policyValue) ? undefined : 'must be an ARN or "*"';
}

function toLowerCase(value: string): string {
  return value.toLowerCase();
}

const arnSpec = {
  validateValue: validateArnPattern,
  preparePolicyValue: compileArnPattern,
  prepareContextValue: asWritten,
  // A policy value that is not an ARN pattern was compiled to null and matches nothing.
  matches: (contextValue: string, policyValue: ReturnType<typeof compileArnPattern>) =>
    policyValue !== null && matchesArnPattern(policyValue, contextValue),
  matchesSubstituted: (contextValue: string, policyValue: SubstitutedValue) => matchesArnGlob(policyValue.pattern, contextValue),
};

export const STRING_OPERATORS: readonly OperatorEntry[] = [
  ...defineOperatorPair("StringEquals", "StringNotEquals", {
    preparePolicyValue: asWritten,
    prepareContextValue: asWritten,
    matches: (contextValue, policyValue) => contextValue === policyValue,
    matchesSubstituted: (contextValue, policyValue) => contextValue === policyValue.text,
  }),
  ...defineOperatorPair("StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", {
    preparePolicyValue: foldCase,
    prepareContextValue: foldCase,
    matches: (contextValue, policyValue) => contextValue === policyValue,
    matchesSubstituted: (contextValue, policyValue) => foldCase(contextValue) === foldCase(policyValue.text),
  }),
  ...defineOperatorPair("StringLike", "StringNotLike", {
    preparePolicyValue: compileGlob,
    prepareContextValue: asWritten,
    matches: (contextValue, policyValue) => matchesGlob(policyValue, contextValue),
    matchesSubstituted: (contextValue, policyValue) => matchesGlob(compileGlobTokens(policyValue.pattern), contextValue),
  }),
  defineOperator("Bool", {
    validateValue: validateBoolean,
    preparePolicyValue: toLowerCase,
    prepareContextValue: toLowerCase,
    matches: (contextValue, policyValue) => contextValue === policyValue,
  }),
  // IAM documents ArnEquals and ArnLike as the same test, wildcards included.
  ...defineOperatorPair("ArnEquals", "ArnNotEquals", arnSpec),
  ...defineOperatorPair("ArnLike", "ArnNotLike", arnSpec),
];
