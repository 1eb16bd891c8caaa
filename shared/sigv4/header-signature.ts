import { parseAmzDate, parseHttpDate } from "./amz-date.js";
import type { AuthQueryParams } from "./auth-query-params.js";
import { parseAuthorizationHeader } from "./authorization-header.js";
import { parseCredentialScope } from "./credential-scope.js";
import { incompleteSignature } from "./errors.js";
import { getHeader, type HttpRequestView } from "./http-request-view.js";
import type { ParsedSignature } from "./parsed-signature.js";
import { readSessionToken } from "./session-token.js";
import { parseSignedHeaders } from "./signed-headers.js";
import { requireSignedHeadersPresent } from "./signed-headers-present.js";

/**
 * Parses a header-signed request (Authorization: AWS4-HMAC-SHA256 ...). Every signed header must
 * be present. The request time comes from a signed x-amz-date header or, without one, from a
 * signed Date header.
 */
export function parseHeaderSignature(
  request: HttpRequestView,
  authorization: string,
  auth: AuthQueryParams,
): ParsedSignature {
  const fields = parseAuthorizationHeader(authorization);
  const scope = parseCredentialScope(fields.credential);
  const signedHeaders = parseSignedHeaders(fields.signedHeaders);
  requireSignedHeadersPresent(request, signedHeaders);
  const parsed: ParsedSignature = {
    form: "header",
    accessKeyId: scope.accessKeyId,
    scopeDate: scope.scopeDate,
    region: scope.region,
    service: scope.service,
    signedHeaders,
    signature: fields.signature,
    requestTime: headerRequestTime(request, signedHeaders),
  };
  const sessionToken = readSessionToken(request, auth);
  if (sessionToken !== undefined) parsed.sessionToken = sessionToken;
  return parsed;
}

function headerRequestTime(request: HttpRequestView, signedHeaders: readonly string[]): Date {
  const amzDate = getHeader(request, "x-amz-date");
  if (amzDate !== undefined) {
    if (!signedHeaders.includes("x-amz-date")) throw incompleteSignature("SignedHeaders must include 'x-amz-date'.");
    const time = parseAmzDate(amzDate);
    if (time === undefined) {
      throw incompleteSignature("X-Amz-Date must be in the ISO 8601 basic format, e.g. 20150830T123600Z.");
    }
    return time;
  }
  const date = getHeader(request, "date");
  if (date === undefined) {
    throw incompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!signedHeaders.includes("date")) throw incompleteSignature("SignedHeaders must include 'date'.");
  const time = parseHttpDate(date);
  if (time === undefined) {
    throw incompleteSignature("The Date header must be an HTTP date, e.g. Sun, 30 Aug 2015 12:36:00 GMT.");
  }
  return time;
}
