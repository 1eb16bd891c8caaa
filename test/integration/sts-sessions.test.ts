import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import {
  DecodeAuthorizationMessageCommand,
  GetDelegatedAccessTokenCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, boto3, type CliResult, type Credentials, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { allowPolicy, DEMO_ROOT, iamClient, stsClient, trustPolicy } from "../support/sdk.js";
import { errorCode, send, signQuery } from "../support/signed-fetch.js";

const HOME = "000000000000";
const PARTNER = "111111111111";
const PARTNER_ROOT: Credentials = { accessKeyId: "AKIAPARTNERROOT00002", secretAccessKey: "partner-root-secret-key-for-tests-000002" };
const ENCODED = /Encoded authorization failure message: (\S+)$/;

const sessionOf = (result: CliResult): Credentials => {
  const creds = result.json.Credentials;
  return { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
};
const lifetimeSeconds = (result: CliResult) => Math.round((Date.parse(result.json.Credentials.Expiration) - Date.now()) / 1000);

// Each AWS CLI call starts a Python process, so the CLI runs only the action under test. Setup
// goes through the JS SDK, and independent tests run concurrently.
describe.concurrent("GetSessionToken, GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage", () => {
  let host: RunningHost;
  let configDir: string;
  const aws = (credentials: Credentials, ...args: string[]) => awsCli(host.url, credentials, args);
  const iam = (credentials: Credentials = DEMO_ROOT) => iamClient(host.url, credentials);

  async function createUser(userName: string, policy?: string, root: Credentials = DEMO_ROOT): Promise<{ credentials: Credentials; arn: string; userId: string }> {
    const client = iam(root);
    const user = await client.send(new CreateUserCommand({ UserName: userName }));
    if (policy) await client.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "main", PolicyDocument: policy }));
    const key = await client.send(new CreateAccessKeyCommand({ UserName: userName }));
    return {
      credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! },
      arn: user.User!.Arn!,
      userId: user.User!.UserId!,
    };
  }

  const policyOf = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "open-sts-config-"));
    const config = join(configDir, "accounts.yaml");
    writeFileSync(
      config,
      `accounts:\n  - id: "${PARTNER}"\n    rootAccessKeyId: ${PARTNER_ROOT.accessKeyId}\n    rootSecretAccessKey: ${PARTNER_ROOT.secretAccessKey}\n`,
    );
    host = await startHost({ OPEN_STS_CONFIG: config });
  });
  afterAll(async () => {
    await host.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  describe("GetSessionToken", () => {
    it("acts as the user for 12 hours", async () => {
      const user = await createUser("session-user", allowPolicy("iam:ListUsers", "*"));
      const result = await aws(user.credentials, "sts", "get-session-token");
      expect(result.exitCode).toBe(0);
      expect(result.json.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
      expect(lifetimeSeconds(result)).toBeGreaterThan(43_200 - 30);
      expect(lifetimeSeconds(result)).toBeLessThanOrEqual(43_200);

      const session = sessionOf(result);
      const identity = await aws(session, "sts", "get-caller-identity");
      expect(identity.json).toEqual({ UserId: user.userId, Account: HOME, Arn: user.arn });
    });

    it("keeps durations within 900 to 129,600 seconds, and one hour for root", async () => {
      const user = await createUser("session-durations");
      for (const [duration, expected] of [
        [900, 900],
        [129_600, 129_600],
      ] as const) {
        const result = await aws(user.credentials, "sts", "get-session-token", "--duration-seconds", String(duration));
        expect(lifetimeSeconds(result)).toBeGreaterThan(expected - 30);
        expect(lifetimeSeconds(result)).toBeLessThanOrEqual(expected);
      }
      // botocore checks the lower bound itself, so the limits are sent on the wire directly.
      for (const duration of ["899", "129601"]) {
        const response = await send(await signQuery(host.url, user.credentials, { Action: "GetSessionToken", Version: "2011-06-15", DurationSeconds: duration }));
        expect(response.status).toBe(400);
        expect(errorCode(response.body)).toBe("ValidationError");
      }
      // Root's session is shortened to one hour rather than refused, as in AWS.
      const root = await aws(DEMO_ROOT, "sts", "get-session-token", "--duration-seconds", "7200");
      expect(root.exitCode).toBe(0);
      expect(lifetimeSeconds(root)).toBeLessThanOrEqual(3600);
      expect(lifetimeSeconds(root)).toBeGreaterThan(3600 - 30);
      const rootIdentity = await aws(sessionOf(root), "sts", "get-caller-identity");
      expect(rootIdentity.json.Arn).toBe(`arn:aws:iam::${HOME}:root`);
    });

    it("limits what the credentials may call without MFA", async () => {
      const user = await createUser("session-limits", policyOf({ Effect: "Allow", Action: ["iam:*", "sts:*"], Resource: "*" }));
      const session = sessionOf(await aws(user.credentials, "sts", "get-session-token"));

      const again = await aws(session, "sts", "get-session-token");
      expect(cliErrorCode(again)).toBe("AccessDenied");
      expect(again.stderr).toContain("Cannot call GetSessionToken with session credentials");
      expect(cliErrorCode(await aws(session, "sts", "get-federation-token", "--name", "fed"))).toBe("AccessDenied");
      expect(cliErrorCode(await aws(session, "sts", "get-access-key-info", "--access-key-id", user.credentials.accessKeyId))).toBe("AccessDenied");
      // IAM refuses the token outright unless MFA was part of GetSessionToken, as AWS does.
      expect(cliErrorCode(await aws(session, "iam", "list-users"))).toBe("InvalidClientTokenId");
      expect(cliErrorCode(await aws(user.credentials, "iam", "list-users"))).toBeUndefined();
    });

    it("assumes roles as role chaining", async () => {
      const user = await createUser("session-chain", allowPolicy("sts:AssumeRole", "*"));
      await iam().send(new CreateRoleCommand({ RoleName: "session-target", AssumeRolePolicyDocument: trustPolicy({ AWS: user.arn }), MaxSessionDuration: 7200 }));
      const session = sessionOf(await aws(user.credentials, "sts", "get-session-token"));
      const roleArn = `arn:aws:iam::${HOME}:role/session-target`;
      const assumed = await aws(session, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "via-session");
      expect(assumed.exitCode).toBe(0);
      expect(assumed.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/session-target/via-session`);
      const tooLong = await aws(session, "sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "long", "--duration-seconds", "7200");
      expect(cliErrorCode(tooLong)).toBe("ValidationError");
      // A role session cannot call GetSessionToken either.
      expect(cliErrorCode(await aws(sessionOf(assumed), "sts", "get-session-token"))).toBe("AccessDenied");
    });

    it("works through the JS SDK and boto3", async () => {
      const user = await createUser("session-sdk");
      const sts = stsClient(host.url, user.credentials);
      const result = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 1800 }));
      const lifetime = (result.Credentials!.Expiration!.getTime() - Date.now()) / 1000;
      expect(lifetime).toBeGreaterThan(1770);
      expect(lifetime).toBeLessThanOrEqual(1800);
      const session = stsClient(host.url, {
        accessKeyId: result.Credentials!.AccessKeyId!,
        secretAccessKey: result.Credentials!.SecretAccessKey!,
        sessionToken: result.Credentials!.SessionToken!,
      });
      expect((await session.send(new GetCallerIdentityCommand({}))).Arn).toBe(user.arn);
      sts.destroy();
      session.destroy();

      const viaBoto = await boto3(
        host.url,
        user.credentials,
        `import boto3, json, os
sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"])
creds = sts.get_session_token(DurationSeconds=900)["Credentials"]
session = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
print(json.dumps(session.get_caller_identity()["Arn"]))`,
      );
      expect(viaBoto).toBe(user.arn);
    });
  });

  describe("GetFederationToken", () => {
    const federationPolicy = allowPolicy("sts:GetFederationToken", `arn:aws:sts::${HOME}:federated-user/*`);

    it("issues a federated user's credentials with AWS's identity", async () => {
      const user = await createUser("federator", federationPolicy);
      const result = await aws(user.credentials, "sts", "get-federation-token", "--name", "Bob", "--policy", allowPolicy("s3:GetObject", "*"));
      expect(result.exitCode).toBe(0);
      expect(result.json.FederatedUser).toEqual({ FederatedUserId: `${HOME}:Bob`, Arn: `arn:aws:sts::${HOME}:federated-user/Bob` });
      expect(result.json.PackedPolicySize).toBeGreaterThan(0);
      expect(lifetimeSeconds(result)).toBeGreaterThan(43_200 - 30);
      const identity = await aws(sessionOf(result), "sts", "get-caller-identity");
      expect(identity.json).toEqual({ UserId: `${HOME}:Bob`, Account: HOME, Arn: `arn:aws:sts::${HOME}:federated-user/Bob` });
    });

    it("needs sts:GetFederationToken in the caller's policies, and sts:TagSession for tags", async () => {
      const plain = await createUser("no-federation");
      const refused = await aws(plain.credentials, "sts", "get-federation-token", "--name", "Eve");
      expect(cliErrorCode(refused)).toBe("AccessDenied");
      expect(refused.stderr).toContain(`not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::${HOME}:federated-user/Eve`);

      const federator = await createUser("federator-tags", federationPolicy);
      const tags = ["--tags", "Key=team,Value=blue"];
      expect(cliErrorCode(await aws(federator.credentials, "sts", "get-federation-token", "--name", "Tagged", ...tags))).toBe("AccessDenied");
      await iam().send(new PutUserPolicyCommand({ UserName: "federator-tags", PolicyName: "tag", PolicyDocument: allowPolicy("sts:TagSession", "*") }));
      expect((await aws(federator.credentials, "sts", "get-federation-token", "--name", "Tagged", ...tags)).exitCode).toBe(0);
    });

    it("refuses session credentials and checks Name, duration and tag limits", async () => {
      const user = await createUser("federator-limits", policyOf({ Effect: "Allow", Action: ["sts:GetFederationToken", "sts:TagSession"], Resource: "*" }));
      const session = sessionOf(await aws(user.credentials, "sts", "get-session-token"));
      const fromSession = await aws(session, "sts", "get-federation-token", "--name", "Bob");
      expect(cliErrorCode(fromSession)).toBe("AccessDenied");
      expect(fromSession.stderr).toContain("Cannot call GetFederationToken with session credentials");

      const wire = async (params: Record<string, string>) => {
        const response = await send(await signQuery(host.url, user.credentials, { Action: "GetFederationToken", Version: "2011-06-15", ...params }));
        return { status: response.status, code: errorCode(response.body) };
      };
      expect(await wire({ Name: "A" })).toEqual({ status: 400, code: "ValidationError" });
      expect((await wire({ Name: "AB" })).status).toBe(200);
      expect((await wire({ Name: "a".repeat(32) })).status).toBe(200);
      expect(await wire({ Name: "a".repeat(33) })).toEqual({ status: 400, code: "ValidationError" });
      expect(await wire({ Name: "no spaces" })).toEqual({ status: 400, code: "ValidationError" });
      expect(await wire({ Name: "Bob", DurationSeconds: "899" })).toEqual({ status: 400, code: "ValidationError" });
      expect((await wire({ Name: "Bob", DurationSeconds: "900" })).status).toBe(200);
      expect((await wire({ Name: "Bob", DurationSeconds: "129600" })).status).toBe(200);
      expect(await wire({ Name: "Bob", DurationSeconds: "129601" })).toEqual({ status: 400, code: "ValidationError" });
      const tags = (count: number) => {
        const params: Record<string, string> = { Name: "Tagged" };
        for (let index = 1; index <= count; index++) {
          params[`Tags.member.${index}.Key`] = `k${index}`;
          params[`Tags.member.${index}.Value`] = "v";
        }
        return params;
      };
      expect((await wire(tags(50))).status).toBe(200);
      expect(await wire(tags(51))).toEqual({ status: 400, code: "ValidationError" });
      expect(await wire({ Name: "Tagged", "Tags.member.1.Key": "team", "Tags.member.1.Value": "a", "Tags.member.2.Key": "TEAM", "Tags.member.2.Value": "b" })).toEqual({
        status: 400,
        code: "ValidationError",
      });
      expect(await wire({ Name: "Bob", Policy: "{not json" })).toEqual({ status: 400, code: "MalformedPolicyDocument" });
      expect((await wire({ Name: "Bob", Policy: allowPolicy("s3:*", "*").padEnd(2048, " ") })).status).toBe(200);
      expect(await wire({ Name: "Bob", Policy: allowPolicy("s3:*", "*").padEnd(2049, " ") })).toEqual({ status: 400, code: "ValidationError" });
    });

    it("limits root and federated users", async () => {
      const result = await aws(DEMO_ROOT, "sts", "get-federation-token", "--name", "RootFed", "--duration-seconds", "7200", "--policy", allowPolicy("*", "*"));
      expect(result.exitCode).toBe(0);
      expect(lifetimeSeconds(result)).toBeLessThanOrEqual(3600);
      const federated = sessionOf(result);
      expect(cliErrorCode(await aws(federated, "iam", "list-users"))).toBe("InvalidClientTokenId");
      const assume = await aws(federated, "sts", "assume-role", "--role-arn", `arn:aws:iam::${HOME}:role/any`, "--role-session-name", "xx");
      expect(cliErrorCode(assume)).toBe("AccessDenied");
      expect(assume.stderr).toContain("Cannot call AssumeRole with session credentials");
      expect((await aws(federated, "sts", "get-caller-identity")).exitCode).toBe(0);
    });

    it("works through the JS SDK with managed session policies", async () => {
      const user = await createUser("federator-sdk", federationPolicy);
      const policy = await iam().send(new CreatePolicyCommand({ PolicyName: "fed-read", PolicyDocument: allowPolicy("s3:GetObject", "*") }));
      const sts = stsClient(host.url, user.credentials);
      const result = await sts.send(new GetFederationTokenCommand({ Name: "SdkFed", PolicyArns: [{ arn: policy.Policy!.Arn! }], DurationSeconds: 900 }));
      expect(result.FederatedUser!.Arn).toBe(`arn:aws:sts::${HOME}:federated-user/SdkFed`);
      const missing = sts.send(new GetFederationTokenCommand({ Name: "SdkFed", PolicyArns: [{ arn: `arn:aws:iam::${HOME}:policy/absent` }] }));
      await expect(missing).rejects.toMatchObject({ name: "ValidationError" });
      sts.destroy();
    });
  });

  describe("GetAccessKeyInfo", () => {
    it("names the account of long-term and temporary keys, whatever their state", async () => {
      const reader = await createUser("key-reader", allowPolicy("sts:GetAccessKeyInfo", "*"));
      const partner = await createUser("partner-user", undefined, PARTNER_ROOT);
      const account = async (keyId: string) => (await aws(reader.credentials, "sts", "get-access-key-info", "--access-key-id", keyId)).json?.Account;

      expect(await account(reader.credentials.accessKeyId)).toBe(HOME);
      expect(await account(partner.credentials.accessKeyId)).toBe(PARTNER);
      const temporary = sessionOf(await aws(partner.credentials, "sts", "get-session-token"));
      expect(await account(temporary.accessKeyId)).toBe(PARTNER);
      // A deleted key still names its account, as in AWS.
      await iam(PARTNER_ROOT).send(new DeleteAccessKeyCommand({ UserName: "partner-user", AccessKeyId: partner.credentials.accessKeyId }));
      expect(await account(partner.credentials.accessKeyId)).toBe(PARTNER);
    });

    it("needs sts:GetAccessKeyInfo and a well-formed key id", async () => {
      const plain = await createUser("key-reader-denied");
      expect(cliErrorCode(await aws(plain.credentials, "sts", "get-access-key-info", "--access-key-id", plain.credentials.accessKeyId))).toBe("AccessDenied");
      const sts = stsClient(host.url, DEMO_ROOT);
      await expect(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: "A".repeat(15) }))).rejects.toMatchObject({ name: "ValidationError" });
      await expect(sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: "NOTAKEYID0000000" }))).rejects.toMatchObject({ name: "ValidationError" });
      expect((await sts.send(new GetAccessKeyInfoCommand({ AccessKeyId: DEMO_ROOT.accessKeyId }))).Account).toBe(HOME);
      sts.destroy();
    });
  });

  describe("AssumeRoot and GetDelegatedAccessToken", () => {
    it("answer InvalidAction with the reason", async () => {
      const root = await aws(
        DEMO_ROOT,
        "sts", "assume-root",
        "--target-principal", "111111111111",
        "--task-policy-arn", "arn=arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
      );
      expect(cliErrorCode(root)).toBe("InvalidAction");
      expect(root.stderr).toContain("AssumeRoot is not supported by Open STS: it needs AWS Organizations");
      const sts = stsClient(host.url, DEMO_ROOT);
      const delegated = sts.send(new GetDelegatedAccessTokenCommand({ TradeInToken: "a".repeat(64) }));
      await expect(delegated).rejects.toMatchObject({ name: "InvalidAction", $metadata: { httpStatusCode: 400 } });
      sts.destroy();
    });
  });

  describe("DecodeAuthorizationMessage", () => {
    it("decodes the message of an AccessDenied into the decision and its context", async () => {
      const denied = await createUser(
        "denied-user",
        policyOf(
          { Sid: "ReadUsers", Effect: "Allow", Action: "iam:Get*", Resource: "*" },
          { Sid: "NoUserCreation", Effect: "Deny", Action: "iam:CreateUser", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } },
        ),
      );
      const refusal = await aws(denied.credentials, "iam", "create-user", "--user-name", "sneaky");
      expect(cliErrorCode(refusal)).toBe("AccessDenied");
      const encoded = ENCODED.exec(refusal.stderr.trim())?.[1];
      expect(encoded).toBeDefined();

      const decoder = await createUser("decoder", allowPolicy("sts:DecodeAuthorizationMessage", "*"));
      const decoded = await aws(decoder.credentials, "sts", "decode-authorization-message", "--encoded-message", encoded!);
      expect(decoded.exitCode).toBe(0);
      const message = JSON.parse(decoded.json.DecodedMessage);
      expect(message).toMatchObject({
        allowed: false,
        explicitDeny: true,
        context: {
          principal: { id: denied.userId, name: "denied-user", arn: denied.arn },
          action: "iam:CreateUser",
          resource: `arn:aws:iam::${HOME}:user/sneaky`,
        },
      });
      expect(message.matchedStatements.items).toEqual([
        expect.objectContaining({
          statementId: "NoUserCreation",
          effect: "DENY",
          actions: { items: [{ value: "iam:CreateUser" }] },
          resources: { items: [{ value: "*" }] },
        }),
      ]);
      const keys = message.context.conditions.items.map((item: { key: string }) => item.key);
      expect(keys).toEqual(expect.arrayContaining(["aws:username", "aws:RequestedRegion", "aws:SourceIp"]));
      expect(message.context.conditions.items).toContainEqual({ key: "aws:username", values: { items: [{ value: "denied-user" }] } });
    });

    it("reports failed conditions of an implicit deny", async () => {
      const denied = await createUser(
        "conditional-user",
        policyOf({ Sid: "OnlyFromElsewhere", Effect: "Allow", Action: "iam:ListRoles", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } } }),
      );
      const refusal = await aws(denied.credentials, "iam", "list-roles");
      const encoded = ENCODED.exec(refusal.stderr.trim())![1]!;
      const sts = stsClient(host.url, DEMO_ROOT);
      const decoded = JSON.parse((await sts.send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }))).DecodedMessage!);
      sts.destroy();
      expect(decoded.explicitDeny).toBe(false);
      expect(decoded.matchedStatements.items).toEqual([]);
      expect(decoded.failures.items).toEqual([
        expect.objectContaining({ statementId: "OnlyFromElsewhere", operator: "IpAddress", key: "aws:SourceIp", values: { items: [{ value: "192.0.2.0/24" }] }, keyPresent: true }),
      ]);
    });

    it("leaves AssumeRole refusals without a message", async () => {
      const user = await createUser("vendor", allowPolicy("sts:AssumeRole", "*"));
      await iam().send(
        new CreateRoleCommand({ RoleName: "vendor-access", AssumeRolePolicyDocument: trustPolicy({ AWS: user.arn }, { StringEquals: { "sts:ExternalId": "customer-secret-42" } }) }),
      );
      const wrongId = await aws(user.credentials, "sts", "assume-role", "--role-arn", `arn:aws:iam::${HOME}:role/vendor-access`, "--role-session-name", "vendor", "--external-id", "wrong-id");
      const missingRole = await aws(user.credentials, "sts", "assume-role", "--role-arn", `arn:aws:iam::${HOME}:role/no-such-role`, "--role-session-name", "vendor");
      expect(cliErrorCode(wrongId)).toBe("AccessDenied");
      expect(cliErrorCode(missingRole)).toBe("AccessDenied");
      // The message would show the trust policy's external id, and tell existing roles apart.
      expect(wrongId.stderr).not.toContain("Encoded authorization failure message");
      expect(missingRole.stderr).not.toContain("Encoded authorization failure message");
      expect(wrongId.stderr).not.toContain("customer-secret-42");
    });

    it("hides the values of external id conditions", async () => {
      const user = await createUser(
        "external-id-user",
        policyOf({ Sid: "WithSecret", Effect: "Allow", Action: "iam:ListRoles", Resource: "*", Condition: { StringEquals: { "sts:ExternalId": "shared-secret-7" } } }),
      );
      const refusal = await aws(user.credentials, "iam", "list-roles");
      const encoded = ENCODED.exec(refusal.stderr.trim())![1]!;
      const decoded = await aws(DEMO_ROOT, "sts", "decode-authorization-message", "--encoded-message", encoded);
      expect(decoded.json.DecodedMessage).not.toContain("shared-secret-7");
      const message = JSON.parse(decoded.json.DecodedMessage);
      expect(message.failures.items).toEqual([expect.objectContaining({ statementId: "WithSecret", key: "sts:ExternalId", values: { items: [] }, keyPresent: false })]);
    });

    it("needs the permission, the same account and an intact message", async () => {
      const denied = await createUser("denied-again");
      const refusal = await aws(denied.credentials, "iam", "list-users");
      const encoded = ENCODED.exec(refusal.stderr.trim())![1]!;

      const refused = await aws(denied.credentials, "sts", "decode-authorization-message", "--encoded-message", encoded);
      expect(cliErrorCode(refused)).toBe("AccessDenied");
      // An AccessDenied of DecodeAuthorizationMessage carries its own message.
      expect(refused.stderr.trim()).toMatch(ENCODED);

      const otherAccount = await aws(PARTNER_ROOT, "sts", "decode-authorization-message", "--encoded-message", encoded);
      expect(cliErrorCode(otherAccount)).toBe("InvalidAuthorizationMessageException");
      const tampered = `${encoded.slice(0, -4)}${encoded.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
      expect(cliErrorCode(await aws(DEMO_ROOT, "sts", "decode-authorization-message", "--encoded-message", tampered))).toBe(
        "InvalidAuthorizationMessageException",
      );
      const wire = async (message: string) =>
        errorCode((await send(await signQuery(host.url, DEMO_ROOT, { Action: "DecodeAuthorizationMessage", Version: "2011-06-15", EncodedMessage: message }))).body);
      expect(await wire("x".repeat(10_240))).toBe("InvalidAuthorizationMessageException");
      expect(await wire("x".repeat(10_241))).toBe("ValidationError");
      expect(encoded.length).toBeLessThanOrEqual(10_240);
    });
  });
});
