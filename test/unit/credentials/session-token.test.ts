import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateId, generateSecretAccessKey } from "../../../shared/credentials/ids.js";
import { generateKeyMaterial, KeyRing } from "../../../shared/credentials/keyring.js";
import { openSessionToken, type SessionClaims, sealSessionToken } from "../../../shared/credentials/session-token.js";

const NOW = new Date("2026-06-01T12:00:00Z");

function claims(accessKeyId = generateId("ASIA")): SessionClaims {
  return {
    accessKeyId,
    secretAccessKey: generateSecretAccessKey(),
    accountId: "123456789012",
    principal: {
      type: "assumed-role",
      roleArn: "arn:aws:iam::123456789012:role/demo",
      roleId: generateId("AROA"),
      roleName: "demo",
      sessionName: "s",
      sourceAccountId: "123456789012",
    },
    issuedAt: 1_780_000_000,
    expiresAt: 1_780_003_600,
    chained: false,
  };
}

describe("identifiers", () => {
  it("have AWS's shapes", () => {
    expect(generateId("ASIA")).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(generateId("AKIA")).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(generateSecretAccessKey()).toMatch(/^[A-Za-z0-9+/]{40}$/);
  });
});

describe("session tokens", () => {
  const ring = new KeyRing([generateKeyMaterial(NOW)]);

  it("round-trip their claims", async () => {
    const sealed = claims();
    const token = await sealSessionToken(ring, sealed);
    expect(token).not.toContain(sealed.secretAccessKey);
    expect(await openSessionToken(ring, token, sealed.accessKeyId)).toEqual({ v: 1, ...sealed });
  });

  it("are bound to their access key", async () => {
    const sealed = claims();
    const token = await sealSessionToken(ring, sealed);
    expect(await openSessionToken(ring, token, generateId("ASIA"))).toBeUndefined();
  });

  it("do not open under another deployment's keys", async () => {
    const sealed = claims();
    const token = await sealSessionToken(ring, sealed);
    const other = new KeyRing([generateKeyMaterial(NOW)]);
    expect(await openSessionToken(other, token, sealed.accessKeyId)).toBeUndefined();
  });

  it("open with an older key after rotation", async () => {
    const old = generateKeyMaterial(NOW);
    const sealed = claims();
    const token = await sealSessionToken(new KeyRing([old]), sealed);
    const rotated = new KeyRing([old, generateKeyMaterial(new Date("2026-07-01T00:00:00Z"))]);
    expect(rotated.currentKid).not.toBe(old.kid);
    expect(await openSessionToken(rotated, token, sealed.accessKeyId)).toMatchObject({ secretAccessKey: sealed.secretAccessKey });
  });

  it("reject every mutation", async () => {
    const sealed = claims();
    const token = await sealSessionToken(ring, sealed);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.integer({ min: 1, max: 63 }), async (position, delta) => {
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const original = token[position]!;
        if (original === ".") return;
        const replacement = alphabet[(alphabet.indexOf(original) + delta) % 64]!;
        const mutated = token.slice(0, position) + replacement + token.slice(position + 1);
        const opened = await openSessionToken(ring, mutated, sealed.accessKeyId);
        // A flip of unused low bits in the last base64url character decodes to the same bytes; anything else must fail.
        if (opened !== undefined) expect(opened).toEqual({ v: 1, ...sealed });
      }),
      { seed: 20261204, numRuns: 500 },
    );
    for (const truncated of [token.slice(0, -1), token.slice(0, token.length / 2), `${token}.`, ""]) {
      expect(await openSessionToken(ring, truncated, sealed.accessKeyId)).toBeUndefined();
    }
  });
});
