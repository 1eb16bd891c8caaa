import { createHmac } from "node:crypto";
import { SCOPE_TERMINATOR } from "./constants.js";

/**
 * Derives the signing key (HMAC chain secret -> date -> region -> service -> aws4_request) and
 * caches it, because a caller signs many requests with one scope per day and the four HMACs cost
 * more than the rest of a verification. The cache is bounded: when it is full, the oldest entry is
 * dropped, and a dropped key is simply derived again.
 *
 * The secret is part of the cache key, so a key is only found again with the same secret. A
 * rotated or different secret cannot reuse another secret's derived key.
 */

const MAX_ENTRIES = 1024;

const cache = new Map<string, Buffer>();

/** Returns the SigV4 signing key for the secret and the credential scope. */
export function signingKey(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer {
  // Unambiguous: the date has 8 digits and region and service contain no "/"; the secret comes last.
  const cacheKey = `${scopeDate}/${region}/${service}/${secretAccessKey}`;
  const cached = cache.get(cacheKey);
  if (cached !== undefined) return cached;
  const kDate = hmac(`AWS4${secretAccessKey}`, scopeDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  const key = hmac(kService, SCOPE_TERMINATOR);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(cacheKey, key);
  return key;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}
