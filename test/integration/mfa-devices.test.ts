import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  EnableMFADeviceCommand,
  type IAMClient,
  ListMFADevicesCommand,
  ListMFADeviceTagsCommand,
  ListVirtualMFADevicesCommand,
  PutUserPolicyCommand,
  type Tag,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, type CliResult, type Credentials, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient } from "../support/sdk.js";
import { awayFromStepEdge, codeAt, decodeBase32, stepAt } from "../support/totp.js";

const ACCOUNT = "000000000000";
const MFA_ARN = `arn:aws:iam::${ACCOUNT}:mfa`;
const INVALID_CODE_MESSAGE = "Authentication code for device is not valid.";
/** Time an AWS CLI call may take on a busy machine; codes are computed only when this much of their step is left. */
const STEP_MARGIN_MS = 10_000;

interface Device {
  serialNumber: string;
  seed: string;
}

interface SdkFailure {
  name: string;
  message: string;
  status: number | undefined;
}

async function failureOf(promise: Promise<unknown>): Promise<SdkFailure> {
  try {
    await promise;
  } catch (error) {
    const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, message: failure.message, status: failure.$metadata?.httpStatusCode };
  }
  throw new Error("the request succeeded");
}

/** Returns the codes of the current step plus each offset, once the step has enough time left. */
async function codesAt(seed: string, ...offsets: number[]): Promise<string[]> {
  await awayFromStepEdge(STEP_MARGIN_MS);
  const step = stepAt(Date.now());
  return offsets.map((offset) => codeAt(seed, step + offset));
}

