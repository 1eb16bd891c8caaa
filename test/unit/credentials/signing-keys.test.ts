import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { loadOrCreateKeyRing, lockDataDir, rotateSigningKeysInDataDir } from "../../../infra/local/data-dir.js";
import { generateKeyMaterial, KeyRing } from "../../../shared/credentials/keyring.js";
import {
  currentSigningKey,
  generateSigningKeys,
  publicJwk,
  publishedSigningKeys,
  RETIREMENT_DELAY_SECONDS,
  rotateSigningKeys,
  type SigningKeyMaterial,
} from "../../../shared/credentials/signing-keys.js";
import { jwks } from "../../../shared/outbound/discovery.js";

const NOW = new Date("2026-03-01T12:00:00Z");
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const kids = (keys: readonly SigningKeyMaterial[]) => keys.map((key) => key.kid);

describe("signing key generation", () => {
  const generation = generateSigningKeys(NOW);

  it("creates an RSA-2048 and a P-384 key", () => {
    expect(generation.map((key) => key.alg)).toEqual(["RS256", "ES384"]);
    const [rsa, ec] = generation;
    expect(rsa!.privateJwk.kty).toBe("RSA");
    // A 2048-bit modulus is 256 bytes, 342 characters of base64url.
    expect(rsa!.privateJwk.n).toHaveLength(342);
    expect(rsa!.privateJwk.d).toBeTypeOf("string");
    expect(ec!.privateJwk.kty).toBe("EC");
    expect(ec!.privateJwk.crv).toBe("P-384");
    expect(ec!.privateJwk.d).toBeTypeOf("string");
  });

  it("gives every key its own kid", () => {
    const again = generateSigningKeys(NOW);
    const all = kids([...generation, ...again]);
    expect(new Set(all).size).toBe(4);
    expect(generation[0]!.kid).toMatch(/^rs256-20260301-[0-9a-f]{8}$/);
    expect(generation[1]!.kid).toMatch(/^es384-20260301-[0-9a-f]{8}$/);
  });

  it.each(["RS256", "ES384"] as const)("renders only public members of an %s key", (alg) => {
    const key = currentSigningKey(generation, alg, NOW)!;
    const rendered = publicJwk(key) as unknown as Record<string, unknown>;
    for (const member of PRIVATE_MEMBERS) expect(rendered).not.toHaveProperty(member);
    expect(rendered.kid).toBe(key.kid);
    expect(rendered.alg).toBe(alg);
    expect(rendered.use).toBe("sig");
    if (alg === "RS256") {
      expect(rendered.kty).toBe("RSA");
      expect(rendered.n).toBe(key.privateJwk.n);
      expect(rendered.e).toBe("AQAB");
    } else {
      expect(rendered.kty).toBe("EC");
      expect(rendered.crv).toBe("P-384");
      expect(rendered.x).toBe(key.privateJwk.x);
      expect(rendered.y).toBe(key.privateJwk.y);
    }
  });
});

describe("key ring signing keys", () => {
  it("keeps the one-argument constructor", () => {
    const ring = new KeyRing([generateKeyMaterial(NOW)]);
    expect(ring.signingKeys).toEqual([]);
    expect(ring.signingKey("RS256")).toBeUndefined();
    expect(jwks(ring, NOW)).toEqual({ keys: [] });
  });

  it.each(["RS256", "ES384"] as const)("signs %s tokens the published key verifies", async (alg) => {
    const ring = new KeyRing([generateKeyMaterial(NOW)], generateSigningKeys(NOW));
    const signing = ring.signingKey(alg)!;
    expect(signing.alg).toBe(alg);
    const token = await new SignJWT({ sub: "test" }).setProtectedHeader({ alg, kid: signing.kid }).sign(await signing.key);

    const published = jwks(ring, NOW).keys.find((key) => key.kid === signing.kid)!;
    const { payload } = await jwtVerify(token, await importJWK({ ...published }, alg));
    expect(payload.sub).toBe("test");

    const other = jwks(ring, NOW).keys.find((key) => key.kid !== signing.kid)!;
    await expect(jwtVerify(token, await importJWK({ ...other }, other.alg))).rejects.toThrow();
  });

  it("imports each private key once", () => {
    const ring = new KeyRing([generateKeyMaterial(NOW)], generateSigningKeys(NOW));
    expect(ring.signingKey("ES384")!.key).toBe(ring.signingKey("ES384")!.key);
    expect(ring.signingKey("RS256")!.key).not.toBe(ring.signingKey("ES384")!.key);
  });

  it("signs with the newest key of each algorithm", async () => {
    const first = generateSigningKeys(NOW);
    const second = generateSigningKeys(later(60));
    const ring = new KeyRing([generateKeyMaterial(NOW)], [...first, ...second]);
    expect(ring.signingKey("RS256")!.kid).toBe(second[0]!.kid);
    expect(ring.signingKey("ES384")!.kid).toBe(second[1]!.kid);
    const token = await new SignJWT({}).setProtectedHeader({ alg: "ES384", kid: ring.signingKey("ES384")!.kid }).sign(await ring.signingKey("ES384")!.key);
    expect(decodeProtectedHeader(token).kid).toBe(second[1]!.kid);
  });
});

