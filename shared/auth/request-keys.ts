import type { Caller } from "./principal.js";
import { principalArn, principalType, sessionFacts } from "./principal.js";

/** Facts about the HTTP request that become global condition keys. */
export interface RequestFacts {
  now: Date;
  sourceIp: string;
  userAgent: string;
  region: string;
  secureTransport: boolean;
}

/** Builds the global `aws:` condition keys of a call by this caller. */
export function globalConditionKeys(caller: Caller, facts: RequestFacts): Record<string, string | string[]> {
  const principal = caller.principal;
  const keys: Record<string, string | string[]> = {
    "aws:PrincipalArn": principalArn(principal),
    "aws:PrincipalAccount": principal.accountId,
    "aws:PrincipalType": principalType(principal),
    "aws:userid": principal.userId,
    "aws:CurrentTime": facts.now.toISOString(),
    "aws:EpochTime": String(Math.floor(facts.now.getTime() / 1000)),
    "aws:SourceIp": facts.sourceIp,
    "aws:UserAgent": facts.userAgent,
    "aws:RequestedRegion": facts.region,
    "aws:SecureTransport": String(facts.secureTransport),
  };
  if (principal.kind === "user") keys["aws:username"] = principal.userName;
  const session = sessionFacts(principal);
  if (session) {
    keys["aws:TokenIssueTime"] = session.issuedAt.toISOString();
    const attributes = session.attributes;
    const mfaAt = attributes?.mfaAuthenticatedAt;
    keys["aws:MultiFactorAuthPresent"] = String(mfaAt !== undefined);
    if (mfaAt !== undefined) {
      keys["aws:MultiFactorAuthAge"] = String(Math.max(0, Math.floor(facts.now.getTime() / 1000) - mfaAt));
    }
    if (attributes) {
      // A provider's keys never replace a key set above.
      for (const [name, value] of Object.entries(attributes.federatedKeys ?? {})) keys[name] ??= value;
      for (const tag of attributes.tags ?? []) keys[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
      if (attributes.sourceIdentity !== undefined) keys["aws:SourceIdentity"] = attributes.sourceIdentity;
      if (attributes.federatedProvider !== undefined) keys["aws:FederatedProvider"] = attributes.federatedProvider;
    }
  }
  return keys;
}
