import type { ActionDefinition, CallContext } from "../../api/action.js";
import { qrCodePng } from "../../federation/mfa/qr-code.js";
import { MAX_SERIAL_NUMBER_LENGTH, mfaDeviceArn, parseMfaDeviceArn } from "../../federation/mfa/serial-number.js";
import { findConsecutiveSteps, generateSeed, totpStep, totpUri } from "../../federation/mfa/totp.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { Tag, UserRecord } from "../../store/entities.js";
import {
  invalidAuthenticationCode,
  type MfaDeviceRecord,
  mfaDeviceInUse,
  mfaDeviceNotFound,
} from "../../store/mfa-device-store.js";
import { authorizeIam, entityArnPrefix } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { checkUniqueTags, renderUser, targetUserName } from "./users.js";

/** The issuer an authenticator app shows for a device scanned from a QR code of ours. */
export const MFA_ISSUER = "Open STS";

/**
 * Maximum length of a device name: with the root path and the `aws` partition, the serial number of
 * such a device is 256 characters, the most the model accepts as a serial number.
 */
export const MAX_VIRTUAL_MFA_DEVICE_NAME_LENGTH = 226;

/**
 * Steps before the current one in which EnableMFADevice looks for its first code: the two codes
 * can be those of the previous and the current step, or of the current and the next.
 */
const ENABLE_STEPS_BEFORE = 1;

/** Steps either side of the current one in which ResyncMFADevice looks for its codes: 10 minutes. */
const RESYNC_WINDOW_STEPS = 20;

interface MfaDeviceInput {
  VirtualMFADeviceName?: string;
  Path?: string;
  Tags?: Tag[];
  TagKeys?: string[];
  UserName?: string;
  SerialNumber?: string;
  AuthenticationCode1?: string;
  AuthenticationCode2?: string;
  AssignmentStatus?: "Assigned" | "Unassigned" | "Any";
  Marker?: string;
  MaxItems?: number;
}

/**
 * Authorizes a device action on the serial number, then finds the device in the caller's
 * account. A serial number that is not a virtual device's ARN names no device, so it is
 * rejected as not found before authorization.
 */
async function authorizeOnDevice(context: CallContext, action: string, serialNumber: string): Promise<MfaDeviceRecord> {
  if (!parseMfaDeviceArn(serialNumber)) throw mfaDeviceNotFound(serialNumber);
  await authorizeIam(context, action, serialNumber);
  const device = await (await context.store.mfaDevices()).findBySerialNumber(context.caller.principal.accountId, serialNumber);
  if (!device) throw mfaDeviceNotFound(serialNumber);
  return device;
}

/** Reads a user, authorizes a user action on its ARN, then rejects a user that does not exist. */
async function authorizeOnUser(context: CallContext, action: string, userName: string): Promise<UserRecord> {
  const user = await context.store.getUser(context.caller.principal.accountId, userName);
  await authorizeIam(context, action, `${entityArnPrefix(context, "user")}${user?.path ?? "/"}${userName}`);
  if (!user) throw new ServiceError("NoSuchEntity", `The user with name ${userName} cannot be found.`);
  return user;
}

/** Finds a device of the caller's account that is enabled for `user`. Any other device is not found. */
async function requireUserDevice(context: CallContext, user: UserRecord, serialNumber: string): Promise<MfaDeviceRecord> {
  const device = await (await context.store.mfaDevices()).findBySerialNumber(context.caller.principal.accountId, serialNumber);
  if (!device || device.assignment?.userId !== user.userId) throw mfaDeviceNotFound(serialNumber);
  return device;
}

function checkDeviceName(name: string): void {
  if ([...name].length > MAX_VIRTUAL_MFA_DEVICE_NAME_LENGTH) {
    throw new ServiceError(
      "ValidationError",
      `1 validation error detected: Value '${name}' at 'virtualMFADeviceName' failed to satisfy constraint: Member must have length less than or equal to ${MAX_VIRTUAL_MFA_DEVICE_NAME_LENGTH}`,
    );
  }
}

