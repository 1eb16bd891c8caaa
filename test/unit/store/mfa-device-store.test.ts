import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateMfa } from "../../../shared/federation/mfa/authenticate-mfa.js";
import { generateSeed, totpStep } from "../../../shared/federation/mfa/totp.js";
import type { ServiceError } from "../../../shared/protocol/errors.js";
import type { UserRecord } from "../../../shared/store/entities.js";
import { accountPk, mfaDeviceSk, userSk } from "../../../shared/store/keys.js";
import { MFA_DEVICES_PER_USER, type MfaDeviceRecord, type MfaDeviceStore } from "../../../shared/store/mfa-device-store.js";
import { type InProcessService, startInProcessService } from "../../support/in-process.js";
import { codeAt } from "../../support/totp.js";

const NOW = new Date("2026-05-01T12:00:10Z");
const STEP = totpStep(NOW);

function codeOf(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === "rejected" ? (result.reason as ServiceError).code : undefined;
}

describe("MfaDeviceStore on the embedded store", () => {
  let service: InProcessService;
  let store: MfaDeviceStore;
  let accountNumber = 200000000000;

  beforeAll(async () => {
    service = await startInProcessService(NOW);
    store = (await service.store.mfaDevices());
  });
  afterAll(async () => {
    await service.close();
  });

  /** Creates a fresh account with one user and one device enabled for that user at STEP - 1 and STEP. */
  async function enabledDevice(name = "phone"): Promise<{ accountId: string; user: UserRecord; device: MfaDeviceRecord; seed: string }> {
    const accountId = String(++accountNumber);
    const user = await service.store.createUser(accountId, { userName: "alice", path: "/", tags: [] }, NOW);
    const seed = generateSeed();
    const created = await store.createVirtualMfaDevice(accountId, { name, path: "/", seedBase32: seed, tags: [] }, NOW);
    await store.enableMfaDevice(created, user, { firstStep: STEP - 1, lastStep: STEP }, NOW);
    const device = (await store.getMfaDevice(accountId, name))!;
    return { accountId, user, device, seed };
  }

  const authenticate = (accountId: string, serialNumber: string, tokenCode: string, now = NOW, userName = "alice") =>
    authenticateMfa(service.store, { accountId, userName, serialNumber, tokenCode, now });

  it("stores the seed sealed", async () => {
    const accountId = String(++accountNumber);
    const seed = generateSeed();
    const device = await store.createVirtualMfaDevice(accountId, { name: "Sealed", path: "/team/", seedBase32: seed, tags: [] }, NOW);

    expect(device.serialNumber).toBe(`arn:aws:iam::${accountId}:mfa/team/Sealed`);
    const item = (await service.table.get(accountPk(accountId), mfaDeviceSk("Sealed")))!;
    expect(JSON.stringify(item)).not.toContain(seed);
    expect(String(item.sealedSeed).split(".")).toHaveLength(5);
    expect(await store.openSeed(device)).toBe(seed);
  });

  it("rejects a seed moved to another device", async () => {
    const accountId = String(++accountNumber);
    const first = await store.createVirtualMfaDevice(accountId, { name: "first", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);
    const second = await store.createVirtualMfaDevice(accountId, { name: "second", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);
    const firstItem = (await service.table.get(accountPk(accountId), mfaDeviceSk("first")))!;
    await service.table.update(accountPk(accountId), mfaDeviceSk("second"), "SET sealedSeed = :sealed", {
      values: { ":sealed": String(firstItem.sealedSeed) },
    });

    await expect(store.openSeed(first)).resolves.toMatch(/^[A-Z2-7]{32}$/);
    await expect(store.openSeed(second)).rejects.toMatchObject({ code: "InternalFailure" });
  });

  it("rejects a second device of one name in any case", async () => {
    const accountId = String(++accountNumber);
    await store.createVirtualMfaDevice(accountId, { name: "Phone", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);

    await expect(
      store.createVirtualMfaDevice(accountId, { name: "PHONE", path: "/other/", seedBase32: generateSeed(), tags: [] }, NOW),
    ).rejects.toMatchObject({ code: "EntityAlreadyExists" });
  });

  it("accepts one of 20 concurrent uses of a code", async () => {
    const { accountId, device, seed } = await enabledDevice();
    const code = codeAt(seed, STEP + 1);

    const outcomes = await Promise.all(Array.from({ length: 20 }, () => authenticate(accountId, device.serialNumber, code)));

    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === "invalid-code")).toHaveLength(19);
    expect((await store.getMfaDevice(accountId, "phone"))?.lastStep).toBe(STEP + 1);
  });

  it("rejects a code older than an accepted one", async () => {
    const { accountId, device, seed } = await enabledDevice();
    const later = new Date(NOW.getTime() + 60_000);

    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 2), later)).toEqual({ ok: true });
    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 1), later)).toEqual({ ok: false, reason: "invalid-code" });
  });

  it("rejects the codes that enabled the device", async () => {
    const { accountId, device, seed } = await enabledDevice();

    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP))).toEqual({ ok: false, reason: "invalid-code" });
    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP - 1))).toEqual({ ok: false, reason: "invalid-code" });
  });

  it.each([
    { offset: -2, ok: false },
    { offset: -1, ok: true },
    { offset: 0, ok: true },
    { offset: 1, ok: true },
    { offset: 2, ok: false },
  ])("decides a code $offset steps from the clock", async ({ offset, ok }) => {
    const { accountId, device, seed } = await enabledDevice();
    const later = new Date(NOW.getTime() + 5 * 30_000);

    const outcome = await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 5 + offset), later);

    expect(outcome.ok).toBe(ok);
  });

  it("shifts the window by the stored drift", async () => {
    const { accountId, user, device, seed } = await enabledDevice();
    expect(await store.resyncMfaDevice(device, user.userId, { firstStep: STEP + 9, lastStep: STEP + 10 }, 10)).toBe(true);

    const synced = (await store.getMfaDevice(accountId, "phone"))!;
    expect(synced.driftSteps).toBe(10);
    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 1))).toEqual({ ok: false, reason: "invalid-code" });
    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 11))).toEqual({ ok: true });
  });

  it("rejects a resync with steps already accepted", async () => {
    const { device, user } = await enabledDevice();

    expect(await store.resyncMfaDevice(device, user.userId, { firstStep: STEP, lastStep: STEP + 1 }, 1)).toBe(false);
  });

  it("reports devices it cannot use as unknown", async () => {
    const { accountId, device, seed } = await enabledDevice();
    const code = codeAt(seed, STEP + 1);
    const unassigned = await store.createVirtualMfaDevice(accountId, { name: "spare", path: "/", seedBase32: seed, tags: [] }, NOW);
    await service.store.createUser(accountId, { userName: "bob", path: "/", tags: [] }, NOW);
    const unknown = { ok: false, reason: "unknown-device" };

    expect(await authenticate(accountId, `arn:aws:iam::${accountId}:mfa/absent`, code)).toEqual(unknown);
    expect(await authenticate(accountId, "GAHT12345678", code)).toEqual(unknown);
    expect(await authenticate(accountId, unassigned.serialNumber, code)).toEqual(unknown);
    expect(await authenticate(accountId, device.serialNumber, code, NOW, "bob")).toEqual(unknown);
    expect(await authenticate(accountId, `arn:aws:iam::${accountId}:mfa/other/phone`, code)).toEqual(unknown);
    expect(await authenticate("999999999999", device.serialNumber, code)).toEqual(unknown);
    expect(await authenticate(accountId, device.serialNumber, "000000" === code ? "111111" : "000000")).toEqual({ ok: false, reason: "invalid-code" });
  });

  it("refuses to delete a user with an enabled device", async () => {
    const { accountId } = await enabledDevice();
    await expect(service.store.deleteUser(accountId, "alice")).rejects.toMatchObject({
      code: "DeleteConflict",
      message: "Cannot delete entity, must delete MFA device first.",
    });
  });

  it("ignores a device of a deleted user under a re-created name", async () => {
    const { accountId, device, seed } = await enabledDevice();
    // The user item is removed behind the store's back, as a deletion racing the enable could
    // have left it before the store's deletion checked the device count.
    await service.table.delete(accountPk(accountId), userSk("alice"));
    await service.store.createUser(accountId, { userName: "alice", path: "/", tags: [] }, NOW);

    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 1))).toEqual({ ok: false, reason: "unknown-device" });
  });

  it("enables one of two concurrent requests for a device", async () => {
    const accountId = String(++accountNumber);
    const alice = await service.store.createUser(accountId, { userName: "alice", path: "/", tags: [] }, NOW);
    const bob = await service.store.createUser(accountId, { userName: "bob", path: "/", tags: [] }, NOW);
    const device = await store.createVirtualMfaDevice(accountId, { name: "shared", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);
    const steps = { firstStep: STEP - 1, lastStep: STEP };

    const results = await Promise.allSettled([alice, bob].map((user) => store.enableMfaDevice(device, user, steps, NOW)));

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((result) => codeOf(result) === "EntityAlreadyExists")).toHaveLength(1);
    const counts = await Promise.all(["alice", "bob"].map(async (name) => (await service.table.get(accountPk(accountId), userSk(name)))?.mfaDeviceCount));
    expect(counts.sort()).toEqual([0, 1]);
  });

  it("enforces the device quota under concurrency", async () => {
    const accountId = String(++accountNumber);
    const user = await service.store.createUser(accountId, { userName: "alice", path: "/", tags: [] }, NOW);
    const devices = await Promise.all(
      Array.from({ length: MFA_DEVICES_PER_USER + 3 }, (_, index) =>
        store.createVirtualMfaDevice(accountId, { name: `device-${index}`, path: "/", seedBase32: generateSeed(), tags: [] }, NOW),
      ),
    );

    const results = await Promise.allSettled(devices.map((device) => store.enableMfaDevice(device, user, { firstStep: STEP - 1, lastStep: STEP }, NOW)));

    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(MFA_DEVICES_PER_USER);
    expect(results.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(3);
    expect(await store.listUserMfaDevices(accountId, user.userId)).toHaveLength(MFA_DEVICES_PER_USER);
    expect((await service.table.get(accountPk(accountId), userSk("alice")))?.mfaDeviceCount).toBe(MFA_DEVICES_PER_USER);
  });

  it("keeps the last step when a device is deactivated", async () => {
    const { accountId, user, device, seed } = await enabledDevice();
    await store.deactivateMfaDevice(device, user);

    const deactivated = (await store.getMfaDevice(accountId, "phone"))!;
    expect(deactivated.assignment).toBeUndefined();
    expect(deactivated.lastStep).toBe(STEP);
    expect((await service.table.get(accountPk(accountId), userSk("alice")))?.mfaDeviceCount).toBe(0);
    // Enabling it again with the codes used before fails, because those steps were accepted.
    await expect(store.enableMfaDevice(deactivated, user, { firstStep: STEP - 1, lastStep: STEP }, NOW)).rejects.toMatchObject({
      code: "InvalidAuthenticationCode",
    });
    await store.enableMfaDevice(deactivated, user, { firstStep: STEP + 1, lastStep: STEP + 2 }, NOW);
    expect(await authenticate(accountId, device.serialNumber, codeAt(seed, STEP + 1))).toEqual({ ok: false, reason: "invalid-code" });
  });

  it("rejects deleting an assigned device", async () => {
    const { device } = await enabledDevice();

    await expect(store.deleteVirtualMfaDevice(device)).rejects.toMatchObject({ code: "DeleteConflict" });
  });

  it("never changes a device re-created under the same name", async () => {
    const accountId = String(++accountNumber);
    const user = await service.store.createUser(accountId, { userName: "alice", path: "/", tags: [] }, NOW);
    const old = await store.createVirtualMfaDevice(accountId, { name: "phone", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);
    await store.deleteVirtualMfaDevice(old);
    await store.createVirtualMfaDevice(accountId, { name: "phone", path: "/", seedBase32: generateSeed(), tags: [] }, NOW);

    await expect(store.enableMfaDevice(old, user, { firstStep: STEP - 1, lastStep: STEP }, NOW)).rejects.toMatchObject({ code: "NoSuchEntity" });
    expect((await store.getMfaDevice(accountId, "phone"))?.assignment).toBeUndefined();
    expect((await service.table.get(accountPk(accountId), userSk("alice")))?.mfaDeviceCount).toBe(0);
  });
});
