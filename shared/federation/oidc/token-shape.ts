import { ServiceError } from "../../protocol/errors.js";

/** Signature algorithms AWS accepts on web identity tokens. Symmetric (HS*) and `none` never are. */
export const ALLOWED_ALGORITHMS: readonly string[] = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/** Deepest nesting of arrays and objects accepted in a token's header or claims. */
export const MAX_JSON_DEPTH = 32;

/** Longest `kid` accepted: a lookup key in the provider's key set, never a path or a query. */
export const MAX_KID_LENGTH = 256;

/** Header parameters that would take the verification key from the token itself. */
const KEY_BEARING_HEADERS = ["jku", "jwk", "x5u", "x5c"] as const;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface TokenShape {
  header: Record<string, unknown>;
  /** The claims as the token states them, not yet verified. */
  claims: Record<string, unknown>;
}

/**
 * Checks the form of a web identity token before any key is fetched. The token must be a
 * compact JWS of three base64url parts, and its header and claims JSON objects of bounded
 * depth. The header must name an allowed algorithm, and neither a key source of its own nor
 * critical extensions. Encrypted tokens (JWE) are rejected unopened. Throws
 * InvalidIdentityToken with a message that names the failed check.
 */
export function readTokenShape(token: string): TokenShape {
  const parts = token.split(".");
  if (parts.length === 5) throw invalid("The token is encrypted (JWE); only signed tokens (JWS) are accepted.");
  if (parts.length !== 3) throw invalid("The token is not a JSON Web Token: it must have three dot-separated parts.");
  const [headerPart, claimsPart, signaturePart] = parts as [string, string, string];
  if (![headerPart, claimsPart, signaturePart].every((part) => BASE64URL.test(part))) {
    throw invalid("The token is not a JSON Web Token: its parts must be base64url without padding.");
  }
  if (signaturePart === "") throw invalid("The token has no signature.");

  const header = decodeJsonObject(headerPart, "header");
  checkHeader(header);
  const claims = decodeJsonObject(claimsPart, "claims");
  return { header, claims };
}

function checkHeader(header: Record<string, unknown>): void {
  const alg = header.alg;
  if (typeof alg !== "string") throw invalid("The token header has no algorithm (alg).");
  if (alg.toLowerCase() === "none") throw invalid("Unsigned tokens (alg none) are not accepted.");
  if (!ALLOWED_ALGORITHMS.includes(alg)) {
    throw invalid(`The signing algorithm ${printable(alg)} is not accepted; use one of ${ALLOWED_ALGORITHMS.join(", ")}.`);
  }
  for (const name of KEY_BEARING_HEADERS) {
    if (Object.hasOwn(header, name)) {
      throw invalid(`The token header parameter ${name} is not accepted: keys come only from the provider's published key set.`);
    }
  }
  if (Object.hasOwn(header, "crit")) throw invalid("The token names critical header parameters (crit), and none are supported.");
  if (Object.hasOwn(header, "enc") || Object.hasOwn(header, "zip")) {
    throw invalid("The token header has encryption parameters; only signed tokens (JWS) are accepted.");
  }
  if (typeof header.cty === "string" && header.cty.toUpperCase() === "JWT") throw invalid("Nested tokens (cty JWT) are not accepted.");
  if (Object.hasOwn(header, "b64")) throw invalid("Unencoded payloads (b64) are not accepted.");
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== "string" || kid.length === 0 || kid.length > MAX_KID_LENGTH)) {
    throw invalid(`The token's key id (kid) must be a string of 1 to ${MAX_KID_LENGTH} characters.`);
  }
}

function decodeJsonObject(part: string, name: "header" | "claims"): Record<string, unknown> {
  const text = Buffer.from(part, "base64url").toString("utf8");
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) throw invalid(`The token ${name} nest deeper than ${MAX_JSON_DEPTH} levels.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid(`The token ${name} are not valid JSON.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`The token ${name} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/**
 * Returns the deepest nesting of arrays and objects in a JSON text, in one pass, so that the
 * limit is enforced before JSON.parse builds anything. Brackets inside strings do not count.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++;
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    }
  }
  return deepest;
}

/** Shortens a value from a token to `maxLength` characters and quotes it as JSON, for an error message. */
export function printable(value: string, maxLength = 64): string {
  const short = value.length > maxLength ? `${value.slice(0, maxLength)}...` : value;
  return JSON.stringify(short);
}

export function invalid(message: string): ServiceError {
  return new ServiceError("InvalidIdentityToken", message);
}