function renderTags(tags: readonly Tag[]): XmlObject[] {
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

export const createVirtualMFADevice: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const name = input.VirtualMFADeviceName!;
    const path = input.Path ?? "/";
    const accountId = context.caller.principal.accountId;
    const serialNumber = mfaDeviceArn(context.config.partition, accountId, path, name);
    await authorizeIam(context, "CreateVirtualMFADevice", serialNumber);
    checkDeviceName(name);
    if (serialNumber.length > MAX_SERIAL_NUMBER_LENGTH) {
      // NOTE: IAM's response to a path and name whose serial number exceeds 256 characters is unverified.
      throw new ServiceError(
        "InvalidInput",
        `The serial number ${serialNumber} is longer than ${MAX_SERIAL_NUMBER_LENGTH} characters. Use a shorter path or device name.`,
      );
    }
    const tags = checkUniqueTags(input.Tags);

    const seedBase32 = generateSeed();
    const device = await (await context.store.mfaDevices()).createVirtualMfaDevice(accountId, { name, path, seedBase32, tags }, context.facts.now);
    const uri = totpUri({ seedBase32, issuer: MFA_ISSUER, accountName: `${name}@${accountId}` });
    // Both values are blobs, which the Query protocol sends base64-encoded. The seed blob is the base32 text.
    const qrCode = await qrCodePng(uri);
    return {
      result: {
        VirtualMFADevice: {
          SerialNumber: device.serialNumber,
          Base32StringSeed: Buffer.from(seedBase32, "ascii").toString("base64"),
          QRCodePNG: qrCode.toString("base64"),
          ...(device.tags.length > 0 ? { Tags: renderTags(device.tags) } : {}),
        },
      },
      responseElements: { virtualMFADevice: { serialNumber: device.serialNumber } },
    };
  },
};

export const enableMFADevice: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const user = await authorizeOnUser(context, "EnableMFADevice", input.UserName!);
    const serialNumber = input.SerialNumber!;
    const device = await (await context.store.mfaDevices()).findBySerialNumber(user.accountId, serialNumber);
    if (!device) throw mfaDeviceNotFound(serialNumber);
    if (device.assignment) throw mfaDeviceInUse();

    const seed = await (await context.store.mfaDevices()).openSeed(device);
    const current = totpStep(context.facts.now);
    const firstStep = findConsecutiveSteps(
      seed,
      input.AuthenticationCode1!,
      input.AuthenticationCode2!,
      Math.max(current - ENABLE_STEPS_BEFORE, device.lastStep + 1),
      current,
    );
    if (firstStep === undefined) throw invalidAuthenticationCode();
    await (await context.store.mfaDevices()).enableMfaDevice(device, user, { firstStep, lastStep: firstStep + 1 }, context.facts.now);
    return {};
  },
};

export const resyncMFADevice: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const user = await authorizeOnUser(context, "ResyncMFADevice", input.UserName!);
    const device = await requireUserDevice(context, user, input.SerialNumber!);

    const seed = await (await context.store.mfaDevices()).openSeed(device);
    const current = totpStep(context.facts.now);
    const firstStep = findConsecutiveSteps(
      seed,
      input.AuthenticationCode1!,
      input.AuthenticationCode2!,
      Math.max(current - RESYNC_WINDOW_STEPS, device.lastStep + 1),
      current + RESYNC_WINDOW_STEPS,
    );
    if (firstStep === undefined) throw invalidAuthenticationCode();
    // The second code is the one the device shows now, so its step is the device's current step.
    const lastStep = firstStep + 1;
    const resynced = await (await context.store.mfaDevices()).resyncMfaDevice(device, user.userId, { firstStep, lastStep }, lastStep - current);
    if (!resynced) throw invalidAuthenticationCode();
    return {};
  },
};

/**
 * Authorizes an action on the device of a user, the caller when UserName is absent, and returns
 * both. Only IAM users have devices here, so for the account's root the device is not found.
 */
async function authorizeOnUserDevice(context: CallContext, action: string, input: MfaDeviceInput) {
  const serialNumber = input.SerialNumber!;
  const userName = targetUserName(context, input.UserName);
  if (userName === undefined) {
    await authorizeIam(context, action, context.caller.principal.arn);
    throw mfaDeviceNotFound(serialNumber);
  }
  const user = await authorizeOnUser(context, action, userName);
  return { user, device: await requireUserDevice(context, user, serialNumber) };
}

