/** Condition keys of a request, looked up by name regardless of case. */

import type { ContextKeys } from "./types.js";

/** Values of one present key: a string, or a non-empty array for a multivalued key. */
export type ContextValue = string | readonly string[];

/** Request values by lower-cased key name. Absent keys and empty arrays have no entry. */
export type ContextValues = ReadonlyMap<string, ContextValue>;

/** Maximum number of key names that checkKeyNames compares pair by pair. More names take the index. */
const PAIRWISE_LIMIT = 16;

/**
 * Indexes the condition keys of a request by lower-cased name. Throws TypeError when two names
 * differ only in case, because picking one of them would silently drop the other.
 */
export function indexContextKeys(keys: ContextKeys): ContextValues {
  const index = new Map<string, ContextValue>();
  // Names of absent keys, which have no entry in the index but still count as taken.
  let absentNames: Set<string> | undefined;
  const names = Object.keys(keys);
  for (const name of names) {
    const lowerName = name.toLowerCase();
    if (index.has(lowerName) || absentNames?.has(lowerName)) {
      const previous = names.find((candidate) => candidate.toLowerCase() === lowerName)!;
      throw keyCaseError(previous, name);
    }

    const value = keys[name];
    if (value !== undefined && (typeof value === "string" || value.length > 0)) {
      index.set(lowerName, value);
      continue;
    }
    absentNames ??= new Set();
    absentNames.add(lowerName);
  }
  return index;
}

/** Returns the values of a present key as an array. */
export function valuesOf(value: ContextValue): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

/**
 * Throws the same TypeError as indexContextKeys, for evaluations that read no condition key. Up to
 * PAIRWISE_LIMIT ASCII names are compared pair by pair instead, without lower-casing them.
 */
export function checkKeyNames(keys: ContextKeys): void {
  const names = Object.keys(keys);
  if (names.length < 2) return;
  // Lower-casing can change the length of a non-ASCII name, so those take the index.
  if (names.length > PAIRWISE_LIMIT || !names.every(isAscii)) {
    indexContextKeys(keys);
    return;
  }

  // Same order as indexContextKeys, so the error names the same two keys.
  for (let later = 1; later < names.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      if (equalsIgnoringAsciiCase(names[earlier]!, names[later]!)) throw keyCaseError(names[earlier]!, names[later]!);
    }
  }
}

function keyCaseError(previous: string, name: string): TypeError {
  return new TypeError(`Condition keys "${previous}" and "${name}" differ only in case`);
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) >= 0x80) return false;
  }
  return true;
}

function equalsIgnoringAsciiCase(left: string, right: string): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index++) {
    const leftCode = left.charCodeAt(index);
    const rightCode = right.charCodeAt(index);
    if (leftCode !== rightCode && lowerAscii(leftCode) !== lowerAscii(rightCode)) return false;
  }
  return true;
}

function lowerAscii(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
