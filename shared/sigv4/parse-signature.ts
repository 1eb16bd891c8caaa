import { ServiceError } from "../protocol/errors.js";
import { hasQueryAuth, readAuthQueryParams } from "./auth-query-params.js";
import { incompleteSignature } from "./errors.js";
import { parseHeaderSignature } from "./header-signature.js";
import { getHeader, type HttpRequestView } from "./http-request-view.js";
import type { ParsedSignature } from "./parsed-signature.js";
import { parseQuery } from "./query-params.js";
import { parseQuerySignature } from "./query-signature.js";

/**
 * Reads what a request claims about its SigV4 signature, checking only its form; nothing here
 * looks at a secret or the clock. Throws ServiceError:
 * - MissingAuthenticationToken when the request carries no signature at all;
 * - IncompleteSignature when the Authorization header or the X-Amz-* query parameters are
 *   malformed or incomplete, or when both are present.
 */
export function parseSignature(request: HttpRequestView): ParsedSignature {
  const authorization = getHeader(request, "authorization");
  const auth = readAuthQueryParams(parseQuery(request.rawQuery));
  const queryAuth = hasQueryAuth(auth);
  if (authorization !== undefined) {
    if (queryAuth) {
      throw incompleteSignature(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
      );
    }
    return parseHeaderSignature(request, authorization, auth);
  }
  if (queryAuth) return parseQuerySignature(request, auth);
  throw new ServiceError("MissingAuthenticationToken", "Request is missing Authentication Token");
}
