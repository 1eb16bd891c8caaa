/**
 * Glob matching for IAM patterns: `*` matches any run of characters (also an empty one) and `?`
 * exactly one character, where a character is a Unicode code point.
 *
 * Patterns come from users, so the matcher builds no regular expression and never backtracks. It
 * splits the pattern at each `*` and finds every piece in between at its leftmost place. Taking the
 * leftmost place is safe because the next `*` can absorb whatever an earlier choice leaves over.
 * Pieces without `?` are found with Knuth-Morris-Pratt, so a pattern of m characters without `?`
 * takes O(n + m) time against a value of n characters. A piece of L characters that contains `?`
 * is found with the bit-parallel Shift-And scan, which costs O(n × ⌈L/32⌉) instead.
 */

/**
 * A glob as a list of code points, in which GLOB_STAR and GLOB_ANY_CHAR are the wildcards and every
 * other entry is a literal code point. Because code points are never negative, a `*` or `?` that
 * reaches a pattern as a literal (from a policy variable's value or an escape such as `${*}`)
 * matches only itself.
 */
export type GlobPattern = readonly number[];

/** Wildcard token for `*`. */
export const GLOB_STAR = -1;
/** Wildcard token for `?`. */
export const GLOB_ANY_CHAR = -2;

/**
 * Returns whether `value` matches the glob `pattern`. With `caseInsensitive`, both sides are
 * compared after foldCase, as IAM does for action names.
 */
export function matchesWildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  if (pattern === "*") return true;
  if (caseInsensitive) {
    pattern = foldCase(pattern);
    value = foldCase(value);
  }
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === value;
  return matchesGlob(toGlobPattern(pattern), value);
}

/** Converts glob text, in which `*` and `?` are wildcards, into a GlobPattern. */
export function toGlobPattern(pattern: string): number[] {
  const tokens: number[] = [];
  for (const char of pattern) {
    if (char === "*") tokens.push(GLOB_STAR);
    else if (char === "?") tokens.push(GLOB_ANY_CHAR);
    else tokens.push(char.codePointAt(0)!);
  }
  return tokens;
}

/** Returns whether `value` matches `pattern`, case-sensitively. */
export function matchesGlob(pattern: GlobPattern, value: string): boolean {
  const text = toCodePoints(value);
  const pieces = splitAtStars(pattern);
  const first = pieces[0]!;
  if (pieces.length === 1) return first.length === text.length && matchesAt(first, text, 0);

  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > text.length) return false;
  if (!matchesAt(first, text, 0)) return false;
  if (!matchesAt(last, text, text.length - last.length)) return false;

  // The middle pieces must fit, in order and without overlap, between the anchored first and last.
  let position = first.length;
  const end = text.length - last.length;
  for (let index = 1; index < pieces.length - 1; index++) {
    const piece = pieces[index]!;
    if (piece.length === 0) continue;
    const found = piece.includes(GLOB_ANY_CHAR)
      ? findWithSingleWildcards(piece, text, position, end)
      : findLiteral(piece, text, position, end);
    if (found < 0) return false;
    position = found + piece.length;
  }
  return true;
}

/**
 * Lower-cases each code point on its own, keeping code points whose lower case is longer than one
 * code point (such as U+0130), so that the folded string has as many characters as the original
 * and `?` still matches exactly one.
 */
export function foldCase(text: string): string {
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

function toCodePoints(text: string): number[] {
  const codes: number[] = [];
  for (const char of text) codes.push(char.codePointAt(0)!);
  return codes;
}

/** Splits at every `*` token: n stars give n + 1 pieces, some of which may be empty. */
function splitAtStars(pattern: GlobPattern): number[][] {
  const pieces: number[][] = [[]];
  for (const code of pattern) {
    if (code === GLOB_STAR) pieces.push([]);
    else pieces[pieces.length - 1]!.push(code);
  }
  return pieces;
}

/** Returns whether `piece`, which may contain `?`, matches `text` at `offset`. */
function matchesAt(piece: readonly number[], text: readonly number[], offset: number): boolean {
  for (let index = 0; index < piece.length; index++) {
    const code = piece[index]!;
    if (code !== GLOB_ANY_CHAR && code !== text[offset + index]) return false;
  }
  return true;
}

/** Leftmost start in [from, to - piece.length] of a piece without `?`, or -1, by Knuth-Morris-Pratt. */
function findLiteral(piece: readonly number[], text: readonly number[], from: number, to: number): number {
  const length = piece.length;
  if (length > to - from) return -1;

  // border[i] is the length of the longest proper prefix of piece[0..i] that is also its suffix.
  const border = new Int32Array(length);
  for (let index = 1, matched = 0; index < length; index++) {
    while (matched > 0 && piece[index] !== piece[matched]) matched = border[matched - 1]!;
    if (piece[index] === piece[matched]) matched++;
    border[index] = matched;
  }

  let matched = 0;
  for (let index = from; index < to; index++) {
    while (matched > 0 && text[index] !== piece[matched]) matched = border[matched - 1]!;
    if (text[index] === piece[matched]) matched++;
    if (matched === length) return index - length + 1;
  }
  return -1;
}

/**
 * Leftmost start in [from, to - piece.length] of a piece that contains `?`, or -1, by Shift-And.
 * Bit j of the state is set when piece[0..j] matches the text ending at the current character,
 * and the state is kept in 32-bit words so pieces of any length work.
 */
function findWithSingleWildcards(piece: readonly number[], text: readonly number[], from: number, to: number): number {
  const length = piece.length;
  if (length > to - from) return -1;

  const words = Math.ceil(length / 32);
  const wildcardMask = new Uint32Array(words);
  const positionsByCode = new Map<number, number[]>();
  for (let index = 0; index < length; index++) {
    const code = piece[index]!;
    if (code === GLOB_ANY_CHAR) {
      wildcardMask[index >>> 5]! |= 1 << (index & 31);
      continue;
    }
    const positions = positionsByCode.get(code);
    if (positions) positions.push(index);
    else positionsByCode.set(code, [index]);
  }

  // Masks are built only for characters that occur in the text, which bounds their number by n.
  const maskByCode = new Map<number, Uint32Array>();
  const maskFor = (code: number): Uint32Array => {
    const positions = positionsByCode.get(code);
    if (!positions) return wildcardMask;
    let mask = maskByCode.get(code);
    if (!mask) {
      mask = wildcardMask.slice();
      for (const index of positions) mask[index >>> 5]! |= 1 << (index & 31);
      maskByCode.set(code, mask);
    }
    return mask;
  };

  const state = new Uint32Array(words);
  const lastWord = (length - 1) >>> 5;
  const lastBit = 1 << ((length - 1) & 31);
  for (let index = from; index < to; index++) {
    const mask = maskFor(text[index]!);
    let carry = 1;
    for (let word = 0; word < words; word++) {
      const previous = state[word]!;
      state[word] = ((previous << 1) | carry) & mask[word]!;
      carry = previous >>> 31;
    }
    if ((state[lastWord]! & lastBit) !== 0) return index - length + 1;
  }
  return -1;
}
