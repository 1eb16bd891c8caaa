import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ServiceError } from "../../protocol/errors.js";
import { IdpFetchError } from "../idp-fetch.js";
import { DiscoveryRejected } from "./key-source.js";
import type { WebIdentityProvider } from "./provider.js";
import { ALLOWED_ALGORITHMS, invalid, printable } from "./token-shape.js";

/** Characters that XML 1.0 cannot carry, even as references; the response repeats sub and aud. */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** The maximum length of the subject AWS returns in SubjectFromWebIdentityToken. */
export const MAX_SUBJECT_LENGTH = 255;

export interface VerifiedWebIdentity {
  claims: JWTPayload;
  subject: string;
  /** The client id the token was accepted for: AWS's `Audience` in the response. */
  audience: string;
  /** Condition keys of the provider, such as `<prefix>:aud` and `<prefix>:sub`. */
  conditionKeys: Record<string, string | string[]>;
}

export interface VerifyOptions {
  now: Date;
  clockSkewSeconds: number;
}

/**
 * Verifies a web identity token against its provider: the signature with a key of the
 * provider's key set and an allowed algorithm, the issuer, the time claims with the stated skew,
 * a subject, and an audience the provider accepts. Every failure is an STS error that names the
 * check; messages quote claims, never the token.
 */
export async function verifyWebIdentityToken(
  token: string,
  provider: WebIdentityProvider,
  keys: () => Promise<JWTVerifyGetKey>,
  options: VerifyOptions,
): Promise<VerifiedWebIdentity> {
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, await keys(), {
      algorithms: [...ALLOWED_ALGORITHMS],
      issuer: provider.issuer,
      currentDate: options.now,
      clockTolerance: options.clockSkewSeconds,
      requiredClaims: ["sub", "aud", "exp", "iat"],
    }));
  } catch (error) {
    throw verificationError(error, options.now);
  }

  const nowSeconds = Math.floor(options.now.getTime() / 1000);
  for (const name of ["exp", "iat", "nbf"] as const) {
    const value = claims[name];
    if (value !== undefined && !Number.isSafeInteger(value)) {
      throw invalid(`The claim ${name} must be a whole number of seconds since the epoch.`);
    }
  }
  if (claims.iat! > nowSeconds + options.clockSkewSeconds) {
    throw invalid(`The token was issued in the future: iat ${claims.iat} is after the current time ${nowSeconds}.`);
  }
  const subject = claims.sub;
  if (typeof subject !== "string" || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
    throw invalid(`The claim sub must be a string of 1 to ${MAX_SUBJECT_LENGTH} characters.`);
  }
  if (NOT_XML_CHARACTER.test(subject)) throw invalid("The claim sub contains a control character.");

  const audience = acceptedAudience(claims, provider);
  if (NOT_XML_CHARACTER.test(audience)) throw invalid("The token's audience contains a control character.");
  const conditionKeys: Record<string, string | string[]> = {
    [`${provider.keyPrefix}:aud`]: audience,
    [`${provider.keyPrefix}:sub`]: subject,
  };
  const amr = claims.amr;
  if (typeof amr === "string") conditionKeys[`${provider.keyPrefix}:amr`] = amr;
  else if (Array.isArray(amr) && amr.every((value) => typeof value === "string")) conditionKeys[`${provider.keyPrefix}:amr`] = amr;
  if (provider.google) {
    conditionKeys[`${provider.keyPrefix}:oaud`] = audienceList(claims)[0]!;
    if (typeof claims.azp === "string") conditionKeys[`${provider.keyPrefix}:azp`] = claims.azp;
  }
  return { claims, subject, audience, conditionKeys };
}

function audienceList(claims: JWTPayload): string[] {
  const aud = claims.aud;
  if (typeof aud === "string" && aud !== "") return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.every((value) => typeof value === "string" && value !== "")) return aud;
  throw invalid("The claim aud must be a non-empty string or a non-empty list of strings.");
}

