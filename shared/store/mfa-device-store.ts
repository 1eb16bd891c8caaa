import { randomUUID } from "node:crypto";
import type { KeyRing } from "../credentials/keyring.js";
import { open, seal } from "../credentials/sealed.js";
import { mfaDeviceArn, parseMfaDeviceArn } from "../federation/mfa/serial-number.js";
import { ServiceError } from "../protocol/errors.js";
import type { Plain } from "./attributes.js";
import type { Tag, UserRecord } from "./entities.js";
import { accountPk, MFA_DEVICE_PREFIX, mfaDeviceSk, userSk } from "./keys.js";
import { ConditionFailed, type Table } from "./table.js";
import { addTags, plainMap, removeTags, sortTags } from "./tag-map.js";

/** IAM's quotas: MFA devices in use per user, and tags per MFA device. */
export const MFA_DEVICES_PER_USER = 8;
export const TAGS_PER_MFA_DEVICE = 50;

/** `lastStep` of a device that has accepted no code yet. Steps of real times are positive. */
const NO_STEP = -1;

export interface NewVirtualMfaDevice {
  name: string;
  path: string;
  /** The TOTP seed in base32. It is stored sealed under the key ring and never in plain text. */
  seedBase32: string;
  tags: readonly Tag[];
}

/** The user a device is enabled for. The user id tells a deleted and re-created user of the same name apart. */
export interface MfaDeviceAssignment {
  userName: string;
  userId: string;
  enableDate: string;
}

/** A virtual MFA device as stored, without its seed. */
export interface MfaDeviceRecord {
  accountId: string;
  serialNumber: string;
  name: string;
  path: string;
  createDate: string;
  /** Tags in the order of their lower-cased keys. */
  tags: Tag[];
  /** Absent while the device is unassigned. */
  assignment?: MfaDeviceAssignment;
  /** The highest TOTP step accepted so far. A code of this step or an earlier one is never accepted again. */
  lastStep: number;
  /** Steps by which the device's clock runs ahead of ours (behind when negative), as measured by ResyncMFADevice. */
  driftSteps: number;
  /** A random id given at creation, so that a write based on one read never lands on a device re-created under the same name. */
  deviceId: string;
}

export interface MfaDeviceStoreOptions {
  partition: string;
}

/**
 * Repository of the virtual MFA devices of each account, one item per device. A device name is
 * unique in its account regardless of case and path. Every change that depends on what was read
 * is a conditional write on the device's random id, so a device deleted and re-created between
 * the read and the write is never changed. Accepting a TOTP code raises `lastStep` under the
 * condition `lastStep < step`, so of concurrent requests with one code exactly one succeeds.
 * The number of devices enabled for a user is a counter on the user's item, raised under a
 * condition that enforces the quota.
 */
export class MfaDeviceStore {
  constructor(
    private readonly table: Table,
    private readonly ring: KeyRing,
    private readonly options: MfaDeviceStoreOptions,
  ) {}

  async createVirtualMfaDevice(accountId: string, device: NewVirtualMfaDevice, now: Date): Promise<MfaDeviceRecord> {
    const record: MfaDeviceRecord = {
      accountId,
      serialNumber: mfaDeviceArn(this.options.partition, accountId, device.path, device.name),
      name: device.name,
      path: device.path,
      createDate: now.toISOString(),
      tags: sortTags(device.tags),
      lastStep: NO_STEP,
      driftSteps: 0,
      deviceId: randomUUID(),
    };
    // The serial number and device id inside the seal tie the seed to this device, so a sealed seed copied to another item does not open.
    const sealedSeed = await seal(this.ring, "secret-at-rest", {
      serialNumber: record.serialNumber,
      deviceId: record.deviceId,
      seed: device.seedBase32,
    });
    try {
      await this.table.put(
        { pk: accountPk(accountId), sk: mfaDeviceSk(device.name), ...deviceToItem(record), sealedSeed },
        { condition: "attribute_not_exists(pk)" },
      );
    } catch (error) {
      if (error instanceof ConditionFailed) {
        // NOTE: IAM's message names path and name. Here the name alone must be unique, because a device is found by name.
        throw new ServiceError("EntityAlreadyExists", "MFADevice entity at the same path and name already exists.");
      }
      throw error;
    }
    return record;
  }

  /** Finds a device by name, regardless of case, with a consistent read. */
  async getMfaDevice(accountId: string, name: string): Promise<MfaDeviceRecord | undefined> {
    const item = await this.table.get(accountPk(accountId), mfaDeviceSk(name));
    return item ? deviceFromItem(item) : undefined;
  }

  /**
   * Finds a device of `accountId` by serial number. A serial number of another account or
   * partition, or one whose path differs from the device's, names no device.
   */
  async findBySerialNumber(accountId: string, serialNumber: string): Promise<MfaDeviceRecord | undefined> {
    const parsed = parseMfaDeviceArn(serialNumber);
    if (!parsed || parsed.partition !== this.options.partition || parsed.accountId !== accountId) return undefined;
    const device = await this.getMfaDevice(accountId, parsed.name);
    return device?.path === parsed.path ? device : undefined;
  }

