import { createHmac, randomBytes, webcrypto } from "node:crypto";
import { importJWK } from "jose";
import { currentSigningKey, isActive, type SigningAlgorithm, type SigningKeyMaterial } from "./signing-keys.js";

type CryptoKey = webcrypto.CryptoKey;

/**
 * Versioned symmetric keys. New tokens and stored secrets use the newest key; older keys stay
 * to open what they sealed until that has expired. Each use gets its own subkey derived with
 * HMAC-SHA256 (HKDF-Expand with one block), so a session token key never doubles as the key for
 * secrets at rest.
 */
export interface KeyMaterial {
  kid: string;
  /** 32 random bytes, base64. */
  secret: string;
  createdAt: string;
  /**
   * When the key starts to seal, ISO-8601; absent means at once. A rotation on AWS sets it in the
   * future, so that every function has loaded the new key before any of them seals with it.
   */
  activatesAt?: string;
}

export type KeyPurpose = "session-token" | "secret-at-rest" | "authorization-message";

export class KeyRing {
  private readonly derived = new Map<string, Uint8Array>();
  private readonly imported = new Map<string, Promise<CryptoKey>>();
  private readonly byKid: ReadonlyMap<string, KeyMaterial>;
  private readonly importedSigning = new Map<string, Promise<CryptoKey>>();

  /**
   * `signingKeys` are the asymmetric keys of GetWebIdentityToken, oldest first. A ring without
   * them serves everything except that action.
   */
  constructor(
    readonly keys: readonly KeyMaterial[],
    readonly signingKeys: readonly SigningKeyMaterial[] = [],
  ) {
    if (keys.length === 0) throw new Error("the key ring needs at least one key");
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
  }

  /** The kid that seals new material: the last key in the ring that is active now. */
  get currentKid(): string {
    const now = new Date();
    return (this.keys.findLast((key) => isActive(key, now)) ?? this.keys[0]!).kid;
  }

  /** Returns the subkey for a purpose, or undefined for a kid this ring does not hold. */
  subkey(kid: string, purpose: KeyPurpose): Uint8Array | undefined {
    const cacheKey = `${kid}/${purpose}`;
    let key = this.derived.get(cacheKey);
    if (!key) {
      const material = this.byKid.get(kid);
      if (!material) return undefined;
      const info = Buffer.from(`open-sts ${purpose}\x01`);
      key = new Uint8Array(createHmac("sha256", Buffer.from(material.secret, "base64")).update(info).digest());
      this.derived.set(cacheKey, key);
    }
    return key;
  }

  /**
   * Returns the subkey as an AES-GCM CryptoKey, imported once: jose would otherwise import a raw
   * key on every call, which costs more than the encryption itself.
   */
  cryptoKey(kid: string, purpose: KeyPurpose): Promise<CryptoKey> | undefined {
    const cacheKey = `${kid}/${purpose}`;
    let key = this.imported.get(cacheKey);
    if (!key) {
      const raw = this.subkey(kid, purpose);
      if (!raw) return undefined;
      key = webcrypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
      this.imported.set(cacheKey, key);
    }
    return key;
  }

  /** Returns the newest active signing key of an algorithm, or undefined when the ring has none. */
  signingKey(alg: SigningAlgorithm): SigningKey | undefined {
    const material = currentSigningKey(this.signingKeys, alg, new Date());
    if (!material) return undefined;
    let key = this.importedSigning.get(material.kid);
    if (!key) {
      // Importing an RSA key parses and checks it, which costs more than one signature.
      key = importJWK(material.privateJwk, alg, { extractable: false }) as Promise<CryptoKey>;
      this.importedSigning.set(material.kid, key);
    }
    return { kid: material.kid, alg, key };
  }
}

/** A signing key ready for jose: its kid and algorithm, and the private key imported once. */
export interface SigningKey {
  kid: string;
  alg: SigningAlgorithm;
  key: Promise<CryptoKey>;
}

/** Creates key material with a kid built from its creation date and a random suffix. */
export function generateKeyMaterial(now: Date, activatesAt?: Date): KeyMaterial {
  const stamp = now.toISOString().slice(0, 10).replaceAll("-", "");
  return {
    kid: `k${stamp}-${randomBytes(4).toString("hex")}`,
    secret: randomBytes(32).toString("base64"),
    createdAt: now.toISOString(),
    ...(activatesAt === undefined ? {} : { activatesAt: activatesAt.toISOString() }),
  };
}
