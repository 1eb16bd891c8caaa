/**
 * ARN matching for Resource elements and the Arn condition operators. An ARN has six parts,
 * arn:partition:service:region:account-id:resource, and the resource part may itself contain colons.
 */

import { GLOB_STAR, type GlobPattern, matchesGlob, matchesWildcard } from "./wildcard.js";

const COLON = 0x3a;

/** The six parts of an ARN. The last part keeps any further colons. */
export type ArnParts = readonly [string, string, string, string, string, string];

/** Splits at the first five colons, or returns undefined when there are fewer than five. */
export function splitArn(arn: string): ArnParts | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let count = 0; count < 5; count++) {
    const colon = arn.indexOf(":", start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts as unknown as ArnParts;
}

/** Returns whether `text` has the form of an ARN pattern: "arn:" and at least five colons. */
export function isArnLike(text: string): boolean {
  return text.startsWith("arn:") && splitArn(text) !== undefined;
}

/**
 * Returns whether `arn` matches `pattern`, compared case-sensitively part by part. `*` and `?`
 * match within one of the first five parts, while in the resource part a `*` may also span `/`
 * and `:`. The pattern "*" alone matches everything, and a value that is not an ARN matches
 * no other pattern.
 */
export function matchesArn(pattern: string, arn: string): boolean {
  if (pattern === "*") return true;

  const patternParts = splitArn(pattern);
  const arnParts = splitArn(arn);
  if (patternParts === undefined || arnParts === undefined) return false;

  for (let index = 0; index < 6; index++) {
    if (!matchesWildcard(patternParts[index]!, arnParts[index]!)) return false;
  }
  return true;
}

/**
 * matchesArn for a pattern in token form, as built by substituting policy variables. The pattern
 * is split at its first five colons, including colons that a substituted value supplied, so it
 * reads as if the value had been written into the policy. Only a lone GLOB_STAR matches any value.
 */
export function matchesArnGlob(pattern: GlobPattern, arn: string): boolean {
  if (pattern.length === 1 && pattern[0] === GLOB_STAR) return true;

  const arnParts = splitArn(arn);
  if (arnParts === undefined) return false;

  let start = 0;
  for (let index = 0; index < 5; index++) {
    const colon = pattern.indexOf(COLON, start);
    if (colon < 0) return false;
    if (!matchesGlob(pattern.slice(start, colon), arnParts[index]!)) return false;
    start = colon + 1;
  }
  return matchesGlob(pattern.slice(start), arnParts[5]!);
}