describe("signing key rotation", () => {
  const first = generateSigningKeys(NOW);
  const rotated = rotateSigningKeys(first, later(3600));

  it("adds a generation and keeps the previous one published", () => {
    expect(rotated).toHaveLength(4);
    expect(kids(rotated.slice(0, 2))).toEqual(kids(first));
    const published = kids(publishedSigningKeys(rotated, later(3601)));
    expect(published).toEqual(kids(rotated));
  });

  it("publishes a superseded key until its retirement", () => {
    const rotatedAt = 3600;
    const justBefore = kids(publishedSigningKeys(rotated, later(rotatedAt + RETIREMENT_DELAY_SECONDS - 1)));
    expect(justBefore).toEqual(kids(rotated));
    const atRetirement = kids(publishedSigningKeys(rotated, later(rotatedAt + RETIREMENT_DELAY_SECONDS)));
    expect(atRetirement).toEqual(kids(rotated.slice(2)));
  });

  it("drops retired keys at the next rotation", () => {
    const third = rotateSigningKeys(rotated, later(3600 + RETIREMENT_DELAY_SECONDS + 1));
    expect(third).toHaveLength(4);
    expect(kids(third.slice(0, 2))).toEqual(kids(rotated.slice(2)));
    expect(kids(third)).not.toContain(first[0]!.kid);
  });

  it("keeps the previous generation even right after a rotation", () => {
    const second = rotateSigningKeys(rotated, later(3700));
    expect(second).toHaveLength(6);
    expect(kids(second.slice(0, 4))).toEqual(kids(rotated));
  });
});

describe("key ring file in the data folder", () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));
  const fresh = () => {
    dataDir = mkdtempSync(join(tmpdir(), "open-sts-keyring-"));
    return dataDir;
  };
  const readFile = () => JSON.parse(readFileSync(join(dataDir, "keyring.json"), "utf8"));
  const mode = () => statSync(join(dataDir, "keyring.json")).mode & 0o777;

  it("creates signing keys on first start", () => {
    const ring = loadOrCreateKeyRing(fresh(), NOW);
    expect(ring.signingKeys.map((key) => key.alg)).toEqual(["RS256", "ES384"]);
    expect(mode()).toBe(0o600);
    expect(kids(readFile().signingKeys)).toEqual(kids(ring.signingKeys));
    expect(kids(loadOrCreateKeyRing(dataDir, later(60)).signingKeys)).toEqual(kids(ring.signingKeys));
  });

  it("adds signing keys to an older file and keeps its keys", () => {
    const symmetric = [generateKeyMaterial(NOW), generateKeyMaterial(later(10))];
    writeFileSync(join(fresh(), "keyring.json"), JSON.stringify({ keys: symmetric }), { mode: 0o600 });

    const ring = loadOrCreateKeyRing(dataDir, later(60));
    expect(ring.keys).toEqual(symmetric);
    expect(ring.currentKid).toBe(symmetric[1]!.kid);
    expect(ring.signingKeys.map((key) => key.alg)).toEqual(["RS256", "ES384"]);
    const stored = readFile();
    expect(stored.keys).toEqual(symmetric);
    expect(kids(stored.signingKeys)).toEqual(kids(ring.signingKeys));
    expect(mode()).toBe(0o600);
  });

  it("rotates signing keys and keeps the old ones", () => {
    const before = loadOrCreateKeyRing(fresh(), NOW);
    const added = rotateSigningKeysInDataDir(dataDir, later(60));
    expect(added).toHaveLength(2);

    const after = loadOrCreateKeyRing(dataDir, later(120));
    expect(after.keys).toEqual(before.keys);
    expect(kids(after.signingKeys)).toEqual([...kids(before.signingKeys), ...added]);
    expect(after.signingKey("RS256")!.kid).toBe(added[0]);
    expect(after.signingKey("ES384")!.kid).toBe(added[1]);
    expect(jwks(after, later(120)).keys.map((key) => key.kid)).toEqual(kids(after.signingKeys));
    expect(mode()).toBe(0o600);
  });

  it("refuses to rotate while the folder is in use", () => {
    loadOrCreateKeyRing(fresh(), NOW);
    const unlock = lockDataDir(dataDir);
    try {
      expect(() => rotateSigningKeysInDataDir(dataDir, later(60))).toThrow(/is in use by process/);
    } finally {
      unlock();
    }
    expect(readFile().signingKeys).toHaveLength(2);
  });
});
