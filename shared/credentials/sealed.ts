import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import type { KeyPurpose, KeyRing } from "./keyring.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Seals a JSON payload as a compact JWE (`dir` + `A256GCM`) under the ring's current key. */
export async function seal(
  ring: KeyRing,
  purpose: KeyPurpose,
  payload: unknown,
  extraHeader: Record<string, string> = {},
): Promise<string> {
  const kid = ring.currentKid;
  const key = await ring.cryptoKey(kid, purpose)!;
  return new CompactEncrypt(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid, ...extraHeader })
    .encrypt(key);
}

export interface Opened {
  header: Record<string, unknown>;
  payload: unknown;
}

/**
 * Opens a compact JWE sealed by `seal`. Returns undefined for anything that is not a token
 * of ours: unknown kid, other algorithms, tampering, or bytes that are not a JWE at all.
 */
export async function open(ring: KeyRing, purpose: KeyPurpose, token: string): Promise<Opened | undefined> {
  let kid: unknown;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== "dir" || header.enc !== "A256GCM") return undefined;
    kid = header.kid;
  } catch {
    return undefined;
  }
  if (typeof kid !== "string") return undefined;
  const key = await ring.cryptoKey(kid, purpose);
  if (!key) return undefined;
  try {
    const { plaintext, protectedHeader } = await compactDecrypt(token, key, {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    return { header: protectedHeader as Record<string, unknown>, payload: JSON.parse(decoder.decode(plaintext)) };
  } catch {
    return undefined;
  }
}
