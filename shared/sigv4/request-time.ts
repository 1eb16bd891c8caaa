import { ServiceError } from "../protocol/errors.js";
import { formatAmzDate } from "./amz-date.js";
import { signatureDoesNotMatch } from "./errors.js";
import type { ParsedSignature } from "./parsed-signature.js";

/**
 * Checks the time window of a signature, in whole seconds:
 * - any request dated more than `maxSkewSeconds` after `now` is not yet valid
 *   (SignatureDoesNotMatch "Signature not yet current");
 * - a header-signed request dated more than `maxSkewSeconds` before `now` has expired
 *   (SignatureDoesNotMatch "Signature expired");
 * - a presigned request used after its X-Amz-Date plus X-Amz-Expires has expired
 *   (AccessDenied "Request has expired").
 * The boundaries themselves are accepted. Messages are AWS's wording.
 */
export function checkRequestTime(parsed: ParsedSignature, now: Date, maxSkewSeconds: number): void {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const requestSeconds = Math.floor(parsed.requestTime.getTime() / 1000);
  const allowance = maxSkewSeconds % 60 === 0 ? `${maxSkewSeconds / 60} min.` : `${maxSkewSeconds} sec.`;
  if (requestSeconds > nowSeconds + maxSkewSeconds) {
    throw signatureDoesNotMatch(
      `Signature not yet current: ${stamp(requestSeconds)} is still later than ` +
        `${stamp(nowSeconds + maxSkewSeconds)} (${stamp(nowSeconds)} + ${allowance})`,
    );
  }
  if (parsed.form === "query") {
    if (nowSeconds > requestSeconds + parsed.expiresSeconds!) throw new ServiceError("AccessDenied", "Request has expired");
    return;
  }
  if (requestSeconds < nowSeconds - maxSkewSeconds) {
    throw signatureDoesNotMatch(
      `Signature expired: ${stamp(requestSeconds)} is now earlier than ` +
        `${stamp(nowSeconds - maxSkewSeconds)} (${stamp(nowSeconds)} - ${allowance})`,
    );
  }
}

function stamp(seconds: number): string {
  return formatAmzDate(new Date(seconds * 1000));
}
