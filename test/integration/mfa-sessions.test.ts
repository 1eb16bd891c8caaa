import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  type IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, boto3, type CliResult, type Credentials, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { allowPolicy, DEMO_ROOT, iamClient, trustPolicy } from "../support/sdk.js";
import { errorCode, send, signQuery } from "../support/signed-fetch.js";
import { awayFromStepEdge, codeAt, stepAt } from "../support/totp.js";

const HOME = "000000000000";
const MFA_TRUST_CONDITION = { Bool: { "aws:MultiFactorAuthPresent": "true" } };
const UNKNOWN_DEVICE = "MultiFactorAuthentication failed, unable to validate MFA code.";
const INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

interface MfaUser {
  credentials: Credentials;
  arn: string;
  serialNumber: string;
  seed: string;
}

const sessionOf = (result: CliResult): Credentials => {
  const creds = result.json.Credentials;
  return { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
};

/**
 * GetSessionToken and AssumeRole with SerialNumber and TokenCode, with codes computed by the
 * test's own RFC 6238 code from the seed CreateVirtualMFADevice returned.
 */
describe.concurrent("MFA with GetSessionToken and AssumeRole", () => {
  let host: RunningHost;
  let iam: IAMClient;
  const aws = (credentials: Credentials, ...args: string[]) => awsCli(host.url, credentials, args);

  /** Computes the code of the current step (or `offset` steps away), far enough from the step's end to stay valid. */
  async function code(seed: string, offset = 0): Promise<string> {
    await awayFromStepEdge(8_000);
    return codeAt(seed, stepAt(Date.now()) + offset);
  }

  async function createMfaUser(userName: string, policy?: string): Promise<MfaUser> {
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    if (policy) await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "main", PolicyDocument: policy }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${userName}-phone` }));
    const seed = Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString("utf8");
    const serialNumber = device.VirtualMFADevice!.SerialNumber!;
    await awayFromStepEdge(8_000);
    // Enabling takes the codes of the previous and the current step; they are then used up.
    const step = stepAt(Date.now());
    await iam.send(
      new EnableMFADeviceCommand({ UserName: userName, SerialNumber: serialNumber, AuthenticationCode1: codeAt(seed, step - 1), AuthenticationCode2: codeAt(seed, step) }),
    );
    return {
      credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! },
      arn: user.User!.Arn!,
      serialNumber,
      seed,
    };
  }

  /** Waits for the next step, since enabling used the current step's code. */
  async function nextStep(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 30_000 - (Date.now() % 30_000) + 100));
  }

  beforeAll(async () => {
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
  });

  it("opens IAM and MFA-guarded roles", async () => {
    const user = await createMfaUser("mfa-alice", allowPolicy("*", "*"));
    await iam.send(new CreateRoleCommand({ RoleName: "needs-mfa", AssumeRolePolicyDocument: trustPolicy({ AWS: user.arn }, MFA_TRUST_CONDITION) }));
    const roleArn = `arn:aws:iam::${HOME}:role/needs-mfa`;

    // Without MFA the role refuses, with long-term credentials or a session without MFA.
    const direct = await aws(user.credentials, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "no-mfa");
    expect(cliErrorCode(direct)).toBe("AccessDenied");
    const plainSession = sessionOf(await aws(user.credentials, "sts", "get-session-token"));
    expect(cliErrorCode(await aws(plainSession, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "no-mfa"))).toBe("AccessDenied");

    await nextStep();
    const withMfa = await aws(user.credentials, "sts", "get-session-token", "--serial-number", user.serialNumber, "--token-code", await code(user.seed));
    expect(withMfa.exitCode, withMfa.stderr).toBe(0);
    const mfaSession = sessionOf(withMfa);
    // IAM accepts a session with MFA.
    expect((await aws(mfaSession, "iam", "get-user", "--user-name", "mfa-alice")).exitCode).toBe(0);
    // The role session inherits the MFA sign-in, so the trust condition holds.
    const chained = await aws(mfaSession, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "with-mfa");
    expect(chained.exitCode, chained.stderr).toBe(0);

    // The simulator evaluates a condition on the MFA age as the policy engine does for the session.
    const simulated = await aws(DEMO_ROOT, "iam", "simulate-custom-policy",
      "--policy-input-list", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } } }] }),
      "--action-names", "s3:GetObject",
      "--context-entries", "ContextKeyName=aws:MultiFactorAuthAge,ContextKeyValues=30,ContextKeyType=numeric");
    expect(simulated.json.EvaluationResults[0].EvalDecision).toBe("allowed");
  });

  it("passes the code to AssumeRole directly, and refuses a code used once", async () => {
    const user = await createMfaUser("mfa-bob", allowPolicy("sts:AssumeRole", "*"));
    await iam.send(new CreateRoleCommand({ RoleName: "needs-mfa-direct", AssumeRolePolicyDocument: trustPolicy({ AWS: user.arn }, MFA_TRUST_CONDITION) }));
    const roleArn = `arn:aws:iam::${HOME}:role/needs-mfa-direct`;
    await nextStep();
    const current = await code(user.seed);
    const assume = (name: string, tokenCode: string) =>
      aws(user.credentials, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", name, "--serial-number", user.serialNumber, "--token-code", tokenCode);
    const first = await assume("first", current);
    expect(first.exitCode, first.stderr).toBe(0);
    const reused = await assume("again", current);
    expect(cliErrorCode(reused)).toBe("AccessDenied");
    expect(reused.stderr).toContain(INVALID_CODE);
    // The role session carries the MFA sign-in on to the next role that requires it.
    await iam.send(
      new CreateRoleCommand({ RoleName: "needs-mfa-next", AssumeRolePolicyDocument: trustPolicy({ AWS: roleArn }, MFA_TRUST_CONDITION) }),
    );
    const next = `arn:aws:iam::${HOME}:role/needs-mfa-next`;
    const chained = await aws(sessionOf(first), "sts", "assume-role", "--role-arn", next, "--role-session-name", "chained");
    expect(chained.exitCode, chained.stderr).toBe(0);
  });

  it("accepts a clock one step off either way and refuses two steps", { timeout: 150_000 }, async () => {
    const user = await createMfaUser("mfa-carol");
    // Enabling used the codes up to its step; three steps later, no nearby code has been used.
    await nextStep();
    await nextStep();
    await nextStep();
    const getSessionToken = async (offset: number) =>
      aws(user.credentials, "sts", "get-session-token", "--serial-number", user.serialNumber, "--token-code", await code(user.seed, offset));
    const twoBehind = await getSessionToken(-2);
    expect(cliErrorCode(twoBehind)).toBe("AccessDenied");
    expect(twoBehind.stderr).toContain(INVALID_CODE);
    expect(cliErrorCode(await getSessionToken(2))).toBe("AccessDenied");
    const oneBehind = await getSessionToken(-1);
    expect(oneBehind.exitCode, oneBehind.stderr).toBe(0);
    const oneAhead = await getSessionToken(1);
    expect(oneAhead.exitCode, oneAhead.stderr).toBe(0);
  });

  it("refuses devices that are not the caller's and malformed codes", async () => {
    const owner = await createMfaUser("mfa-dave");
    const other = await createMfaUser("mfa-erin");
    const tokenCode = await code(owner.seed, 1);
    const foreign = await aws(other.credentials, "sts", "get-session-token", "--serial-number", owner.serialNumber, "--token-code", tokenCode);
    expect(cliErrorCode(foreign)).toBe("AccessDenied");
    expect(foreign.stderr).toContain(UNKNOWN_DEVICE);
    const root = await aws(DEMO_ROOT, "sts", "get-session-token", "--serial-number", owner.serialNumber, "--token-code", tokenCode);
    expect(root.stderr).toContain(UNKNOWN_DEVICE);

    const wire = async (params: Record<string, string>) => {
      const response = await send(await signQuery(host.url, owner.credentials, { Action: "GetSessionToken", Version: "2011-06-15", ...params }));
      return { status: response.status, code: errorCode(response.body) };
    };
    for (const bad of ["12345", "1234567", "12345a"]) {
      expect(await wire({ SerialNumber: owner.serialNumber, TokenCode: bad })).toEqual({ status: 400, code: "ValidationError" });
    }
    expect(await wire({ SerialNumber: "arn:aws", TokenCode: "123456" })).toEqual({ status: 400, code: "ValidationError" });
    expect(await wire({ SerialNumber: "GAHT12345", TokenCode: "123456" })).toEqual({ status: 403, code: "AccessDenied" });
    expect(await wire({ SerialNumber: `arn:aws:iam::${HOME}:mfa/${"x".repeat(256 - 30)}`, TokenCode: "123456" })).toEqual({ status: 403, code: "AccessDenied" });
    expect(await wire({ SerialNumber: `arn:aws:iam::${HOME}:mfa/${"x".repeat(257 - 30)}`, TokenCode: "123456" })).toEqual({ status: 400, code: "ValidationError" });
    expect(await wire({ SerialNumber: owner.serialNumber })).toEqual({ status: 400, code: "ValidationError" });
    expect(await wire({ TokenCode: "123456" })).toEqual({ status: 400, code: "ValidationError" });
  });

  it("works through boto3", async () => {
    const user = await createMfaUser("mfa-frank");
    await nextStep();
    const tokenCode = await code(user.seed);
    const arn = await boto3(
      host.url,
      user.credentials,
      `import boto3, json, os
sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"])
creds = sts.get_session_token(SerialNumber=${JSON.stringify(user.serialNumber)}, TokenCode=${JSON.stringify(tokenCode)})["Credentials"]
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
try:
    iam.get_user(UserName="mfa-frank")
    print(json.dumps("iam allowed"))
except iam.exceptions.ClientError as error:
    print(json.dumps(error.response["Error"]["Code"]))`,
    );
    // IAM accepts the MFA session; the user's missing policy then refuses the call itself.
    expect(arn).toBe("AccessDenied");
  });
});
