import { createHmac } from "node:crypto";

/**
 * TOTP written from RFC 4226 (HOTP) and RFC 6238 with node:crypto alone, so that tests check the
 * service's otpauth-based codes against an implementation that shares no code with it.
 */

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Decodes RFC 4648 base32, ignoring padding. */
export function decodeBase32(text: string): Buffer {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const character of text.replace(/=+$/, "").toUpperCase()) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value === -1) throw new Error(`invalid base32 character ${JSON.stringify(character)}`);
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** HOTP (RFC 4226 section 5.3): HMAC-SHA-1 of the 8-byte big-endian counter, dynamically truncated. */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", key).update(message).digest();
  const offset = digest[digest.length - 1]! & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** Returns the TOTP step (RFC 6238 section 4.2) of a time in milliseconds, with 30-second steps. */
export function stepAt(timeMs: number): number {
  return Math.floor(timeMs / 30_000);
}

/** Computes the six-digit code of a step for a base32 seed. */
export function codeAt(seedBase32: string, step: number): string {
  return hotp(decodeBase32(seedBase32), step);
}

/**
 * Waits until the current step has at least `marginMs` left, so that codes computed now still
 * belong to the current step when the service checks them.
 */
export async function awayFromStepEdge(marginMs = 3_000): Promise<void> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}
