/**
 * ARN matching for Resource elements and the Arn condition operators. An ARN has six parts,
 * arn:partition:service:region:account-id:resource, and the resource part may itself contain colons.
 */

import { compileGlob, compileGlobTokens, GLOB_STAR, type Glob, type GlobPattern, matchesGlob } from "./glob.js";

const COLON = 0x3a;

/** The six parts of an ARN. The last part keeps any further colons. */
export type ArnParts = readonly [string, string, string, string, string, string];

/**
 * An ARN pattern compiled for matching, as plain data. When none of the first five parts has a
 * wildcard, they are kept together as `prefix`, so a match needs no split of the ARN.
 */
export interface ArnPattern {
  /** True for the pattern "*", which matches every value, an ARN or not. */
  readonly any: boolean;
  /** The first five parts and their colons, such as "arn:aws:s3:::", when `parts` is empty. */
  readonly prefix: string;
  /** Globs of the first five parts when one of them has a wildcard, else empty. */
  readonly parts: readonly Glob[];
  /** Glob of the resource part. */
  readonly resource: Glob;
}

const ANY_ARN: ArnPattern = { any: true, prefix: "", parts: [], resource: "" };

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
  const compiled = compileArnPattern(pattern);
  return compiled !== null && matchesArnPattern(compiled, arn);
}

/**
 * matchesArn for a pattern in token form, as built by substituting policy variables. The pattern
 * is split at its first five colons, including colons that a substituted value supplied, so it
 * reads as if the value had been written into the policy. Only a lone GLOB_STAR matches any value.
 */
export function matchesArnGlob(pattern: GlobPattern, arn: string): boolean {
  const compiled = compileArnTokens(pattern);
  return compiled !== null && matchesArnPattern(compiled, arn);
}

/** Compiles an ARN pattern, or returns null for text that is neither "*" nor has five colons, which matches nothing. */
export function compileArnPattern(pattern: string): ArnPattern | null {
  if (pattern === "*") return ANY_ARN;
  const parts = splitArn(pattern);
  if (parts === undefined) return null;

  const resource = compileGlob(parts[5]);
  const heads = parts.slice(0, 5);
  if (heads.some((part) => part.includes("*") || part.includes("?"))) {
    return { any: false, prefix: "", parts: heads.map(compileGlob), resource };
  }
  return { any: false, prefix: pattern.slice(0, pattern.length - parts[5].length), parts: [], resource };
}

/** compileArnPattern for a pattern in token form. */
export function compileArnTokens(pattern: GlobPattern): ArnPattern | null {
  if (pattern.length === 1 && pattern[0] === GLOB_STAR) return ANY_ARN;

  const heads: Glob[] = [];
  let start = 0;
  for (let index = 0; index < 5; index++) {
    const colon = pattern.indexOf(COLON, start);
    if (colon < 0) return null;
    heads.push(compileGlobTokens(pattern.slice(start, colon)));
    start = colon + 1;
  }
  const resource = compileGlobTokens(pattern.slice(start));
  if (heads.every((head) => typeof head === "string")) {
    return { any: false, prefix: `${heads.join(":")}:`, parts: [], resource };
  }
  return { any: false, prefix: "", parts: heads, resource };
}

/** Returns whether `arn` matches a compiled pattern. */
export function matchesArnPattern(pattern: ArnPattern, arn: string): boolean {
  if (pattern.any) return true;

  // The prefix contains exactly five colons, so an ARN that starts with it has the same first five parts.
  if (pattern.parts.length === 0) {
    return arn.startsWith(pattern.prefix) && matchesGlob(pattern.resource, arn, pattern.prefix.length);
  }

  let start = 0;
  for (let index = 0; index < 5; index++) {
    const colon = arn.indexOf(":", start);
    if (colon < 0) return false;
    if (!matchesGlob(pattern.parts[index]!, arn, start, colon)) return false;
    start = colon + 1;
  }
  return matchesGlob(pattern.resource, arn, start);
}
