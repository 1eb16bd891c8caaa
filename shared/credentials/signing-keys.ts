import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { JWK } from "jose";

/** Tells whether a key (symmetric or signing) may seal or sign at `now`. */
export function isActive(key: { activatesAt?: string }, now: Date): boolean {
  return key.activatesAt === undefined || Date.parse(key.activatesAt) <= now.getTime();
}

/** The JWS algorithms GetWebIdentityToken signs with, as AWS offers them. */
export const SIGNING_ALGORITHMS = ["RS256", "ES384"] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * An asymmetric key that signs web identity tokens. Keys are created in generations of one key
 * per algorithm. The newest key of an algorithm signs, and older ones stay published in the
 * JWKS until no token they signed can still be valid.
 */
export interface SigningKeyMaterial {
  kid: string;
  alg: SigningAlgorithm;
  createdAt: string;
  /** When the key starts to sign, ISO-8601; absent means at once. It is published before then. */
  activatesAt?: string;
  /** The private key as a JWK (RFC 7517): `kty`, the public members and the private ones. */
  privateJwk: JWK;
}

/** A public key as the JWKS publishes it. */
export interface PublicJwk {
  kty: string;
  kid: string;
  alg: SigningAlgorithm;
  use: "sig";
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** The maximum lifetime of a web identity token, in seconds (DurationSeconds at most 3600). */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;

/**
 * How long a superseded key stays published after its successor was created. A key signs until
 * its successor takes over, so after the maximum token lifetime nothing it signed is still
 * valid. The margin covers clock skew at relying parties and a host that starts using the new
 * key some time after the rotation wrote it.
 */
export const RETIREMENT_DELAY_SECONDS = 24 * 3600;

/** Creates one generation of signing keys: an RSA-2048 key for RS256 and a P-384 key for ES384. */
export function generateSigningKeys(now: Date, activatesAt?: Date): SigningKeyMaterial[] {
  return SIGNING_ALGORITHMS.map((alg) => generateSigningKey(alg, now, activatesAt));
}

function generateSigningKey(alg: SigningAlgorithm, now: Date, activatesAt: Date | undefined): SigningKeyMaterial {
  const pair =
    alg === "RS256"
      ? generateKeyPairSync("rsa", { modulusLength: 2048 })
      : generateKeyPairSync("ec", { namedCurve: "P-384" });
  const stamp = now.toISOString().slice(0, 10).replaceAll("-", "");
  return {
    kid: `${alg.toLowerCase()}-${stamp}-${randomBytes(4).toString("hex")}`,
    alg,
    createdAt: now.toISOString(),
    privateJwk: pair.privateKey.export({ format: "jwk" }) as JWK,
    ...(activatesAt === undefined ? {} : { activatesAt: activatesAt.toISOString() }),
  };
}

/**
 * Returns the key that signs new tokens with `alg` at `now`: the last active one of that
 * algorithm in the list, or the first of that algorithm when none is active yet.
 */
export function currentSigningKey(keys: readonly SigningKeyMaterial[], alg: SigningAlgorithm, now: Date): SigningKeyMaterial | undefined {
  return keys.findLast((key) => key.alg === alg && isActive(key, now)) ?? keys.find((key) => key.alg === alg);
}

/**
 * Returns the keys a JWKS publishes at `now`: every key not yet active, so that relying parties
 * fetch it before it signs, each algorithm's current key, and every older key whose successor
 * took over less than RETIREMENT_DELAY_SECONDS before `now`.
 */
export function publishedSigningKeys(keys: readonly SigningKeyMaterial[], now: Date): SigningKeyMaterial[] {
  return keys.filter((key, index) => {
    const successor = keys.slice(index + 1).find((later) => later.alg === key.alg);
    if (successor === undefined) return true;
    const takeover = Math.max(Date.parse(successor.createdAt), Date.parse(successor.activatesAt ?? successor.createdAt));
    return takeover + RETIREMENT_DELAY_SECONDS * 1000 > now.getTime();
  });
}

/**
 * Adds a new generation of signing keys and drops the retired ones, which no JWKS publishes
 * any more. The generation before the new one always stays, so tokens it signed still verify.
 */
export function rotateSigningKeys(keys: readonly SigningKeyMaterial[], now: Date, activatesAt?: Date): SigningKeyMaterial[] {
  return [...publishedSigningKeys(keys, now), ...generateSigningKeys(now, activatesAt)];
}

/** Returns the algorithms that have no key in the list, which a key ring file written before signing keys lacks. */
export function missingAlgorithms(keys: readonly SigningKeyMaterial[]): SigningAlgorithm[] {
  return SIGNING_ALGORITHMS.filter((alg) => !keys.some((key) => key.alg === alg));
}

/** Renders the public half of a signing key, leaving out every private member of the JWK. */
export function publicJwk(key: SigningKeyMaterial): PublicJwk {
  const jwk = key.privateJwk;
  const base = { kty: String(jwk.kty), kid: key.kid, alg: key.alg, use: "sig" as const };
  if (jwk.kty === "RSA") return { ...base, n: String(jwk.n), e: String(jwk.e) };
  return { ...base, crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) };
}