export const deactivateMFADevice: ActionDefinition = {
  async run(raw, context) {
    const { user, device } = await authorizeOnUserDevice(context, "DeactivateMFADevice", raw as MfaDeviceInput);
    await (await context.store.mfaDevices()).deactivateMfaDevice(device, user);
    return {};
  },
};

export const deleteVirtualMFADevice: ActionDefinition = {
  async run(raw, context) {
    const device = await authorizeOnDevice(context, "DeleteVirtualMFADevice", (raw as MfaDeviceInput).SerialNumber!);
    await (await context.store.mfaDevices()).deleteVirtualMfaDevice(device);
    return {};
  },
};

export const getMFADevice: ActionDefinition = {
  async run(raw, context) {
    const { user, device } = await authorizeOnUserDevice(context, "GetMFADevice", raw as MfaDeviceInput);
    return {
      result: { UserName: user.userName, SerialNumber: device.serialNumber, EnableDate: new Date(device.assignment!.enableDate) },
    };
  },
};

export const listMFADevices: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const userName = targetUserName(context, input.UserName);
    if (userName === undefined) {
      // The account's root has no devices here.
      await authorizeIam(context, "ListMFADevices", context.caller.principal.arn);
      return { result: { MFADevices: [], IsTruncated: false } };
    }
    const user = await authorizeOnUser(context, "ListMFADevices", userName);
    const devices = await (await context.store.mfaDevices()).listUserMfaDevices(user.accountId, user.userId);
    const page = paginate(devices, (device) => device.name.toLowerCase(), input.Marker, input.MaxItems);
    return {
      result: {
        MFADevices: page.items.map((device) => ({
          UserName: user.userName,
          SerialNumber: device.serialNumber,
          EnableDate: new Date(device.assignment!.enableDate),
        })),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      },
    };
  },
};

export const listVirtualMFADevices: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    // IAM authorizes this action on no particular resource.
    await authorizeIam(context, "ListVirtualMFADevices", "*");
    const accountId = context.caller.principal.accountId;
    const status = input.AssignmentStatus ?? "Any";
    const devices = (await (await context.store.mfaDevices()).listMfaDevices(accountId)).filter(
      (device) => status === "Any" || (status === "Assigned") === (device.assignment !== undefined),
    );
    const page = paginate(devices, (device) => device.name.toLowerCase(), input.Marker, input.MaxItems);
    const rendered = await Promise.all(page.items.map((device) => renderVirtualDevice(context, device)));
    return { result: { VirtualMFADevices: rendered, IsTruncated: page.isTruncated, Marker: page.marker } };
  },
};

/** Renders a device as ListVirtualMFADevices lists it: no seed, no tags, and the user it is enabled for. */
async function renderVirtualDevice(context: CallContext, device: MfaDeviceRecord): Promise<XmlObject> {
  const assignment = device.assignment;
  if (!assignment) return { SerialNumber: device.serialNumber };
  const user = await context.store.getUser(device.accountId, assignment.userName);
  return {
    SerialNumber: device.serialNumber,
    ...(user?.userId === assignment.userId ? { User: renderUser(user, false) } : {}),
    EnableDate: new Date(assignment.enableDate),
  };
}

export const tagMFADevice: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const device = await authorizeOnDevice(context, "TagMFADevice", input.SerialNumber!);
    await (await context.store.mfaDevices()).tagMfaDevice(device, checkUniqueTags(input.Tags));
    return {};
  },
};

export const untagMFADevice: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const device = await authorizeOnDevice(context, "UntagMFADevice", input.SerialNumber!);
    await (await context.store.mfaDevices()).untagMfaDevice(device, input.TagKeys ?? []);
    return {};
  },
};

export const listMFADeviceTags: ActionDefinition = {
  async run(raw, context) {
    const input = raw as MfaDeviceInput;
    const device = await authorizeOnDevice(context, "ListMFADeviceTags", input.SerialNumber!);
    const page = paginate(device.tags, (tag) => tag.Key.toLowerCase(), input.Marker, input.MaxItems);
    return { result: { Tags: renderTags(page.items), IsTruncated: page.isTruncated, Marker: page.marker } };
  },
};
