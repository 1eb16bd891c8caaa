import { generateKeyMaterial, type KeyMaterial, KeyRing } from "./keyring.js";
import { generateSigningKeys, rotateSigningKeys, type SigningKeyMaterial } from "./signing-keys.js";

/**
 * The key ring as stored: keyring.json in the local data folder, and the key ring secret's value
 * on AWS. Documents written before signing keys existed have no `signingKeys`.
 */
export interface KeyRingDocument {
  keys: KeyMaterial[];
  signingKeys?: SigningKeyMaterial[];
}

/** Creates a key ring with one symmetric key and one generation of signing keys. */
export function newKeyRingDocument(now: Date): KeyRingDocument {
  return { keys: [generateKeyMaterial(now)], signingKeys: generateSigningKeys(now) };
}

/** Reads a key ring document, or returns undefined when `text` is not one (such as a placeholder). */
export function parseKeyRingDocument(text: string): KeyRingDocument | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const document = parsed as Partial<KeyRingDocument> | null;
  if (!document || !Array.isArray(document.keys) || document.keys.length === 0) return undefined;
  if (document.signingKeys !== undefined && !Array.isArray(document.signingKeys)) return undefined;
  return document as KeyRingDocument;
}

export function keyRingFromDocument(document: KeyRingDocument): KeyRing {
  return new KeyRing(document.keys, document.signingKeys ?? []);
}

/**
 * Adds a new symmetric key, which seals from then on, and a new generation of signing keys. Old
 * keys stay: tokens and stored secrets sealed with them must still open.
 */
export function rotateKeyRingDocument(document: KeyRingDocument, now: Date): KeyRingDocument {
  return { ...document, keys: [...document.keys, generateKeyMaterial(now)], signingKeys: rotateSigningKeys(document.signingKeys ?? [], now) };
}
