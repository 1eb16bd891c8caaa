import { createHmac, hash, timingSafeEqual } from "node:crypto";
import { ALGORITHM } from "./constants.js";

/** Lower-case hex, as signers write it. Upper case is rejected so that each signature has one spelling. */
const SIGNATURE_HEX = /^[0-9a-f]{64}$/;

/** Computes the HMAC-SHA256 of the string to sign (algorithm, X-Amz-Date, scope, hash of the canonical request). */
export function computeSignature(key: Buffer, amzDate: string, scope: string, canonicalRequest: string): Buffer {
  const requestHash = hash("sha256", canonicalRequest, "hex");
  return createHmac("sha256", key).update(`${ALGORITHM}\n${amzDate}\n${scope}\n${requestHash}`, "utf8").digest();
}

/**
 * Compares a received signature with the expected one in constant time, over two 32-byte buffers.
 * A signature that is not 64 lower-case hex digits fails before the comparison, which reveals
 * nothing about the expected one. One spelling per signature also keeps a replay cache keyed on
 * the signature sound.
 */
export function signatureMatches(expected: Buffer, provided: string): boolean {
  if (!SIGNATURE_HEX.test(provided)) return false;
  return timingSafeEqual(expected, Buffer.from(provided, "hex"));
}
