import type { AuthQueryParams } from "./auth-query-params.js";
import { incompleteSignature } from "./errors.js";
import { getHeader, type HttpRequestView } from "./http-request-view.js";

/**
 * Reads the session token from the X-Amz-Security-Token header or query parameter. Clients sign
 * it or add it after signing (vectors post-sts-header-before and -after), so it is read from
 * either place. When both carry a token they must agree, so that no later step reads a different
 * token from the one the caller checked.
 */
export function readSessionToken(request: HttpRequestView, auth: AuthQueryParams): string | undefined {
  const header = getHeader(request, "x-amz-security-token");
  if (header !== undefined && auth.securityToken !== undefined && header !== auth.securityToken) {
    throw incompleteSignature("X-Amz-Security-Token is given both as a header and as a query parameter, with different values.");
  }
  return header ?? auth.securityToken;
}
