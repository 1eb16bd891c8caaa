import { randomUUID } from "node:crypto";
import { type JWTPayload, SignJWT } from "jose";
import type { SigningKey } from "../credentials/keyring.js";
import { ServiceError } from "../protocol/errors.js";
import type { Tag } from "../store/entities.js";

/** The claim that contains AWS's own claims, named as AWS names it. */
export const AWS_CLAIMS_NAMESPACE = "https://sts.amazonaws.com/";

/**
 * The largest payload a token may have, in bytes of JSON. AWS does not publish its limit; this
 * one fits ten audiences of 1,000 characters, or 50 tags of ordinary size, with room to spare.
 */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

/** The facts a web identity token states about its holder. */
export interface TokenContent {
  issuer: string;
  /** The principal's ARN; for a role session, the role's ARN. */
  subject: string;
  audiences: readonly string[];
  issuedAt: Date;
  durationSeconds: number;
  accountId: string;
  /** The region of the request's signature. */
  region: string;
  principalTags: readonly Tag[];
  requestTags: readonly Tag[];
  sourceIdentity?: string;
}

/** A signed token with the facts the audit log may keep. */
export interface SignedToken {
  jwt: string;
  jti: string;
  kid: string;
  expiresAt: Date;
}

/**
 * Builds the claims of a token. `aud` is a string for one audience and an array for several,
 * as RFC 7519 allows. AWS's claims sit under the `https://sts.amazonaws.com/` claim, and empty
 * tag sets are left out.
 */
export function buildClaims(content: TokenContent, jti: string): JWTPayload {
  const issuedAt = Math.floor(content.issuedAt.getTime() / 1000);
  const awsClaims: Record<string, unknown> = { aws_account: content.accountId, source_region: content.region };
  if (content.principalTags.length > 0) awsClaims.principal_tags = tagObject(content.principalTags);
  if (content.sourceIdentity !== undefined) awsClaims.source_identity = content.sourceIdentity;
  if (content.requestTags.length > 0) awsClaims.request_tags = tagObject(content.requestTags);
  return {
    iss: content.issuer,
    sub: content.subject,
    aud: content.audiences.length === 1 ? content.audiences[0]! : [...content.audiences],
    iat: issuedAt,
    exp: issuedAt + content.durationSeconds,
    jti,
    [AWS_CLAIMS_NAMESPACE]: awsClaims,
  };
}

/** Signs a token with the key's algorithm and kid. Throws JWTPayloadSizeExceededException for a payload over the limit. */
export async function signToken(content: TokenContent, signingKey: SigningKey): Promise<SignedToken> {
  const jti = randomUUID();
  const claims = buildClaims(content, jti);
  const size = Buffer.byteLength(JSON.stringify(claims));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new ServiceError(
      "JWTPayloadSizeExceededException",
      `The token payload would have ${size} bytes, more than the maximum of ${MAX_PAYLOAD_BYTES}. Pass fewer or shorter tags or audiences.`,
    );
  }
  const jwt = await new SignJWT(claims).setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: "JWT" }).sign(await signingKey.key);
  return { jwt, jti, kid: signingKey.kid, expiresAt: new Date((claims.exp as number) * 1000) };
}

/** Turns tags into a claim object. Keys are unique regardless of case, so no tag overwrites another. */
function tagObject(tags: readonly Tag[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (const tag of tags) object[tag.Key] = tag.Value;
  return object;
}
