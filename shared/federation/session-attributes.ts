import type { Tag } from "../store/entities.js";

/** Session tags AWS allows per session, and the limits of their keys and values. */
export const MAX_SESSION_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;

export interface SessionTagSet {
  tags: Tag[];
  /** Keys of `tags` that pass on to sessions obtained by role chaining. */
  transitiveTagKeys: string[];
}

/**
 * Checks session tags by AWS's rules: at most 50, keys of 1 to 128 and values of up to 256
 * letters, digits, spaces and `_ . : / = + - @`, no key or value starting with `aws:`, keys
 * unique regardless of case, and transitive keys among the tags. Returns the reason a set is
 * refused, or undefined.
 */
export function sessionTagProblem(set: SessionTagSet): string | undefined {
  if (set.tags.length > MAX_SESSION_TAGS) return `A session may carry at most ${MAX_SESSION_TAGS} tags.`;
  const seen = new Set<string>();
  for (const { Key: key, Value: value } of set.tags) {
    if (key.length === 0 || key.length > MAX_TAG_KEY_LENGTH || !TAG_KEY.test(key)) {
      return `The session tag key ${JSON.stringify(key)} must be 1 to ${MAX_TAG_KEY_LENGTH} letters, digits, spaces or _.:/=+-@.`;
    }
    if (value.length > MAX_TAG_VALUE_LENGTH || !TAG_VALUE.test(value)) {
      return `The value of session tag ${JSON.stringify(key)} must be at most ${MAX_TAG_VALUE_LENGTH} letters, digits, spaces or _.:/=+-@.`;
    }
    if (key.toLowerCase().startsWith("aws:") || value.toLowerCase().startsWith("aws:")) {
      return `The session tag ${JSON.stringify(key)} starts with the reserved prefix aws:.`;
    }
    const folded = key.toLowerCase();
    if (seen.has(folded)) return `The session tag key ${JSON.stringify(key)} appears twice; tag keys are case-insensitive.`;
    seen.add(folded);
  }
  if (set.transitiveTagKeys.length > MAX_SESSION_TAGS) return `A session may have at most ${MAX_SESSION_TAGS} transitive tag keys.`;
  for (const key of set.transitiveTagKeys) {
    if (!seen.has(key.toLowerCase())) return `The transitive tag key ${JSON.stringify(key)} is not one of the session's tags.`;
  }
  return undefined;
}

/** Returns whether a source identity follows AWS's rule: 2 to 64 of `[\w+=,.@-]`, not starting with `aws:`. */
export function isValidSourceIdentity(value: string): boolean {
  return SOURCE_IDENTITY.test(value) && !value.toLowerCase().startsWith("aws:");
}

/** Builds the condition keys that describe requested session tags in a trust policy evaluation. */
export function requestTagKeys(set: SessionTagSet): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {};
  if (set.tags.length === 0) return keys;
  for (const tag of set.tags) keys[`aws:RequestTag/${tag.Key}`] = tag.Value;
  keys["aws:TagKeys"] = set.tags.map((tag) => tag.Key);
  if (set.transitiveTagKeys.length > 0) keys["sts:TransitiveTagKeys"] = [...set.transitiveTagKeys];
  return keys;
}
