import { formatAmzDate } from "./amz-date.js";
import { canonicalQuery } from "./canonical-query.js";
import { canonicalRequest } from "./canonical-request.js";
import { DEFAULT_MAX_SKEW_SECONDS, MAX_SKEW_LIMIT_SECONDS, SCOPE_TERMINATOR } from "./constants.js";
import { checkCredentialScope } from "./credential-scope-check.js";
import { signatureDoesNotMatch } from "./errors.js";
import type { HttpRequestView } from "./http-request-view.js";
import type { ParsedSignature } from "./parsed-signature.js";
import { payloadHash } from "./payload-hash.js";
import { parseQuery } from "./query-params.js";
import { checkRequestTime } from "./request-time.js";
import { computeSignature, signatureMatches } from "./signature.js";
import { signingKey } from "./signing-key.js";

export interface VerifyOptions {
  now: Date;
  secretAccessKey: string;
  /** Services accepted in the credential scope, e.g. ["sts", "iam"]; the conformance test passes ["service"]. */
  services: readonly string[];
  /**
   * Regions accepted in the credential scope.
   * @default any region, because clients sign with whatever region they are configured for
   */
  regions?: readonly string[];
  /**
   * Allowed clock skew in seconds, 0 to 900. AWS uses 300 (5 minutes).
   * @default 300
   */
  maxSkewSeconds?: number;
  /**
   * Normalises the path as every AWS service except S3 does.
   * @default true
   */
  normalizePath?: boolean;
  // NOTE: the host header is always signed but not compared with the hosts we serve. A caller
  // that needs that check reads request.headers.host after verification.
}

/**
 * Verifies the signature that `parseSignature` read from the same request. It re-signs the
 * request at its own X-Amz-Date with the caller's secret and compares. Cheap checks come first,
 * so a stale or mis-scoped request costs no hashing. Throws ServiceError:
 * - SignatureDoesNotMatch for a wrong signature;
 * - SignatureDoesNotMatch for a scope date that is not the request's day, or a service (or
 *   configured region) outside the accepted list;
 * - SignatureDoesNotMatch for a header-signed request outside the skew window, and for any
 *   request dated more than the skew in the future;
 * - SignatureDoesNotMatch for an x-amz-content-sha256 header that is not the SHA-256 of the body,
 *   UNSIGNED-PAYLOAD included;
 * - AccessDenied "Request has expired" for a presigned request used after X-Amz-Expires.
 *
 * Why not @smithy/signature-v4's `sign` and `presign`: the canonical path and query need our own
 * code anyway (see canonical-path.ts and canonical-query.ts). `sign` also always writes its own
 * x-amz-date and drops a Date header, and it clones the request and hashes through promises.
 * Re-signing with it takes about 2.5 times as long as parse plus verify here (bench/sigv4-verify.ts
 * prints both). The tests sign with smithy, so its output stays the reference this code must accept.
 */
export async function verifySignature(
  request: HttpRequestView,
  parsed: ParsedSignature,
  options: VerifyOptions,
): Promise<void> {
  const maxSkewSeconds = options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS;
  if (!(Number.isInteger(maxSkewSeconds) && maxSkewSeconds >= 0 && maxSkewSeconds <= MAX_SKEW_LIMIT_SECONDS)) {
    throw new RangeError(`maxSkewSeconds must be a whole number from 0 to ${MAX_SKEW_LIMIT_SECONDS}.`);
  }
  const amzDate = formatAmzDate(parsed.requestTime);
  checkCredentialScope(parsed, amzDate, options.services, options.regions);
  checkRequestTime(parsed, options.now, maxSkewSeconds);

  const key = signingKey(options.secretAccessKey, parsed.scopeDate, parsed.region, parsed.service);
  const scope = `${parsed.scopeDate}/${parsed.region}/${parsed.service}/${SCOPE_TERMINATOR}`;
  const params = parseQuery(request.rawQuery);
  const parts = {
    method: request.method,
    path: request.path,
    normalizePath: options.normalizePath ?? true,
    query: canonicalQuery(params, false),
    headers: request.headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash: payloadHash(request),
  };
  if (signatureMatches(computeSignature(key, amzDate, scope, canonicalRequest(parts)), parsed.signature)) return;

  // A presigned URL may have had its X-Amz-Security-Token appended after signing (vector
  // post-sts-header-after). Such a token is accepted unsigned only because the token itself
  // binds the access key id and the secret, so swapping it gains nothing.
  // NOTE: the result does not report whether the token was signed, so unsigned tokens cannot be counted yet.
  if (parsed.form === "query" && parsed.sessionToken !== undefined) {
    const query = canonicalQuery(params, true);
    if (
      query !== parts.query &&
      signatureMatches(computeSignature(key, amzDate, scope, canonicalRequest({ ...parts, query })), parsed.signature)
    ) {
      return;
    }
  }
  throw signatureDoesNotMatch();
}
