import { ServiceError } from "../protocol/errors.js";
import type { Plain } from "./attributes.js";
import type { Tag } from "./entities.js";
import { ConditionFailed, type Table } from "./table.js";

/** Reads and conditional writes per tag change before it gives up under contention. */
const TAG_WRITE_ATTEMPTS = 10;

/** Returns an item's map attribute, or an empty map when the attribute is missing or not a map. */
export function plainMap(value: Plain | undefined): Record<string, Plain> {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, Plain>) : {};
}

export interface TagMapTarget {
  table: Table;
  pk: string;
  sk: string;
  /** The most tags the item may carry, and the quota's name in IAM's LimitExceeded message. */
  quota: number;
  quotaName: string;
  notFound: () => Error;
}

/**
 * Adds tags to the `tags` map of an item, keyed by lower-cased tag key, replacing the value of
 * a key the item already has. The write is conditioned on the presence or absence of each key
 * as read, so the quota holds under concurrent writes, and a lost race reads the item again.
 * Keys in `tags` must be unique regardless of case.
 */
export async function addTags(target: TagMapTarget, tags: readonly Tag[]): Promise<void> {
  const { table, pk, sk, quota } = target;
  for (let attempt = 1; ; attempt++) {
    const item = await table.get(pk, sk);
    if (!item) throw target.notFound();
    if (tags.length === 0) return;

    const existing = plainMap(item.tags);
    const sets: string[] = [];
    const conditions = ["attribute_exists(pk)"];
    const names: Record<string, string> = {};
    const values: Record<string, Plain> = {};
    let added = 0;
    tags.forEach((tag, index) => {
      const key = tag.Key.toLowerCase();
      names[`#k${index}`] = key;
      values[`:t${index}`] = { Key: tag.Key, Value: tag.Value };
      sets.push(`tags.#k${index} = :t${index}`);
      if (Object.hasOwn(existing, key)) {
        conditions.push(`attribute_exists(tags.#k${index})`);
      } else {
        conditions.push(`attribute_not_exists(tags.#k${index})`);
        added++;
      }
    });
    if (Object.keys(existing).length + added > quota) {
      throw new ServiceError("LimitExceeded", `Cannot exceed quota for ${target.quotaName}: ${quota}`);
    }
    conditions.push("size(tags) <= :room");
    values[":room"] = quota - added;

    try {
      await table.update(pk, sk, `SET ${sets.join(", ")}`, { condition: conditions.join(" AND "), names, values });
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // NOTE: IAM returns ConcurrentModification here, a code the error table lacks. SDKs retry Throttling.
      if (attempt === TAG_WRITE_ATTEMPTS) throw new ServiceError("Throttling", "Rate exceeded");
    }
  }
}

/** Removes tags by key, regardless of case. Keys that the item does not have are ignored. */
export async function removeTags(target: Omit<TagMapTarget, "quota" | "quotaName">, tagKeys: readonly string[]): Promise<void> {
  const { table, pk, sk } = target;
  const keys = [...new Set(tagKeys.map((key) => key.toLowerCase()))];
  if (keys.length === 0) {
    if (!(await table.get(pk, sk))) throw target.notFound();
    return;
  }
  const names = Object.fromEntries(keys.map((key, index) => [`#k${index}`, key]));
  const removals = keys.map((_, index) => `tags.#k${index}`);
  try {
    await table.update(pk, sk, `REMOVE ${removals.join(", ")}`, { condition: "attribute_exists(pk)", names });
  } catch (error) {
    if (error instanceof ConditionFailed) throw target.notFound();
    throw error;
  }
}

/** Returns copies of tags sorted by key regardless of case, the order IAM lists them in. */
export function sortTags(tags: readonly Tag[]): Tag[] {
  return tags
    .map((tag) => ({ Key: tag.Key, Value: tag.Value }))
    .sort((a, b) => compareText(a.Key.toLowerCase(), b.Key.toLowerCase()));
}

/** Compares by UTF-16 code units, as a plain `<` does, independently of the locale. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
