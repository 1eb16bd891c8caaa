/**
 * Principal matching for trust policies. Principal values are compared exactly: IAM allows no
 * partial wildcards in them, and "*" alone means every AWS principal.
 */

import type { PrincipalBlock, PrincipalGrant, PrincipalIdentity } from "./types.js";

const GRANT_RANK: Readonly<Record<PrincipalGrant, number>> = { principal: 3, account: 2, wildcard: 1 };

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
