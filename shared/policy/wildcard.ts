/**
 * Wildcard matching of one pattern against one value, and the case folding that IAM applies to
 * action names. The policy engine compiles its patterns once (glob.ts) and uses these only
 * through foldCase.
 */

import { compileGlob, matchesGlob } from "./glob.js";

/**
 * Returns whether `value` matches the glob `pattern`, in which `*` matches any run of characters
 * and `?` exactly one code point. With `caseInsensitive`, both sides are compared after foldCase,
 * as IAM does for action names.
 */
export function matchesWildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  if (pattern === "*") return true;
  if (caseInsensitive) {
    pattern = foldCase(pattern);
    value = foldCase(value);
  }
  return matchesGlob(compileGlob(pattern), value);
}

/**
 * Lower-cases each code point on its own, keeping code points whose lower case is longer than one
 * code point (such as U+0130), so that the folded string has as many characters as the original
 * and `?` still matches exactly one.
 */
export function foldCase(text: string): string {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) >= 0x80) return foldCodePoints(text);
  }
  // In ASCII, toLowerCase changes only A to Z, one character each.
  return text.toLowerCase();
}

function foldCodePoints(text: string): string {
  let folded = "";
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) {
      folded += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 0x20) : char;
      continue;
    }
    const lower = char.toLowerCase();
    folded += [...lower].length === 1 ? lower : char;
  }
  return folded;
}
