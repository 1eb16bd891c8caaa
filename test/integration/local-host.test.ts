import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateAccessKeyCommand, CreateOpenIDConnectProviderCommand, CreateRoleCommand, CreateUserCommand, GetRoleCommand } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { awsCli } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient, stsClient, trustPolicy } from "../support/sdk.js";

describe("local host", () => {
  let dataDir: string;
  const hosts: RunningHost[] = [];

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "open-sts-data-"));
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<RunningHost> {
    const host = await startHost({ OPEN_STS_DATA_DIR: dataDir, ...env });
    hosts.push(host);
    return host;
  }

  it("prints a ready line and a CLI profile", async () => {
    const host = await start();
    const output = host.output();
    expect(output).toMatch(/^Open STS ready at http:\/\/127\.0\.0\.1:\d+ \(account 000000000000, data in .+\)$/m);
    expect(output).toContain("[profile open-sts]");
    expect(output).toContain(`endpoint_url = ${host.url}`);
    expect(output).toContain(`aws_access_key_id = ${DEMO_ROOT.accessKeyId}`);
    expect(output).toContain("OpenID Connect issuers on http://127.0.0.1 and http://localhost are accepted (local mode).");
  });

  it("rejects http issuers when configured", async () => {
    const host = await start({ OPEN_STS_ALLOW_LOOPBACK_ISSUERS: "false" });
    expect(host.output()).not.toContain("OpenID Connect issuers on http://");
    const iam = iamClient(host.url, DEMO_ROOT);
    await expect(iam.send(new CreateOpenIDConnectProviderCommand({ Url: "http://127.0.0.1:9000", ClientIDList: ["sts"] }))).rejects.toMatchObject({
      name: "InvalidInputException",
    });
    iam.destroy();
  });

  it("keeps its data across a restart", async () => {
    const first = await start();
    const iam = iamClient(first.url, DEMO_ROOT);
    await iam.send(new CreateUserCommand({ UserName: "kept" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "kept" }))).AccessKey!;
    await iam.send(new CreateRoleCommand({ RoleName: "kept-role", AssumeRolePolicyDocument: trustPolicy({ AWS: "arn:aws:iam::000000000000:user/kept" }) }));
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const session = (
      await stsClient(first.url, credentials).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/kept-role", RoleSessionName: "before" }))
    ).Credentials!;
    expect(await first.stop()).toBe(0);
    hosts.splice(0);

    const second = await start();
    const role = await iamClient(second.url, DEMO_ROOT).send(new GetRoleCommand({ RoleName: "kept-role" }));
    expect(role.Role?.Arn).toBe("arn:aws:iam::000000000000:role/kept-role");
    const identity = await stsClient(second.url, credentials).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:iam::000000000000:user/kept");
    // Session tokens sealed before the restart still open: the key ring persists too.
    const sessionIdentity = await stsClient(second.url, {
      accessKeyId: session.AccessKeyId!,
      secretAccessKey: session.SecretAccessKey!,
      sessionToken: session.SessionToken!,
    }).send(new GetCallerIdentityCommand({}));
    expect(sessionIdentity.Arn).toBe("arn:aws:sts::000000000000:assumed-role/kept-role/before");
  });

  it("keeps the key ring private", async () => {
    await start();
    expect(statSync(join(dataDir, "keyring.json")).mode & 0o777).toBe(0o600);
  });

  it("refuses a second start on the same folder", async () => {
    const first = await start();
    await expect(start()).rejects.toThrow(/in use by process \d+/);
    const identity = await awsCli(first.url, DEMO_ROOT, ["sts", "get-caller-identity"]);
    expect(identity.json.Account).toBe("000000000000");
  });

  it("uses the configured root key", async () => {
    const root = { accessKeyId: "AKIACONFIGUREDROOT01", secretAccessKey: "configured-root-secret-0000000000000000" };
    const host = await start({ OPEN_STS_ROOT_ACCESS_KEY_ID: root.accessKeyId, OPEN_STS_ROOT_SECRET_ACCESS_KEY: root.secretAccessKey });
    expect(host.output()).not.toContain(root.secretAccessKey);
    expect((await awsCli(host.url, root, ["sts", "get-caller-identity"])).json.Arn).toBe("arn:aws:iam::000000000000:root");
    expect((await awsCli(host.url, DEMO_ROOT, ["sts", "get-caller-identity"])).exitCode).not.toBe(0);
  });

  it("revokes a configured root key that was replaced", async () => {
    const oldRoot = { accessKeyId: "AKIAOLDCONFIGUREDKEY", secretAccessKey: "old-configured-root-secret-000000000000" };
    const newRoot = { accessKeyId: "AKIANEWCONFIGUREDKEY", secretAccessKey: "new-configured-root-secret-000000000000" };
    const first = await start({ OPEN_STS_ROOT_ACCESS_KEY_ID: oldRoot.accessKeyId, OPEN_STS_ROOT_SECRET_ACCESS_KEY: oldRoot.secretAccessKey });
    const extra = (await iamClient(first.url, oldRoot).send(new CreateAccessKeyCommand({}))).AccessKey!;
    await first.stop();
    hosts.splice(0);

    const second = await start({ OPEN_STS_ROOT_ACCESS_KEY_ID: newRoot.accessKeyId, OPEN_STS_ROOT_SECRET_ACCESS_KEY: newRoot.secretAccessKey });
    expect((await awsCli(second.url, newRoot, ["sts", "get-caller-identity"])).exitCode).toBe(0);
    expect((await awsCli(second.url, oldRoot, ["sts", "get-caller-identity"])).stderr).toContain("InvalidClientTokenId");
    // A root key made through CreateAccessKey is the owner's to delete.
    const apiRootKey = { accessKeyId: extra.AccessKeyId!, secretAccessKey: extra.SecretAccessKey! };
    expect((await awsCli(second.url, apiRootKey, ["sts", "get-caller-identity"])).json.Arn).toBe("arn:aws:iam::000000000000:root");
  });

  it.each([
    ["a malformed account id", "accounts:\n  - id: 12345\n    rootAccessKeyId: AKIAPARTNERROOT00001\n    rootSecretAccessKey: partner-secret-000000000\n", /id must be 12 digits/],
    ["a duplicate account", 'accounts:\n  - id: "000000000000"\n    rootAccessKeyId: AKIAPARTNERROOT00001\n    rootSecretAccessKey: partner-secret-000000000\n', /declared twice/],
    ["a list that is not a list", "accounts: 5\n", /accounts must be a list/],
  ])("refuses a config with %s", async (_name, yaml, message) => {
    const config = join(dataDir, "config.yaml");
    writeFileSync(config, yaml);
    await expect(start({ OPEN_STS_CONFIG: config })).rejects.toThrow(message);
  });

  it("logs no secrets", async () => {
    const host = await start();
    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new CreateUserCommand({ UserName: "logged" }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "logged" }))).AccessKey!;
    await iam.send(new CreateRoleCommand({ RoleName: "logged-role", AssumeRolePolicyDocument: trustPolicy({ AWS: "arn:aws:iam::000000000000:user/logged" }) }));
    const credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const session = (
      await stsClient(host.url, credentials).send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::000000000000:role/logged-role", RoleSessionName: "audit" }))
    ).Credentials!;
    await host.stop();
    const output = host.output();
    expect(output).toContain('"eventName":"AssumeRole"');
    expect(output).toContain(session.AccessKeyId!);
    for (const secret of [key.SecretAccessKey!, session.SecretAccessKey!, session.SessionToken!]) expect(output).not.toContain(secret);
  });
});
