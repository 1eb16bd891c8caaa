import { parseAmzDate } from "./amz-date.js";
import type { AuthQueryParams } from "./auth-query-params.js";
import { ALGORITHM, MAX_EXPIRES_SECONDS } from "./constants.js";
import { parseCredentialScope } from "./credential-scope.js";
import { incompleteSignature } from "./errors.js";
import type { HttpRequestView } from "./http-request-view.js";
import type { ParsedSignature } from "./parsed-signature.js";
import { readSessionToken } from "./session-token.js";
import { parseSignedHeaders } from "./signed-headers.js";
import { requireSignedHeadersPresent } from "./signed-headers-present.js";

const EXPIRES = /^[0-9]+$/;

/**
 * Parses a query-signed (presigned) request. X-Amz-Algorithm, -Credential, -Date, -SignedHeaders,
 * -Signature and -Expires must all be present. The algorithm must be AWS4-HMAC-SHA256, the date in
 * ISO 8601 basic format, and X-Amz-Expires a whole number of seconds from 1 to 604800. Every
 * signed header must be present.
 */
export function parseQuerySignature(request: HttpRequestView, auth: AuthQueryParams): ParsedSignature {
  const { algorithm, credential, date, signedHeaders, signature, expires } = auth;
  if (!algorithm || !credential || !date || !signedHeaders || !signature || !expires) {
    throw incompleteSignature(
      "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', " +
        "'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Expires'. Re-examine the query-string parameters.",
    );
  }
  if (algorithm !== ALGORITHM) throw incompleteSignature(`X-Amz-Algorithm only supports '${ALGORITHM}'.`);

  const scope = parseCredentialScope(credential);
  const signed = parseSignedHeaders(signedHeaders);
  requireSignedHeadersPresent(request, signed);

  const requestTime = parseAmzDate(date);
  if (requestTime === undefined) {
    throw incompleteSignature("X-Amz-Date must be in the ISO 8601 basic format, e.g. 20150830T123600Z.");
  }
  const expiresSeconds = EXPIRES.test(expires) ? Number(expires) : Number.NaN;
  if (!(expiresSeconds >= 1 && expiresSeconds <= MAX_EXPIRES_SECONDS)) {
    throw incompleteSignature(`X-Amz-Expires must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS}.`);
  }

  const parsed: ParsedSignature = {
    form: "query",
    accessKeyId: scope.accessKeyId,
    scopeDate: scope.scopeDate,
    region: scope.region,
    service: scope.service,
    signedHeaders: signed,
    signature,
    requestTime,
    expiresSeconds,
  };
  const sessionToken = readSessionToken(request, auth);
  if (sessionToken !== undefined) parsed.sessionToken = sessionToken;
  return parsed;
}
