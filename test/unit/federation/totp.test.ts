import { describe, expect, it } from "vitest";
import {
  findConsecutiveSteps,
  findTotpSteps,
  generateSeed,
  SEED_BYTES,
  totpCode,
  totpStep,
  totpUri,
} from "../../../shared/federation/mfa/totp.js";
import { decodeBase32, hotp } from "../../support/totp.js";

/** The RFC's SHA-1 key, the ASCII text "12345678901234567890", in base32. */
const RFC_SEED = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** RFC 6238 appendix B, the SHA-1 rows: Unix time in seconds and the 8-digit code. */
const RFC_6238_SHA1_VECTORS: readonly { time: number; code: string }[] = [
  { time: 59, code: "94287082" },
  { time: 1_111_111_109, code: "07081804" },
  { time: 1_111_111_111, code: "14050471" },
  { time: 1_234_567_890, code: "89005924" },
  { time: 2_000_000_000, code: "69279037" },
  { time: 20_000_000_000, code: "65353130" },
];

/** RFC 4226 appendix D: the 6-digit HOTP values of counters 0 to 9 for the same key. */
const RFC_4226_VALUES = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];

const NOW = new Date("2026-05-01T12:00:10Z");

describe("TOTP", () => {
  it("decodes the RFC key the test support uses", () => {
    expect(decodeBase32(RFC_SEED).toString("ascii")).toBe("12345678901234567890");
  });

  it.each(RFC_6238_SHA1_VECTORS)("matches RFC 6238 at time $time", ({ time, code }) => {
    const step = totpStep(new Date(time * 1000));

    expect(totpCode(RFC_SEED, step, 8)).toBe(code);
    expect(hotp(decodeBase32(RFC_SEED), step, 8)).toBe(code);
  });

  it.each(RFC_4226_VALUES.map((code, counter) => ({ counter, code })))("matches RFC 4226 at counter $counter", ({ counter, code }) => {
    expect(totpCode(RFC_SEED, counter)).toBe(code);
    expect(hotp(decodeBase32(RFC_SEED), counter)).toBe(code);
  });

  it("agrees with the independent implementation on random seeds", () => {
    for (let index = 0; index < 20; index++) {
      const seed = generateSeed();
      const step = totpStep(NOW) + index * 7919;
      expect(totpCode(seed, step)).toBe(hotp(decodeBase32(seed), step));
    }
  });

  it("generates 20-byte seeds in base32", () => {
    const seed = generateSeed();

    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(seed)).toHaveLength(SEED_BYTES);
    expect(generateSeed()).not.toBe(seed);
  });

  it("counts 30-second steps from the epoch", () => {
    expect(totpStep(new Date(29_999))).toBe(0);
    expect(totpStep(new Date(30_000))).toBe(1);
    expect(totpStep(NOW)).toBe(Math.floor(NOW.getTime() / 30_000));
  });
});

describe("findTotpSteps", () => {
  const seed = generateSeed();
  const step = totpStep(NOW);
  const codeOf = (at: number) => hotp(decodeBase32(seed), at);

  it.each([-2, -1, 0, 1, 2])("finds the code of step %i within the range", (offset) => {
    expect(findTotpSteps(seed, codeOf(step + offset), step - 2, step + 2)).toEqual([step + offset]);
  });

  it.each([-3, 3])("misses the code of step %i outside the range", (offset) => {
    expect(findTotpSteps(seed, codeOf(step + offset), step - 2, step + 2)).toEqual([]);
  });

  it.each([
    { label: "five digits", code: "12345" },
    { label: "seven digits", code: "1234567" },
    { label: "letters", code: "12a456" },
    { label: "a sign", code: "+12345" },
    { label: "empty", code: "" },
  ])("rejects a code of $label", ({ code }) => {
    expect(findTotpSteps(seed, code, step - 100, step + 100)).toEqual([]);
  });

  it("rejects the 8-digit form of a valid code", () => {
    const eightDigits = hotp(decodeBase32(seed), step, 8);
    expect(findTotpSteps(seed, eightDigits, step, step)).toEqual([]);
  });

  it("returns every matching step in ascending order", () => {
    // With the RFC key, the code of counter 2386 repeats at counter 2394 (found by search with test/support/totp.ts).
    expect(hotp(decodeBase32(RFC_SEED), 2386)).toBe("709847");
    expect(hotp(decodeBase32(RFC_SEED), 2394)).toBe("709847");

    expect(findTotpSteps(RFC_SEED, "709847", 2380, 2400)).toEqual([2386, 2394]);
  });
});

describe("findConsecutiveSteps", () => {
  const seed = generateSeed();
  const step = totpStep(NOW);
  const codeOf = (at: number) => hotp(decodeBase32(seed), at);

  it("finds two consecutive codes", () => {
    expect(findConsecutiveSteps(seed, codeOf(step - 1), codeOf(step), step - 1, step)).toBe(step - 1);
    expect(findConsecutiveSteps(seed, codeOf(step), codeOf(step + 1), step - 1, step)).toBe(step);
  });

  it.each([
    { label: "in reverse order", first: 1, second: 0 },
    { label: "two steps apart", first: -1, second: 1 },
    { label: "of one step", first: 0, second: 0 },
  ])("rejects codes $label", ({ first, second }) => {
    expect(findConsecutiveSteps(seed, codeOf(step + first), codeOf(step + second), step - 1, step)).toBeUndefined();
  });

  it("rejects a pair starting before the range", () => {
    expect(findConsecutiveSteps(seed, codeOf(step - 2), codeOf(step - 1), step - 1, step)).toBeUndefined();
  });
});

describe("totpUri", () => {
  it("builds a key URI that names the issuer and the seed", () => {
    const seed = generateSeed();
    const uri = new URL(totpUri({ seedBase32: seed, issuer: "Open STS", accountName: "phone@123456789012" }));

    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Open STS:phone@123456789012");
    expect(uri.searchParams.get("secret")).toBe(seed);
    expect(uri.searchParams.get("issuer")).toBe("Open STS");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});
