import { randomBytes } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Unique-id prefixes IAM uses, by kind of entity. */
export type IdPrefix = "AKIA" | "ASIA" | "AIDA" | "AROA" | "ANPA";

/** Generates a 20-character identifier: the AWS prefix and 16 random base32 characters (80 bits). */
export function generateId(prefix: IdPrefix): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/** Generates a 40-character secret access key from 30 random bytes, shaped like AWS's. */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString("base64");
}
