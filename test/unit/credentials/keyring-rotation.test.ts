import { execFile } from "node:child_process";
import { afterEach, describe, expect, it, vi } from "vitest";
import { keyRingFromDocument, newKeyRingDocument, parseKeyRingDocument, rotateKeyRingDocument } from "../../../shared/credentials/keyring-document.js";
import { open, seal } from "../../../shared/credentials/sealed.js";
import { publishedSigningKeys } from "../../../shared/credentials/signing-keys.js";
import { REPO_ROOT } from "../../support/local-host.js";

const T0 = new Date("2026-06-01T10:00:00Z");
const LATER = new Date(T0.getTime() + 901_000);

describe("key ring rotation with a delayed takeover", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps sealing with the old key until the new one activates", async () => {
    vi.useFakeTimers({ now: T0, toFake: ["Date"] });
    const before = newKeyRingDocument(T0);
    const after = rotateKeyRingDocument(before, T0, new Date(T0.getTime() + 900_000));
    const oldRing = keyRingFromDocument(before);
    const newRing = keyRingFromDocument(after);

    expect(after.keys).toHaveLength(2);
    expect(after.keys[0]).toEqual(before.keys[0]);
    expect(newRing.currentKid).toBe(before.keys[0]!.kid);
    // A container that has not loaded the new ring still opens what a new container seals.
    const sealedBeforeTakeover = await seal(newRing, "session-token", { n: 1 });
    expect((await open(oldRing, "session-token", sealedBeforeTakeover))?.payload).toEqual({ n: 1 });

    vi.setSystemTime(LATER);
    expect(newRing.currentKid).toBe(after.keys[1]!.kid);
    const sealedAfterTakeover = await seal(newRing, "session-token", { n: 2 });
    expect(await open(oldRing, "session-token", sealedAfterTakeover)).toBeUndefined();
    expect((await open(newRing, "session-token", sealedBeforeTakeover))?.payload).toEqual({ n: 1 });
  });

  it("publishes new signing keys before they sign", () => {
    vi.useFakeTimers({ now: T0, toFake: ["Date"] });
    const before = newKeyRingDocument(T0);
    const after = rotateKeyRingDocument(before, T0, new Date(T0.getTime() + 900_000));
    const ring = keyRingFromDocument(after);
    const oldRs256 = before.signingKeys!.find((key) => key.alg === "RS256")!.kid;
    const newRs256 = after.signingKeys!.findLast((key) => key.alg === "RS256")!.kid;

    expect(publishedSigningKeys(after.signingKeys!, T0).map((key) => key.kid)).toEqual(after.signingKeys!.map((key) => key.kid));
    expect(ring.signingKey("RS256")!.kid).toBe(oldRs256);
    vi.setSystemTime(LATER);
    expect(ring.signingKey("RS256")!.kid).toBe(newRs256);
    // A day after the takeover the old keys leave the JWKS, and the next rotation drops them.
    const dayAfter = new Date(LATER.getTime() + 86_400_000);
    expect(publishedSigningKeys(after.signingKeys!, dayAfter).map((key) => key.kid)).not.toContain(oldRs256);
    const again = rotateKeyRingDocument(after, dayAfter);
    expect(again.signingKeys!.map((key) => key.kid)).not.toContain(oldRs256);
    expect(again.keys).toHaveLength(3);
  });

  it.each([
    ["a placeholder", '{"placeholder":"x"}'],
    ["a key without a secret", '{"keys":[{"kid":"k1","createdAt":"2026-01-01T00:00:00Z"}]}'],
    ["a key with a short secret", `{"keys":[{"kid":"k1","secret":"${Buffer.alloc(16).toString("base64")}","createdAt":"2026-01-01T00:00:00Z"}]}`],
    ["a key that is a string", '{"keys":["garbage"]}'],
    ["a signing key of another algorithm", `{"keys":[{"kid":"k1","secret":"${Buffer.alloc(32).toString("base64")}","createdAt":"x"}],"signingKeys":[{"kid":"s","alg":"HS256","createdAt":"x","privateJwk":{"d":"x"}}]}`],
    ["not JSON", "{"],
  ])("rejects %s", (_case, text) => {
    expect(parseKeyRingDocument(text)).toBeUndefined();
  });

  /** Runs the rotation script with `input` on standard input. */
  function runScript(input: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = execFile(process.execPath, ["--import", "tsx", "scripts/rotate-key-ring.ts", ...args], { cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.stdin!.end(input);
    return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("rotates a document through the script", async () => {
    const before = newKeyRingDocument(T0);
    const result = await runScript(JSON.stringify(before), "--activate-in", "60");
    expect(result.code).toBe(0);
    const after = parseKeyRingDocument(result.stdout)!;
    expect(after.keys[0]).toEqual(before.keys[0]);
    expect(after.keys).toHaveLength(2);
    const activation = Date.parse(after.keys[1]!.activatesAt!) - Date.now();
    expect(activation).toBeGreaterThan(30_000);
    expect(activation).toBeLessThanOrEqual(60_000);
  });

  it("rejects a broken document in the script", async () => {
    const result = await runScript('{"keys":[{"kid":"x"}]}');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("no valid key ring document");
  });
});