  /** Opens a device's seed. The result is a secret: never render or log it. */
  async openSeed(device: MfaDeviceRecord): Promise<string> {
    const item = await this.table.get(accountPk(device.accountId), mfaDeviceSk(device.name));
    const opened = typeof item?.sealedSeed === "string" ? await open(this.ring, "secret-at-rest", item.sealedSeed) : undefined;
    const payload = opened?.payload as { serialNumber?: unknown; deviceId?: unknown; seed?: unknown } | undefined;
    if (payload?.serialNumber !== device.serialNumber || payload.deviceId !== device.deviceId || typeof payload.seed !== "string") {
      throw new ServiceError("InternalFailure", `The stored seed of MFA device ${device.serialNumber} could not be opened with the key ring.`);
    }
    return payload.seed;
  }

  /** Lists an account's devices in the order of their lower-cased names. */
  async listMfaDevices(accountId: string): Promise<MfaDeviceRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), MFA_DEVICE_PREFIX);
    return items.map(deviceFromItem);
  }

  /** Lists the devices enabled for a user, in the order of their lower-cased names. */
  async listUserMfaDevices(accountId: string, userId: string): Promise<MfaDeviceRecord[]> {
    return (await this.listMfaDevices(accountId)).filter((device) => device.assignment?.userId === userId);
  }

  /** Deletes an unassigned device. */
  async deleteVirtualMfaDevice(device: MfaDeviceRecord): Promise<void> {
    try {
      await this.table.delete(accountPk(device.accountId), mfaDeviceSk(device.name), {
        condition: "deviceId = :deviceId AND attribute_not_exists(userId)",
        values: { ":deviceId": device.deviceId },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const current = await this.getMfaDevice(device.accountId, device.name);
      if (current?.deviceId !== device.deviceId) throw mfaDeviceNotFound(device.serialNumber);
      throw new ServiceError("DeleteConflict", "MFA VirtualDevice in use. Must deactivate first.");
    }
  }

  /**
   * Assigns a device to a user whose codes of `firstStep` and `lastStep` were checked against
   * the device's seed. The user's device count is raised first, under the quota. The device is
   * then assigned under conditions that it is still unassigned and that neither step was
   * accepted before, and the count is lowered again when that write fails.
   */
  async enableMfaDevice(device: MfaDeviceRecord, user: UserRecord, steps: { firstStep: number; lastStep: number }, now: Date): Promise<void> {
    await this.reserveDeviceSlot(user);
    try {
      await this.table.update(
        accountPk(device.accountId),
        mfaDeviceSk(device.name),
        "SET userName = :userName, userId = :userId, enableDate = :now, lastStep = :lastStep, driftSteps = :zero",
        {
          condition: "deviceId = :deviceId AND attribute_not_exists(userId) AND lastStep < :firstStep",
          values: {
            ":userName": user.userName,
            ":userId": user.userId,
            ":now": now.toISOString(),
            ":lastStep": steps.lastStep,
            ":zero": 0,
            ":deviceId": device.deviceId,
            ":firstStep": steps.firstStep,
          },
        },
      );
    } catch (error) {
      await this.releaseDeviceSlot(user);
      if (!(error instanceof ConditionFailed)) throw error;
      const current = await this.getMfaDevice(device.accountId, device.name);
      if (current?.deviceId !== device.deviceId) throw mfaDeviceNotFound(device.serialNumber);
      if (current.assignment) throw mfaDeviceInUse();
      throw invalidAuthenticationCode();
    }
  }

  /** Unassigns a device from a user and keeps it, with its last accepted step, for later use. */
  async deactivateMfaDevice(device: MfaDeviceRecord, user: UserRecord): Promise<void> {
    try {
      await this.table.update(
        accountPk(device.accountId),
        mfaDeviceSk(device.name),
        "REMOVE userName, userId, enableDate SET driftSteps = :zero",
        {
          condition: "deviceId = :deviceId AND userId = :userId",
          values: { ":zero": 0, ":deviceId": device.deviceId, ":userId": user.userId },
        },
      );
    } catch (error) {
      if (error instanceof ConditionFailed) throw mfaDeviceNotFound(device.serialNumber);
      throw error;
    }
    await this.releaseDeviceSlot(user);
  }

  /**
   * Records `step` as accepted for the device's user when it is above the last accepted step.
   * Returns false when the device changed hands or a code of this step or a later one was
   * accepted first, so each code counts once even across concurrent requests.
   */
  async acceptStep(device: MfaDeviceRecord, userId: string, step: number): Promise<boolean> {
    try {
      await this.table.update(accountPk(device.accountId), mfaDeviceSk(device.name), "SET lastStep = :step", {
        condition: "deviceId = :deviceId AND userId = :userId AND lastStep < :step",
        values: { ":step": step, ":deviceId": device.deviceId, ":userId": userId },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /**
   * Stores the clock drift that ResyncMFADevice measured, and accepts the two steps it received,
   * under the same conditions as `acceptStep`. Returns false when that condition fails.
   */
  async resyncMfaDevice(device: MfaDeviceRecord, userId: string, steps: { firstStep: number; lastStep: number }, driftSteps: number): Promise<boolean> {
    try {
      await this.table.update(accountPk(device.accountId), mfaDeviceSk(device.name), "SET lastStep = :lastStep, driftSteps = :drift", {
        condition: "deviceId = :deviceId AND userId = :userId AND lastStep < :firstStep",
        values: {
          ":lastStep": steps.lastStep,
          ":drift": driftSteps,
          ":deviceId": device.deviceId,
          ":userId": userId,
          ":firstStep": steps.firstStep,
        },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /** Adds tags, replacing the value of a key the device has (keys match regardless of case). */
  async tagMfaDevice(device: MfaDeviceRecord, tags: readonly Tag[]): Promise<void> {
    await addTags({ ...this.tagTarget(device), quota: TAGS_PER_MFA_DEVICE, quotaName: "TagsPerMFADevice" }, tags);
  }

  /** Removes tags by key, regardless of case. Keys that the device does not have are ignored. */
  async untagMfaDevice(device: MfaDeviceRecord, tagKeys: readonly string[]): Promise<void> {
    await removeTags(this.tagTarget(device), tagKeys);
  }

  private tagTarget(device: MfaDeviceRecord) {
    return {
      table: this.table,
      pk: accountPk(device.accountId),
      sk: mfaDeviceSk(device.name),
      notFound: () => mfaDeviceNotFound(device.serialNumber),
    };
  }

  /**
   * Raises the count of devices enabled for a user, on the user's item. The condition on the
   * user id fails for a user deleted since it was read, even when one of the same name exists.
   */
  private async reserveDeviceSlot(user: UserRecord): Promise<void> {
    try {
      await this.table.update(accountPk(user.accountId), userSk(user.userName), "ADD mfaDeviceCount :one", {
        condition: "userId = :userId AND (attribute_not_exists(mfaDeviceCount) OR mfaDeviceCount < :max)",
        values: { ":one": 1, ":userId": user.userId, ":max": MFA_DEVICES_PER_USER },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const item = await this.table.get(accountPk(user.accountId), userSk(user.userName));
      if (item?.userId !== user.userId) throw new ServiceError("NoSuchEntity", `The user with name ${user.userName} cannot be found.`);
      throw new ServiceError("LimitExceeded", `Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`);
    }
  }

  /**
   * Lowers a user's device count. NOTE: a process that stops between raising the count and
   * assigning the device, or between unassigning and this call, leaves the count one too high,
   * which lowers that user's quota by one.
   */
  private async releaseDeviceSlot(user: UserRecord): Promise<void> {
    try {
      await this.table.update(accountPk(user.accountId), userSk(user.userName), "ADD mfaDeviceCount :minusOne", {
        condition: "userId = :userId AND mfaDeviceCount > :zero",
        values: { ":minusOne": -1, ":userId": user.userId, ":zero": 0 },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
}

/** Builds the NoSuchEntity error for a serial number that names no device of the caller's account. */
export function mfaDeviceNotFound(serialNumber: string): ServiceError {
  return new ServiceError("NoSuchEntity", `VirtualMFADevice with serial number ${serialNumber} doesn't exist.`);
}

export function mfaDeviceInUse(): ServiceError {
  // NOTE: IAM's wording for enabling a device that is already assigned is unverified.
  return new ServiceError("EntityAlreadyExists", "MFA device is already in use.");
}

/** Builds IAM's error for codes that do not match the device, or that were accepted before. */
export function invalidAuthenticationCode(): ServiceError {
  return new ServiceError("InvalidAuthenticationCode", "Authentication code for device is not valid.");
}

/** Tags are a map keyed by lower-cased key, for single-entry updates. The assignment is flat, so a condition can name `userId`. */
function deviceToItem(record: MfaDeviceRecord): Record<string, Plain> {
  return {
    accountId: record.accountId,
    serialNumber: record.serialNumber,
    name: record.name,
    path: record.path,
    createDate: record.createDate,
    tags: Object.fromEntries(record.tags.map((tag) => [tag.Key.toLowerCase(), { Key: tag.Key, Value: tag.Value }])),
    lastStep: record.lastStep,
    driftSteps: record.driftSteps,
    deviceId: record.deviceId,
    ...(record.assignment ? { ...record.assignment } : {}),
  };
}

function deviceFromItem(item: Record<string, Plain>): MfaDeviceRecord {
  const tags = Object.values(plainMap(item.tags)).map((value) => {
    const tag = value as Record<string, Plain>;
    return { Key: String(tag.Key), Value: String(tag.Value) };
  });
  return {
    accountId: String(item.accountId),
    serialNumber: String(item.serialNumber),
    name: String(item.name),
    path: String(item.path),
    createDate: String(item.createDate),
    tags: sortTags(tags),
    ...(typeof item.userId === "string"
      ? { assignment: { userName: String(item.userName), userId: item.userId, enableDate: String(item.enableDate) } }
      : {}),
    lastStep: Number(item.lastStep),
    driftSteps: Number(item.driftSteps ?? 0),
    deviceId: String(item.deviceId),
  };
}
