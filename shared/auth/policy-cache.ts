import { type Policy, type PolicyKind, parsePolicy } from "../policy/index.js";

const MAX_ENTRIES = 5_000;
const parsed = new Map<string, Policy>();

/**
 * Parses a stored policy document once and keeps the result, because the same documents are
 * evaluated on every request of a principal. Documents were validated when they were stored.
 */
export function cachedPolicy(document: string, kind: PolicyKind): Policy {
  const key = `${kind}\n${document}`;
  let policy = parsed.get(key);
  if (!policy) {
    policy = parsePolicy(document, kind);
    if (parsed.size >= MAX_ENTRIES) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, policy);
  }
  return policy;
}