// Each AWS CLI call starts a Python process, so the CLI runs only the action under test. Setup
// and read-back go through the JS SDK, and independent tests run concurrently.
describe("virtual MFA devices", () => {
  let host: RunningHost;
  let iam: IAMClient;
  let outDir: string;
  /** Every seed the tests received, for the check that none reached the host's output. */
  const seeds: string[] = [];
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);

  const createUser = async (userName: string): Promise<void> => {
    await iam.send(new CreateUserCommand({ UserName: userName }));
  };
  const createDevice = async (name: string, path?: string, tags?: Tag[]): Promise<Device> => {
    const created = (await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Path: path, Tags: tags }))).VirtualMFADevice!;
    const seed = Buffer.from(created.Base32StringSeed!).toString("ascii");
    seeds.push(seed);
    return { serialNumber: created.SerialNumber!, seed };
  };
  const enable = async (userName: string, device: Device): Promise<void> => {
    const [code1, code2] = await codesAt(device.seed, -1, 0);
    await iam.send(new EnableMFADeviceCommand({ UserName: userName, SerialNumber: device.serialNumber, AuthenticationCode1: code1, AuthenticationCode2: code2 }));
  };
  const enableWithCli = (userName: string, serialNumber: string, code1: string, code2: string): Promise<CliResult> =>
    aws("iam", "enable-mfa-device", "--user-name", userName, "--serial-number", serialNumber, "--authentication-code1", code1, "--authentication-code2", code2);
  const userDevices = async (userName: string): Promise<string[]> =>
    ((await iam.send(new ListMFADevicesCommand({ UserName: userName }))).MFADevices ?? []).map((device) => device.SerialNumber!);

  beforeAll(async () => {
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
    outDir = await mkdtemp(join(tmpdir(), "open-sts-mfa-"));
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
    await rm(outDir, { recursive: true, force: true });
  });

  describe.concurrent("through the AWS CLI", () => {
    it("manages a device through its life cycle", async () => {
      await createUser("cycle-user");
      const seedFile = join(outDir, "cycle-seed.txt");
      const created = await aws(
        "iam", "create-virtual-mfa-device",
        "--virtual-mfa-device-name", "cycle-phone",
        "--path", "/team/",
        "--tags", "Key=owner,Value=cycle",
        "--outfile", seedFile,
        "--bootstrap-method", "Base32StringSeed",
      );
      expect(created.exitCode).toBe(0);
      const serialNumber = `${MFA_ARN}/team/cycle-phone`;
      expect(created.json.VirtualMFADevice.SerialNumber).toBe(serialNumber);
      expect(created.json.VirtualMFADevice.Tags).toEqual([{ Key: "owner", Value: "cycle" }]);
      const seed = await readFile(seedFile, "ascii");
      seeds.push(seed);
      expect(seed).toMatch(/^[A-Z2-7]{32}$/);
      expect(decodeBase32(seed)).toHaveLength(20);

      const unassigned = await aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned");
      expect(unassigned.json.VirtualMFADevices).toContainEqual({ SerialNumber: serialNumber });

      const [code1, code2] = await codesAt(seed, -1, 0);
      const enabled = await enableWithCli("cycle-user", serialNumber, code1!, code2!);
      expect(enabled.exitCode).toBe(0);

      const listed = (await aws("iam", "list-mfa-devices", "--user-name", "cycle-user")).json.MFADevices;
      expect(listed).toHaveLength(1);
      expect(listed[0].UserName).toBe("cycle-user");
      expect(listed[0].SerialNumber).toBe(serialNumber);
      expect(Math.abs(Date.parse(listed[0].EnableDate) - Date.now())).toBeLessThan(120_000);
      const got = (await aws("iam", "get-mfa-device", "--user-name", "cycle-user", "--serial-number", serialNumber)).json;
      expect(got.SerialNumber).toBe(serialNumber);
      expect(got.UserName).toBe("cycle-user");
      const assigned = (await aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned")).json.VirtualMFADevices;
      const entry = assigned.find((device: { SerialNumber: string }) => device.SerialNumber === serialNumber);
      expect(entry.User.UserName).toBe("cycle-user");
      expect(entry.User.Arn).toBe(`arn:aws:iam::${ACCOUNT}:user/cycle-user`);
      expect(entry.EnableDate).toBe(listed[0].EnableDate);
      expect(entry.Base32StringSeed).toBeUndefined();
      expect(entry.Tags).toBeUndefined();

      const inUse = await aws("iam", "delete-virtual-mfa-device", "--serial-number", serialNumber);
      expect(cliErrorCode(inUse)).toBe("DeleteConflict");
      expect(inUse.stderr).toContain("MFA VirtualDevice in use. Must deactivate first.");
      const userInUse = await aws("iam", "delete-user", "--user-name", "cycle-user");
      expect(cliErrorCode(userInUse)).toBe("DeleteConflict");
      expect(userInUse.stderr).toContain("Cannot delete entity, must delete MFA device first.");

      expect((await aws("iam", "deactivate-mfa-device", "--user-name", "cycle-user", "--serial-number", serialNumber)).exitCode).toBe(0);
      expect(await userDevices("cycle-user")).toEqual([]);
      expect((await aws("iam", "delete-user", "--user-name", "cycle-user")).exitCode).toBe(0);
      expect((await aws("iam", "delete-virtual-mfa-device", "--serial-number", serialNumber)).exitCode).toBe(0);
      const deletedAgain = await aws("iam", "delete-virtual-mfa-device", "--serial-number", serialNumber);
      expect(cliErrorCode(deletedAgain)).toBe("NoSuchEntity");
      expect(deletedAgain.stderr).toContain(`VirtualMFADevice with serial number ${serialNumber} doesn't exist.`);
    });

    it("returns a QR code PNG", async () => {
      const pngFile = join(outDir, "qr.png");
      const created = await aws(
        "iam", "create-virtual-mfa-device",
        "--virtual-mfa-device-name", "qr-phone",
        "--outfile", pngFile,
        "--bootstrap-method", "QRCodePNG",
      );
      expect(created.exitCode).toBe(0);
      const png = await readFile(pngFile);

      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
      expect(png.readUInt32BE(16)).toBeGreaterThan(0);
      expect(png.readUInt32BE(20)).toBeGreaterThan(0);
    });

    it("enables with previous and current codes", async () => {
      await createUser("previous-user");
      const device = await createDevice("previous-phone");
      const [code1, code2] = await codesAt(device.seed, -1, 0);

      expect((await enableWithCli("previous-user", device.serialNumber, code1!, code2!)).exitCode).toBe(0);
      expect(await userDevices("previous-user")).toEqual([device.serialNumber]);
    });

    it("enables with current and next codes", async () => {
      await createUser("next-user");
      const device = await createDevice("next-phone");
      const [code1, code2] = await codesAt(device.seed, 0, 1);

      expect((await enableWithCli("next-user", device.serialNumber, code1!, code2!)).exitCode).toBe(0);
      expect(await userDevices("next-user")).toEqual([device.serialNumber]);
    });

    it.each([
      { label: "two steps behind", offsets: [-2, -1] },
      { label: "two steps ahead", offsets: [1, 2] },
      { label: "not consecutive", offsets: [-1, 1] },
      { label: "in reverse order", offsets: [0, -1] },
      { label: "of one step", offsets: [0, 0] },
    ])("rejects codes $label", async ({ label, offsets }) => {
      const name = `rejected-${label.replaceAll(" ", "-")}`;
      await createUser(name);
      const device = await createDevice(name);
      const [code1, code2] = await codesAt(device.seed, ...offsets);

      const result = await enableWithCli(name, device.serialNumber, code1!, code2!);

      expect(cliErrorCode(result)).toBe("InvalidAuthenticationCode");
      expect(result.stderr).toContain(INVALID_CODE_MESSAGE);
      expect(await userDevices(name)).toEqual([]);
    });

    it("rejects wrong codes with status 403", async () => {
      await createUser("wrong-user");
      const device = await createDevice("wrong-phone");
      const [code1, code2] = await codesAt(device.seed, -1, 0);
      const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

      const failure = await failureOf(
        iam.send(new EnableMFADeviceCommand({ UserName: "wrong-user", SerialNumber: device.serialNumber, AuthenticationCode1: code1, AuthenticationCode2: wrong(code2!) })),
      );

      expect(failure.name).toBe("InvalidAuthenticationCodeException");
      expect(failure.message).toBe(INVALID_CODE_MESSAGE);
      expect(failure.status).toBe(403);
    });

    it("rejects codes used before", async () => {
      await createUser("reuse-user");
      const device = await createDevice("reuse-phone");
      const [code1, code2] = await codesAt(device.seed, -1, 0);
      const first = { UserName: "reuse-user", SerialNumber: device.serialNumber, AuthenticationCode1: code1, AuthenticationCode2: code2 };
      await iam.send(new EnableMFADeviceCommand(first));
      await iam.send(new DeactivateMFADeviceCommand({ UserName: "reuse-user", SerialNumber: device.serialNumber }));

      const reused = await enableWithCli("reuse-user", device.serialNumber, code1!, code2!);

      expect(cliErrorCode(reused)).toBe("InvalidAuthenticationCode");
      expect(await userDevices("reuse-user")).toEqual([]);
    });

    it("resyncs a device whose clock runs ahead", async () => {
      await createUser("resync-user");
      const device = await createDevice("resync-phone");
      await enable("resync-user", device);
      const resync = (code1: string, code2: string) =>
        aws("iam", "resync-mfa-device", "--user-name", "resync-user", "--serial-number", device.serialNumber, "--authentication-code1", code1, "--authentication-code2", code2);

      const [far1, far2, ahead1, ahead2] = await codesAt(device.seed, 25, 26, 6, 7);
      const tooFar = await resync(far1!, far2!);
      expect(cliErrorCode(tooFar)).toBe("InvalidAuthenticationCode");
      expect(tooFar.stderr).toContain(INVALID_CODE_MESSAGE);
      expect((await resync(ahead1!, ahead2!)).exitCode).toBe(0);
      // The codes of a resync count as used, like any other.
      expect(cliErrorCode(await resync(ahead1!, ahead2!))).toBe("InvalidAuthenticationCode");
    });

    it("rejects a resync of another user's device", async () => {
      await createUser("resync-owner");
      await createUser("resync-other");
      const device = await createDevice("resync-owned");
      await enable("resync-owner", device);
      const [code1, code2] = await codesAt(device.seed, 1, 2);

      const result = await aws(
        "iam", "resync-mfa-device",
        "--user-name", "resync-other",
        "--serial-number", device.serialNumber,
        "--authentication-code1", code1!,
        "--authentication-code2", code2!,
      );

      expect(cliErrorCode(result)).toBe("NoSuchEntity");
    });

    it("lets a user manage its own device without a user name", async () => {
      await createUser("self-user");
      const selfArn = `arn:aws:iam::${ACCOUNT}:user/self-user`;
      const policy = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["iam:ListMFADevices", "iam:GetMFADevice", "iam:DeactivateMFADevice"], Resource: selfArn }],
      };
      await iam.send(new PutUserPolicyCommand({ UserName: "self-user", PolicyName: "own-mfa", PolicyDocument: JSON.stringify(policy) }));
      const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "self-user" }))).AccessKey!;
      const self: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
      const device = await createDevice("self-phone");
      await enable("self-user", device);

      const listed = await awsCli(host.url, self, ["iam", "list-mfa-devices"]);
      expect(listed.json.MFADevices.map((entry: { SerialNumber: string }) => entry.SerialNumber)).toEqual([device.serialNumber]);
      const got = await awsCli(host.url, self, ["iam", "get-mfa-device", "--serial-number", device.serialNumber]);
      expect(got.json.UserName).toBe("self-user");
      expect((await awsCli(host.url, self, ["iam", "deactivate-mfa-device", "--serial-number", device.serialNumber])).exitCode).toBe(0);
      expect(await userDevices("self-user")).toEqual([]);
      const denied = await awsCli(host.url, self, ["iam", "delete-virtual-mfa-device", "--serial-number", device.serialNumber]);
      expect(cliErrorCode(denied)).toBe("AccessDenied");
    });

    it("filters and pages virtual devices", async () => {
      await createUser("paging-user");
      const devices = [await createDevice("paging-a", "/paging/"), await createDevice("paging-b", "/paging/"), await createDevice("paging-c", "/paging/")];
      await enable("paging-user", devices[1]!);
      const ours = (result: CliResult): string[] =>
        result.json.VirtualMFADevices.map((device: { SerialNumber: string }) => device.SerialNumber).filter((serial: string) => serial.includes("/paging/"));

      // --page-size makes the CLI send MaxItems and follow each Marker.
      const any = await aws("iam", "list-virtual-mfa-devices", "--page-size", "1");
      expect(ours(any)).toEqual(devices.map((device) => device.serialNumber));
      const unassigned = await aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Unassigned", "--page-size", "2");
      expect(ours(unassigned)).toEqual([devices[0]!.serialNumber, devices[2]!.serialNumber]);
      const assigned = await aws("iam", "list-virtual-mfa-devices", "--assignment-status", "Assigned");
      expect(ours(assigned)).toEqual([devices[1]!.serialNumber]);

      const firstPage = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 1 }));
      expect(firstPage.VirtualMFADevices).toHaveLength(1);
      expect(firstPage.IsTruncated).toBe(true);
      const secondPage = await iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 1, Marker: firstPage.Marker }));
      expect(secondPage.VirtualMFADevices![0]!.SerialNumber).not.toBe(firstPage.VirtualMFADevices![0]!.SerialNumber);
    });

    it("pages a user's devices", async () => {
      await createUser("pages-user");
      const devices = [await createDevice("pages-a"), await createDevice("pages-b"), await createDevice("pages-c")];
      await Promise.all(devices.map((device) => enable("pages-user", device)));

      const first = await iam.send(new ListMFADevicesCommand({ UserName: "pages-user", MaxItems: 2 }));
      expect(first.MFADevices!.map((device) => device.SerialNumber)).toEqual([devices[0]!.serialNumber, devices[1]!.serialNumber]);
      expect(first.IsTruncated).toBe(true);
      const second = await iam.send(new ListMFADevicesCommand({ UserName: "pages-user", MaxItems: 2, Marker: first.Marker }));
      expect(second.MFADevices!.map((device) => device.SerialNumber)).toEqual([devices[2]!.serialNumber]);
      expect(second.IsTruncated).toBe(false);
      const all = await aws("iam", "list-mfa-devices", "--user-name", "pages-user", "--page-size", "1");
      expect(all.json.MFADevices).toHaveLength(3);
    });

    it("tags a device", async () => {
      const device = await createDevice("tagged-phone", undefined, [{ Key: "Team", Value: "red" }]);
      const tags = async () => (await aws("iam", "list-mfa-device-tags", "--serial-number", device.serialNumber)).json.Tags;

      expect(await tags()).toEqual([{ Key: "Team", Value: "red" }]);
      const tagged = await aws("iam", "tag-mfa-device", "--serial-number", device.serialNumber, "--tags", "Key=team,Value=blue", "Key=cost,Value=1");
      expect(tagged.exitCode).toBe(0);
      expect(await tags()).toEqual([{ Key: "cost", Value: "1" }, { Key: "team", Value: "blue" }]);
      expect((await aws("iam", "untag-mfa-device", "--serial-number", device.serialNumber, "--tag-keys", "TEAM", "absent")).exitCode).toBe(0);
      expect(await tags()).toEqual([{ Key: "cost", Value: "1" }]);

      const duplicate = await aws("iam", "tag-mfa-device", "--serial-number", device.serialNumber, "--tags", "Key=a,Value=1", "Key=A,Value=2");
      expect(cliErrorCode(duplicate)).toBe("InvalidInput");
    });

    it("limits a device to 50 tags", async () => {
      const full = Array.from({ length: 50 }, (_, index) => ({ Key: `key-${index}`, Value: "v" }));
      const device = await createDevice("full-tags", undefined, full);

      const more = await aws("iam", "tag-mfa-device", "--serial-number", device.serialNumber, "--tags", "Key=one-more,Value=v");
      expect(cliErrorCode(more)).toBe("LimitExceeded");
      expect(more.stderr).toContain("Cannot exceed quota for TagsPerMFADevice: 50");
      const replaced = await aws("iam", "tag-mfa-device", "--serial-number", device.serialNumber, "--tags", "Key=KEY-0,Value=w");
      expect(replaced.exitCode).toBe(0);
      const listed = await iam.send(new ListMFADeviceTagsCommand({ SerialNumber: device.serialNumber, MaxItems: 10 }));
      expect(listed.Tags).toHaveLength(10);
      expect(listed.Tags![0]).toEqual({ Key: "KEY-0", Value: "w" });
      expect(listed.IsTruncated).toBe(true);
    });

    it("reports unknown users and devices", async () => {
      await createUser("errors-user");
      const device = await createDevice("errors-phone");
      const absentSerial = `${MFA_ARN}/absent-phone`;
      const [code1, code2] = await codesAt(device.seed, -1, 0);

      const noUser = await enableWithCli("absent-user", device.serialNumber, code1!, code2!);
      expect(cliErrorCode(noUser)).toBe("NoSuchEntity");
      expect(noUser.stderr).toContain("The user with name absent-user cannot be found.");
      const noDevice = await enableWithCli("errors-user", absentSerial, code1!, code2!);
      expect(cliErrorCode(noDevice)).toBe("NoSuchEntity");
      expect(noDevice.stderr).toContain(`VirtualMFADevice with serial number ${absentSerial} doesn't exist.`);
      const otherAccount = await enableWithCli("errors-user", "arn:aws:iam::111111111111:mfa/errors-phone", code1!, code2!);
      expect(cliErrorCode(otherAccount)).toBe("NoSuchEntity");
      const otherPath = await enableWithCli("errors-user", `${MFA_ARN}/other/errors-phone`, code1!, code2!);
      expect(cliErrorCode(otherPath)).toBe("NoSuchEntity");
      const hardware = await aws("iam", "delete-virtual-mfa-device", "--serial-number", "GAHT12345678");
      expect(cliErrorCode(hardware)).toBe("NoSuchEntity");
      const notAssigned = await aws("iam", "deactivate-mfa-device", "--user-name", "errors-user", "--serial-number", device.serialNumber);
      expect(cliErrorCode(notAssigned)).toBe("NoSuchEntity");
      const listUnknown = await aws("iam", "list-mfa-devices", "--user-name", "absent-user");
      expect(cliErrorCode(listUnknown)).toBe("NoSuchEntity");
      const tagsUnknown = await aws("iam", "list-mfa-device-tags", "--serial-number", absentSerial);
      expect(cliErrorCode(tagsUnknown)).toBe("NoSuchEntity");
    });

    it("rejects a second device of one name", async () => {
      await createDevice("twice-phone");

      const again = await aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", "TWICE-phone", "--outfile", join(outDir, "twice.txt"), "--bootstrap-method", "Base32StringSeed");

      expect(cliErrorCode(again)).toBe("EntityAlreadyExists");
      expect(again.stderr).toContain("MFADevice entity at the same path and name already exists.");
    });

    it("rejects enabling an assigned device", async () => {
      await createUser("holder-user");
      await createUser("taker-user");
      const device = await createDevice("held-phone");
      await enable("holder-user", device);
      const [code1, code2] = await codesAt(device.seed, 0, 1);

      const secondEnable = await enableWithCli("taker-user", device.serialNumber, code1!, code2!);

      expect(cliErrorCode(secondEnable)).toBe("EntityAlreadyExists");
      expect(await userDevices("holder-user")).toEqual([device.serialNumber]);
    });

    it("limits a user to 8 devices", async () => {
      await createUser("limit-user");
      const devices = await Promise.all(Array.from({ length: 9 }, (_, index) => createDevice(`limit-${index}`)));
      await Promise.all(devices.slice(0, 8).map((device) => enable("limit-user", device)));
      const [code1, code2] = await codesAt(devices[8]!.seed, -1, 0);

      const ninth = await enableWithCli("limit-user", devices[8]!.serialNumber, code1!, code2!);

      expect(cliErrorCode(ninth)).toBe("LimitExceeded");
      expect(ninth.stderr).toContain("Cannot exceed quota for MFADevicesPerUser: 8");
      expect(await userDevices("limit-user")).toHaveLength(8);
    });

    it.each([
      { label: "a one-character name", name: "a", path: undefined, error: undefined },
      { label: "a 226-character name", name: "n".repeat(226), path: undefined, error: undefined },
      { label: "a 227-character name", name: "n".repeat(227), path: undefined, error: "ValidationError", message: "Member must have length less than or equal to 226" },
      { label: "an empty name", name: "", path: undefined, error: "ValidationError" },
      { label: "a name with a space", name: "my phone", path: undefined, error: "ValidationError" },
      { label: "a name with a slash", name: "my/phone", path: undefined, error: "ValidationError" },
      { label: "a name with every allowed symbol", name: "a_+=,.@-9", path: undefined, error: undefined },
      { label: "a nested path", name: "nested", path: "/a/b/", error: undefined },
      { label: "a path without slashes", name: "no-slash", path: "team", error: "ValidationError" },
      { label: "a 512-character path", name: "p", path: `/${"p".repeat(510)}/`, error: "InvalidInputException" },
      { label: "a 513-character path", name: "p", path: `/${"p".repeat(511)}/`, error: "ValidationError" },
      { label: "a serial number of 256 characters", name: "s".repeat(223), path: "/ab/", error: undefined },
      { label: "a serial number of 257 characters", name: "s".repeat(224), path: "/ab/", error: "InvalidInputException" },
    ] as { label: string; name: string; path: string | undefined; error: string | undefined; message?: string }[])("decides $label", async ({ name, path, error, message }) => {
      const request = iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Path: path }));
      if (error === undefined) {
        const created = (await request).VirtualMFADevice!;
        seeds.push(Buffer.from(created.Base32StringSeed!).toString("ascii"));
        expect(created.SerialNumber).toBe(`${MFA_ARN}${path ?? "/"}${name}`);
      } else {
        const failure = await failureOf(request);
        expect(failure.name).toBe(error);
        if (message !== undefined) expect(failure.message).toContain(message);
      }
    });
  });

  describe("output", () => {
    it("never contains a seed", async () => {
      const device = await createDevice("logged-phone");
      await createUser("logged-user");
      await enable("logged-user", device);
      await host.stop();
      const output = host.output();

      expect(seeds.length).toBeGreaterThan(20);
      for (const seed of seeds) {
        expect(output).not.toContain(seed);
        expect(output).not.toContain(Buffer.from(seed, "ascii").toString("base64"));
      }
      const createEvents = output
        .split("\n")
        .filter((line) => line.includes('"eventName":"CreateVirtualMFADevice"') && line.includes("logged-phone"))
        .map((line) => JSON.parse(line));
      expect(createEvents).toHaveLength(1);
      expect(createEvents[0].audit.responseElements).toEqual({ virtualMFADevice: { serialNumber: device.serialNumber } });
      const enableEvents = output.split("\n").filter((line) => line.includes('"eventName":"EnableMFADevice"') && line.includes("logged-user"));
      expect(enableEvents).toHaveLength(1);
      expect(enableEvents[0]).toContain('"authenticationCode1":{"length":6}');
    });
  });
});
