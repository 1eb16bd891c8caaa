/**
 * Glob matching for IAM patterns: `*` matches any run of characters (also an empty one) and `?`
 * exactly one character, where a character is a Unicode code point.
 *
 * Patterns come from users, so the matcher builds no regular expression and never backtracks. It
 * splits the pattern at each `*`, anchors the first and last pieces at the ends of the value and
 * finds every piece in between at its leftmost place. Taking the leftmost place is safe because
 * the next `*` can absorb whatever an earlier choice leaves over. Pieces without `?` are found
 * with Knuth-Morris-Pratt, so a pattern of m characters without `?` takes O(n + m) time against a
 * value of n characters. A piece of L characters that contains `?` is found with the bit-parallel
 * Shift-And scan, which costs O(n × ⌈L/32⌉) instead.
 *
 * compileGlob does the work that depends only on the pattern, once, and returns plain data that a
 * parsed policy can keep. Values are matched as UTF-16 strings, without a copy as code points. A
 * piece matches only where neither of its ends splits a surrogate pair, and `?` takes a whole
 * pair. So every result is the one that matching code point by code point gives.
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
 * Text between two stars: a string when every character is literal, else tokens as in a
 * GlobPattern, with GLOB_ANY_CHAR for `?`.
 */
export type GlobPiece = string | readonly number[];

/** A piece between two stars, which is searched for instead of anchored. */
export type MiddlePiece =
  | { readonly literal: string; readonly border: readonly number[] }
  | { readonly tokens: readonly number[] };

/** A glob with a wildcard, split at its stars. */
export interface WildcardGlob {
  /** Text before the first star, or the whole glob when `last` is null. */
  readonly first: GlobPiece;
  /** Non-empty pieces between stars, in order. */
  readonly middle: readonly MiddlePiece[];
  /** Text after the last star, or null when the glob has no star. */
  readonly last: GlobPiece | null;
}

/** A compiled glob: a string, which matches only itself, or a glob with wildcards. */
export type Glob = string | WildcardGlob;

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

/** Compiles glob text, in which `*` and `?` are wildcards. */
export function compileGlob(pattern: string): Glob {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern;
  // Splitting at an ASCII character never separates the two halves of a surrogate pair.
  const pieces = pattern.split("*").map((text): GlobPiece => (text.includes("?") ? toGlobPattern(text) : text));
  return fromPieces(pieces);
}

/** Compiles a GlobPattern, such as one built by substituting policy variables. */
export function compileGlobTokens(pattern: GlobPattern): Glob {
  const pieces: GlobPiece[] = [];
  let start = 0;
  for (let index = 0; index <= pattern.length; index++) {
    if (index < pattern.length && pattern[index] !== GLOB_STAR) continue;
    pieces.push(toPiece(pattern.slice(start, index)));
    start = index + 1;
  }
  const only = pieces[0]!;
  return pieces.length === 1 && typeof only === "string" ? only : fromPieces(pieces);
}

/**
 * Returns the tokens as a string when that keeps their meaning, which needs no `?` and no high
 * surrogate followed by a low one. As a string, such a pair would read as one code point.
 */
function toPiece(tokens: readonly number[]): GlobPiece {
  let text = "";
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token === GLOB_ANY_CHAR) return tokens;
    if (isHighSurrogate(token) && isLowSurrogate(tokens[index + 1]!)) return tokens;
    text += String.fromCodePoint(token);
  }
  return text;
}

function fromPieces(pieces: readonly GlobPiece[]): WildcardGlob {
  if (pieces.length === 1) return { first: pieces[0]!, middle: [], last: null };

  const middle: MiddlePiece[] = [];
  for (const piece of pieces.slice(1, -1)) {
    if (piece.length === 0) continue;
    middle.push(typeof piece === "string" ? { literal: piece, border: borderTable(piece) } : { tokens: piece });
  }
  return { first: pieces[0]!, middle, last: pieces[pieces.length - 1]! };
}

/** border[i] is the length of the longest proper prefix of text[0..i] that is also its suffix. */
function borderTable(text: string): number[] {
  const border = new Array<number>(text.length).fill(0);
  for (let index = 1, matched = 0; index < text.length; index++) {
    while (matched > 0 && text.charCodeAt(index) !== text.charCodeAt(matched)) matched = border[matched - 1]!;
    if (text.charCodeAt(index) === text.charCodeAt(matched)) matched++;
    border[index] = matched;
  }
  return border;
}

