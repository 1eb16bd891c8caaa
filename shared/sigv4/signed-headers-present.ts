import { incompleteSignature } from "./errors.js";
import { getHeader, type HttpRequestView } from "./http-request-view.js";

/** Every header named in SignedHeaders must be in the request: an absent one cannot have been signed. */
export function requireSignedHeadersPresent(request: HttpRequestView, signedHeaders: readonly string[]): void {
  for (const name of signedHeaders) {
    if (getHeader(request, name) === undefined) {
      throw incompleteSignature(`Header '${name}' is listed in SignedHeaders but is absent from the request.`);
    }
  }
}
