/**
 * Principal matching for trust policies. Principal values are compared exactly: IAM allows no
 * partial wildcards in them, and "*" alone means every AWS principal.
 */

import type { PrincipalBlock, PrincipalGrant, PrincipalIdentity } from "./types.js";

const GRANT_RANK: Readonly<Record<PrincipalGrant, number>> = { principal: 3, account: 2, wildcard: 1 };

/**
 * Scope in which an Allow of a resource policy named the caller, which decides what else must
 * allow within one account. "caller" is the caller itself (IAM user ARN or unique id, session ARN,
 * provider or service) or "*". "role" is the role of a role session (role ARN or AROA unique id).
 * "account" is the caller's account (account id or root ARN).
 */
export type GrantScope = "caller" | "role" | "account";

/** Ranks scopes by how much they grant on their own: a grant to the caller needs nothing else. */
const SCOPE_RANK: Readonly<Record<GrantScope, number>> = { caller: 3, role: 2, account: 1 };

const ROLE_ARN = /^arn:[^:]+:iam::\d{12}:role\//;
const ROLE_UNIQUE_ID = /^AROA[A-Z0-9]+$/;

/** Returns the more specific of two grants, so that a named principal wins over "*". */
export function strongerGrant(
  current: PrincipalGrant | undefined,
  candidate: PrincipalGrant | undefined,
): PrincipalGrant | undefined {
  if (candidate === undefined) return current;
  if (current === undefined) return candidate;
  return GRANT_RANK[candidate] > GRANT_RANK[current] ? candidate : current;
}

/**
 * Returns how `block` names `caller`, or undefined when it does not. An AWS value names the
 * caller's account when it is the account id or the account's root ARN, and the caller itself
 * when it equals one of `caller.names`. When several values match, the most specific one counts.
 */
export function matchPrincipal(
  block: PrincipalBlock | undefined,
  caller: PrincipalIdentity,
): PrincipalGrant | undefined {
  if (block === undefined) return undefined;

  // "*" is treated as {"AWS": "*"}: federated and service callers must be named by their type.
  if (block === "*") return caller.type === "AWS" ? "wildcard" : undefined;

  const values = block[caller.type];
  if (values === undefined) return undefined;

  let grant: PrincipalGrant | undefined;
  for (const value of values) {
    grant = strongerGrant(grant, matchPrincipalValue(value, caller));
  }
  return grant;
}

function matchPrincipalValue(value: string, caller: PrincipalIdentity): PrincipalGrant | undefined {
  if (caller.type === "AWS") {
    if (value === "*") return "wildcard";
    if (caller.accountId !== undefined && namesAccount(value, caller.accountId, caller.partition ?? "aws")) {
      return "account";
    }
  }
  return caller.names.includes(value) ? "principal" : undefined;
}

function namesAccount(value: string, accountId: string, partition: string): boolean {
  return value === accountId || value === `arn:${partition}:iam::${accountId}:root`;
}

/**
 * Returns the widest scope in which `block` names `caller`, or undefined when it does not. Role
 * values are distinguished from the caller's other names by their form, so callers need not mark them.
 * NOTE: only IAM role ARNs and unique ids that start with AROA count as naming the role. Any other
 * value that names the caller counts as a grant to the caller itself.
 */
export function matchPrincipalScope(block: PrincipalBlock | undefined, caller: PrincipalIdentity): GrantScope | undefined {
  if (block === undefined) return undefined;
  if (block === "*") return caller.type === "AWS" ? "caller" : undefined;

  let scope: GrantScope | undefined;
  for (const value of block[caller.type] ?? []) {
    scope = widerScope(scope, scopeOf(value, matchPrincipalValue(value, caller)));
  }
  return scope;
}

/** Returns the wider of two scopes. */
export function widerScope(current: GrantScope | undefined, candidate: GrantScope | undefined): GrantScope | undefined {
  if (candidate === undefined) return current;
  if (current === undefined) return candidate;
  return SCOPE_RANK[candidate] > SCOPE_RANK[current] ? candidate : current;
}

/**
 * NOTE: "*" counts as a grant to the caller, not limited by the boundary or session policies,
 * because an unsigned request would get it too. AWS documents no rule for it.
 */
function scopeOf(value: string, grant: PrincipalGrant | undefined): GrantScope | undefined {
  switch (grant) {
    case undefined:
      return undefined;
    case "wildcard":
      return "caller";
    case "account":
      return "account";
    case "principal":
      return ROLE_ARN.test(value) || ROLE_UNIQUE_ID.test(value) ? "role" : "caller";
  }
}