/**
 * Returns whether `text` from `from` to `to` matches the glob, case-sensitively. Neither `from`
 * nor `to` may fall inside a surrogate pair.
 */
export function matchesGlob(glob: Glob, text: string, from = 0, to = text.length): boolean {
  if (typeof glob === "string") return to - from === glob.length && text.startsWith(glob, from);

  const { first, middle, last } = glob;
  let position = matchPieceAt(first, text, from, to);
  if (last === null) return position === to;
  if (position < 0) return false;

  // The middle pieces must fit, in order and without overlap, between the anchored first and last.
  const end = matchPieceBefore(last, text, position, to);
  if (end < 0) return false;
  for (const piece of middle) {
    position = "literal" in piece ? findLiteral(piece.literal, piece.border, text, position, end) : findTokens(piece.tokens, text, position, end);
    if (position < 0) return false;
  }
  return true;
}

/** Matches a piece that starts at `from` and ends by `to`, and returns where it ends, or -1. */
function matchPieceAt(piece: GlobPiece, text: string, from: number, to: number): number {
  if (typeof piece === "string") {
    const end = from + piece.length;
    return end <= to && text.startsWith(piece, from) && isBoundary(text, end) ? end : -1;
  }

  let position = from;
  for (const token of piece) {
    if (position >= to) return -1;
    const code = text.codePointAt(position)!;
    if (token !== GLOB_ANY_CHAR && token !== code) return -1;
    position += code > 0xffff ? 2 : 1;
  }
  return position;
}

/** Matches a piece that ends at `to` and starts at `min` or later, and returns where it starts, or -1. */
function matchPieceBefore(piece: GlobPiece, text: string, min: number, to: number): number {
  if (typeof piece === "string") {
    const start = to - piece.length;
    return start >= min && text.startsWith(piece, start) && isBoundary(text, start) ? start : -1;
  }

  let position = to;
  for (let index = piece.length - 1; index >= 0; index--) {
    if (position <= min) return -1;
    let code = text.charCodeAt(position - 1);
    let width = 1;
    if (isLowSurrogate(code) && isHighSurrogate(text.charCodeAt(position - 2))) {
      code = text.codePointAt(position - 2)!;
      width = 2;
    }
    const token = piece[index]!;
    if (token !== GLOB_ANY_CHAR && token !== code) return -1;
    position -= width;
  }
  return position >= min ? position : -1;
}

/**
 * Finds the leftmost occurrence of a literal piece in [from, to) by Knuth-Morris-Pratt, and
 * returns where it ends, or -1. An occurrence that splits a surrogate pair is skipped.
 */
function findLiteral(literal: string, border: readonly number[], text: string, from: number, to: number): number {
  const length = literal.length;
  if (length > to - from) return -1;

  let matched = 0;
  for (let index = from; index < to; index++) {
    const code = text.charCodeAt(index);
    while (matched > 0 && code !== literal.charCodeAt(matched)) matched = border[matched - 1]!;
    if (code === literal.charCodeAt(matched)) matched++;
    if (matched < length) continue;

    const start = index + 1 - length;
    if (isBoundary(text, start) && isBoundary(text, index + 1)) return index + 1;
    matched = border[length - 1]!;
  }
  return -1;
}

/**
 * Finds the leftmost occurrence of a piece that contains `?` in [from, to) by Shift-And over code
 * points, and returns where it ends, or -1. Bit j of the state is set when piece[0..j] matches
 * the text ending at the current code point, and the state is kept in 32-bit words so pieces of
 * any length work.
 */
function findTokens(piece: readonly number[], text: string, from: number, to: number): number {
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
  let position = from;
  while (position < to) {
    const code = text.codePointAt(position)!;
    position += code > 0xffff ? 2 : 1;
    const mask = maskFor(code);
    let carry = 1;
    for (let word = 0; word < words; word++) {
      const previous = state[word]!;
      state[word] = ((previous << 1) | carry) & mask[word]!;
      carry = previous >>> 31;
    }
    if ((state[lastWord]! & lastBit) !== 0) return position;
  }
  return -1;
}

function isHighSurrogate(code: number): boolean {
  return (code & 0xfc00) === 0xd800;
}

function isLowSurrogate(code: number): boolean {
  return (code & 0xfc00) === 0xdc00;
}

/** Returns whether `index` falls between two code points of `text` rather than inside a surrogate pair. */
function isBoundary(text: string, index: number): boolean {
  return !(isLowSurrogate(text.charCodeAt(index)) && isHighSurrogate(text.charCodeAt(index - 1)));
}