/**
 * Returns the audience the token is accepted for. A single `aud` must be one of the provider's
 * client ids. Several audiences must come with an `azp` that is one of them and a client id,
 * as OpenID Connect expects. For Google, the requesting app's `azp` is the audience, as in AWS.
 * Built-in providers have no client id list: their trust policies test the audience.
 */
function acceptedAudience(claims: JWTPayload, provider: WebIdentityProvider): string {
  const list = audienceList(claims);
  const azp = claims.azp;
  if (azp !== undefined && typeof azp !== "string") throw invalid("The claim azp must be a string.");
  let audience: string;
  if (provider.google && azp !== undefined) {
    audience = azp;
  } else if (list.length === 1) {
    audience = list[0]!;
  } else {
    if (azp === undefined) throw invalid("The token names several audiences but no authorized party (azp).");
    if (!list.includes(azp)) throw invalid("The token's authorized party (azp) is not one of its audiences.");
    audience = azp;
  }
  if (provider.clientIds !== undefined && !provider.clientIds.includes(audience)) {
    throw invalid(`Incorrect token audience: ${printable(audience)} is not a client id of the provider.`);
  }
  return audience;
}

/** Maps a failure of jose's verification, or of the key fetch behind it, to an STS error. */
function verificationError(error: unknown, now: Date): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof errors.JWTExpired) {
    const exp = (error.payload as JWTPayload).exp;
    return new ServiceError(
      "ExpiredTokenException",
      `Token expired: current date/time ${Math.floor(now.getTime() / 1000)} must be before the expiration date/time ${exp}`,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === "missing") return invalid(`Missing a required claim: ${error.claim}`);
    if (error.claim === "iss") return invalid("The token's issuer does not match the provider's URL.");
    if (error.claim === "nbf") return invalid("The token is not valid yet: its nbf time is in the future.");
    return invalid(`The claim ${error.claim} is not valid: ${error.message}`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalid("The token's signature does not verify with the provider's key.");
  if (error instanceof errors.JOSEAlgNotAllowed) return invalid("The token's signing algorithm is not accepted.");
  if (error instanceof errors.JWKSNoMatchingKey) return invalid("No key in the provider's key set matches the token's key id (kid) and algorithm.");
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return invalid("Several keys in the provider's key set match the token; the token must name its key with kid.");
  }
  if (error instanceof errors.JWKSTimeout) return unreachable("the key set did not arrive in time");
  if (error instanceof errors.JWKSInvalid) return invalid("The provider's key set is not a valid JWKS.");
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalid(`The token is malformed: ${error.message}`);
  if (error instanceof errors.JOSENotSupported) return invalid(`The token uses an unsupported feature: ${error.message}`);
  if (error instanceof DiscoveryRejected) return invalid(error.message);
  if (error instanceof IdpFetchError) return error.transient ? unreachable(error.message) : keyNotRetrievable(error.message);
  if (error instanceof errors.JOSEError) return keyNotRetrievable(error.message);
  if (error instanceof TypeError || error instanceof SyntaxError) return invalid(`The token could not be verified: ${error.message}`);
  return unreachable(error instanceof Error ? error.message : String(error));
}

/** Builds the error for keys that cannot be retrieved as the provider is set up, which AWS reports as InvalidIdentityToken. */
function keyNotRetrievable(reason: string): ServiceError {
  return invalid(
    `Couldn't retrieve verification key from your identity provider (${reason}), please reference AssumeRoleWithWebIdentity documentation for requirements`,
  );
}

/** Builds the retryable error for a provider that could not be reached or failed. */
function unreachable(reason: string): ServiceError {
  return new ServiceError(
    "IDPCommunicationError",
    `Couldn't retrieve verification key from your identity provider (${reason}), please reference AssumeRoleWithWebIdentity documentation for requirements`,
  );
}
