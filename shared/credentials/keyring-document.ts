import { generateKeyMaterial, type KeyMaterial, KeyRing } from "./keyring.js";
import { generateSigningKeys, rotateSigningKeys, SIGNING_ALGORITHMS, type SigningKeyMaterial } from "./signing-keys.js";

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

/**
 * Reads a key ring document, or returns undefined when `text` is not one: a placeholder, a key
 * without its 32-byte secret, a signing key without its algorithm or private JWK.
 */
export function parseKeyRingDocument(text: string): KeyRingDocument | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const document = parsed as Partial<KeyRingDocument> | null;
  if (!document || !Array.isArray(document.keys) || document.keys.length === 0) return undefined;
  if (!document.keys.every(isKeyMaterial)) return undefined;
  if (document.signingKeys !== undefined && !(Array.isArray(document.signingKeys) && document.signingKeys.every(isSigningKeyMaterial))) {
    return undefined;
  }
  return document as KeyRingDocument;
}

function isKeyMaterial(value: unknown): boolean {
  const key = value as Partial<KeyMaterial> | null;
  return (
    typeof key?.kid === "string" &&
    key.kid !== "" &&
    typeof key.secret === "string" &&
    Buffer.from(key.secret, "base64").length === 32 &&
    typeof key.createdAt === "string" &&
    (key.activatesAt === undefined || !Number.isNaN(Date.parse(key.activatesAt)))
  );
}

function isSigningKeyMaterial(value: unknown): boolean {
  const key = value as Partial<SigningKeyMaterial> | null;
  return (
    typeof key?.kid === "string" &&
    (SIGNING_ALGORITHMS as readonly string[]).includes(String(key.alg)) &&
    typeof key.createdAt === "string" &&
    typeof key.privateJwk === "object" &&
    key.privateJwk !== null &&
    typeof key.privateJwk.d === "string"
  );
}

export function keyRingFromDocument(document: KeyRingDocument): KeyRing {
  return new KeyRing(document.keys, document.signingKeys ?? []);
}

/**
 * Adds a new symmetric key and a new generation of signing keys that take over at `activatesAt`
 * (at once when it is absent). Every older symmetric key stays, because tokens and stored
 * secrets sealed with it must still open. Signing keys whose successor took over more than a
 * day ago are dropped, as no token they signed can still be valid.
 */
export function rotateKeyRingDocument(document: KeyRingDocument, now: Date, activatesAt?: Date): KeyRingDocument {
  return {
    ...document,
    keys: [...document.keys, generateKeyMaterial(now, activatesAt)],
    signingKeys: rotateSigningKeys(document.signingKeys ?? [], now, activatesAt),
  };
}
