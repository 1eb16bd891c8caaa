import { hash } from "node:crypto";
import { EMPTY_SHA256, UNSIGNED_PAYLOAD } from "./constants.js";
import { signatureDoesNotMatch } from "./errors.js";
import { getHeader, type HttpRequestView } from "./http-request-view.js";

/**
 * Computes the payload hash of the canonical request: the SHA-256 of the raw body bytes as
 * received, before any form parsing. An x-amz-content-sha256 header, signed or not, must equal it.
 * UNSIGNED-PAYLOAD and streaming markers are rejected, because STS and IAM read the body.
 */
export function payloadHash(request: HttpRequestView): string {
  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : hash("sha256", request.body, "hex");
  const claimed = getHeader(request, "x-amz-content-sha256");
  if (claimed !== undefined && claimed !== bodyHash) {
    throw signatureDoesNotMatch(
      claimed === UNSIGNED_PAYLOAD
        ? "UNSIGNED-PAYLOAD is not accepted; x-amz-content-sha256 must be the SHA-256 of the body."
        : "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  return bodyHash;
}
