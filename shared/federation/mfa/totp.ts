import { randomBytes, timingSafeEqual } from "node:crypto";
import { HOTP, Secret, TOTP } from "otpauth";

/**
 * TOTP (RFC 6238) with the parameters authenticator apps assume when a QR code names none:
 * HMAC-SHA-1, six digits and 30-second steps. A step is the number of whole periods since the
 * Unix epoch, the RFC's counter T.
 */
export const TOTP_ALGORITHM = "SHA1";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;

/** Seed length in bytes: RFC 4226 recommends 160 bits, the output size of HMAC-SHA-1. */
export const SEED_BYTES = 20;

const CODE_FORMAT = /^\d+$/;

/** Generates a random seed, returned as base32 without padding (32 characters for 20 bytes). */
export function generateSeed(): string {
  return new Secret({ buffer: new Uint8Array(randomBytes(SEED_BYTES)).buffer }).base32;
}

/** Returns the TOTP step that contains `now`. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** Computes the code of one step for a base32 seed. `digits` other than 6 serve the RFC's 8-digit vectors. */
export function totpCode(seedBase32: string, step: number, digits: number = TOTP_DIGITS): string {
  return HOTP.generate({ secret: Secret.fromBase32(seedBase32), algorithm: TOTP_ALGORITHM, digits, counter: step });
}

/**
 * Returns every step from `firstStep` to `lastStep` whose code equals `code`, in ascending order.
 * More than one step can match, because a six-digit code repeats by chance once in a million steps.
 *
 * otpauth's own `validate` (9.5) also compares in constant time, but it stops at the first match
 * of a window centred on one step. Computing each step of the range here keeps the number of
 * HMACs independent of the code, and lets callers pick a match above the last accepted step.
 */
export function findTotpSteps(seedBase32: string, code: string, firstStep: number, lastStep: number): number[] {
  // The format of a code is no secret, and timingSafeEqual needs inputs of equal length.
  if (code.length !== TOTP_DIGITS || !CODE_FORMAT.test(code)) return [];
  const given = Buffer.from(code, "ascii");
  const secret = Secret.fromBase32(seedBase32);
  const matches: number[] = [];
  for (let step = firstStep; step <= lastStep; step++) {
    const expected = HOTP.generate({ secret, algorithm: TOTP_ALGORITHM, digits: TOTP_DIGITS, counter: step });
    if (timingSafeEqual(given, Buffer.from(expected, "ascii"))) matches.push(step);
  }
  return matches;
}

/**
 * Finds the lowest step `s` from `firstStep` to `lastStep` such that `code1` is the code of `s`
 * and `code2` the code of `s + 1`, as EnableMFADevice and ResyncMFADevice receive them.
 */
export function findConsecutiveSteps(seedBase32: string, code1: string, code2: string, firstStep: number, lastStep: number): number | undefined {
  const seconds = new Set(findTotpSteps(seedBase32, code2, firstStep + 1, lastStep + 1));
  return findTotpSteps(seedBase32, code1, firstStep, lastStep).find((step) => seconds.has(step + 1));
}

export interface TotpUriOptions {
  seedBase32: string;
  /** The service name an authenticator app shows above the code. */
  issuer: string;
  /** The account name an authenticator app shows below the issuer. */
  accountName: string;
}

/** Builds the `otpauth://totp/` URI of the Key Uri Format that authenticator apps read from a QR code. */
export function totpUri(options: TotpUriOptions): string {
  return new TOTP({
    issuer: options.issuer,
    label: options.accountName,
    secret: Secret.fromBase32(options.seedBase32),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}
