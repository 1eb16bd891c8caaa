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

/** Bits 7 to 46 of an access key id's first 48 bits hold the account id, as in AWS's key ids. */
const ACCOUNT_SHIFT = 7n;
const ACCOUNT_MASK = 0xff_ffff_ffffn;

/**
 * Generates an access key id that carries its account, laid out as AWS lays out its own. After
 * the prefix come 16 base32 characters (80 bits). Their first 48 bits contain the 12-digit account
 * id above 7 random bits, and 32 random bits follow. GetAccessKeyInfo reads the account back
 * without a table read, for any key this service issued, expired and deleted ones included.
 */
export function generateAccessKeyId(prefix: "AKIA" | "ASIA", accountId: string): string {
  const bytes = randomBytes(10);
  const head = (BigInt(accountId) << ACCOUNT_SHIFT) | BigInt(bytes[5]! & 0x7f);
  for (let index = 5; index >= 0; index--) bytes[index] = Number((head >> BigInt((5 - index) * 8)) & 0xffn);
  return prefix + base32(bytes);
}

/** Reads the account id out of an access key id made by generateAccessKeyId. */
export function accountOfAccessKeyId(accessKeyId: string): string | undefined {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(accessKeyId)) return undefined;
  let head = 0n;
  // The first 48 bits are the first 9.6 characters: read ten and drop the two extra bits.
  for (const char of accessKeyId.slice(4, 14)) head = (head << 5n) | BigInt(BASE32.indexOf(char));
  const account = ((head >> 2n) >> ACCOUNT_SHIFT) & ACCOUNT_MASK;
  return account > 999_999_999_999n ? undefined : account.toString().padStart(12, "0");
}

/** Encodes bytes as unpadded RFC 4648 base32. */
function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
