/** Condition keys of a request, looked up by name regardless of case. */

import type { ContextKeys } from "./types.js";

/** Request values by lower-cased key name. Absent keys and empty arrays have no entry. */
export type ContextValues = ReadonlyMap<string, readonly string[]>;

/**
 * Indexes the condition keys of a request by lower-cased name. Throws TypeError when two names
 * differ only in case, because picking one of them would silently drop the other.
 */
export function indexContextKeys(keys: ContextKeys): ContextValues {
  const index = new Map<string, readonly string[]>();
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(keys)) {
    const lowerName = name.toLowerCase();
    const previous = seen.get(lowerName);
    if (previous !== undefined) {
      throw new TypeError(`Condition keys "${previous}" and "${name}" differ only in case`);
    }
    seen.set(lowerName, name);

    if (value === undefined) continue;
    const values = typeof value === "string" ? [value] : value;
    if (values.length > 0) index.set(lowerName, values);
  }
  return index;
}
