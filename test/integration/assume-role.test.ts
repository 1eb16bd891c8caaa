import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  ListRolesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, boto3, type Credentials, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { allowPolicy, DEMO_ROOT, iamClient, stsClient, trustPolicy } from "../support/sdk.js";

const PARTNER_ROOT: Credentials = { accessKeyId: "AKIAPARTNERROOT00001", secretAccessKey: "partner-root-secret-key-for-tests-000000" };
const HOME = "000000000000";
const PARTNER = "111111111111";
const roleArn = (name: string, account = HOME) => `arn:aws:iam::${account}:role/${name}`;

describe("AssumeRole end to end", () => {
  let host: RunningHost;
  let configDir: string;
  let bob: Credentials;
  let bobArn: string;
  let carol: Credentials;

  async function createUserWithKey(root: Credentials, userName: string): Promise<{ credentials: Credentials; arn: string }> {
    const iam = iamClient(host.url, root);
    const user = await iam.send(new CreateUserCommand({ UserName: userName }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return {
      credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! },
      arn: user.User!.Arn!,
    };
  }

  async function createRole(name: string, trust: string, maxSessionDuration?: number): Promise<void> {
    await iamClient(host.url, DEMO_ROOT).send(
      new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust, MaxSessionDuration: maxSessionDuration }),
    );
  }

  const assume = (credentials: Credentials, role: string, ...extra: string[]) =>
    awsCli(host.url, credentials, ["sts", "assume-role", "--role-arn", role, "--role-session-name", "test-session", ...extra]);

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "open-sts-config-"));
    const config = join(configDir, "accounts.yaml");
    writeFileSync(
      config,
      `accounts:\n  - id: "${PARTNER}"\n    rootAccessKeyId: ${PARTNER_ROOT.accessKeyId}\n    rootSecretAccessKey: ${PARTNER_ROOT.secretAccessKey}\n`,
    );
    host = await startHost({ OPEN_STS_CONFIG: config });
    const bobUser = await createUserWithKey(DEMO_ROOT, "bob");
    bob = bobUser.credentials;
    bobArn = bobUser.arn;
    carol = (await createUserWithKey(PARTNER_ROOT, "carol")).credentials;
  });

  afterAll(async () => {
    await host.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  it("issues working credentials when the trust policy names the user", async () => {
    await createRole("named-trust", trustPolicy({ AWS: bobArn }));
    const result = await assume(bob, roleArn("named-trust"));
    expect(result.exitCode).toBe(0);
    const { Credentials: creds, AssumedRoleUser: user } = result.json;
    expect(creds.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(creds.SecretAccessKey).toHaveLength(40);
    expect(creds.SessionToken.length).toBeGreaterThan(100);
    const lifetime = Date.parse(creds.Expiration) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(user.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/named-trust/test-session`);
    expect(user.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{16}:test-session$/);

    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    const identity = await awsCli(host.url, session, ["sts", "get-caller-identity"]);
    expect(identity.json).toEqual({ UserId: user.AssumedRoleId, Account: HOME, Arn: user.Arn });
  });

  it("returns each principal's identity", async () => {
    const asBob = await awsCli(host.url, bob, ["sts", "get-caller-identity"]);
    expect(asBob.json.Arn).toBe(bobArn);
    expect(asBob.json.UserId).toMatch(/^AIDA/);
    const asRoot = await awsCli(host.url, DEMO_ROOT, ["sts", "get-caller-identity"]);
    expect(asRoot.json).toEqual({ UserId: HOME, Account: HOME, Arn: `arn:aws:iam::${HOME}:root` });
  });

  it("needs the user's own policy when the trust policy names the account", async () => {
    await createRole("account-trust", trustPolicy({ AWS: `arn:aws:iam::${HOME}:root` }));
    await createRole("wildcard-trust", trustPolicy("*", { StringEquals: { "aws:PrincipalArn": bobArn } }));
    const user = await createUserWithKey(DEMO_ROOT, "dave");

    const refused = await assume(user.credentials, roleArn("account-trust"));
    expect(cliErrorCode(refused)).toBe("AccessDenied");
    expect(refused.stderr).toContain(`User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn("account-trust")}`);

    await iamClient(host.url, DEMO_ROOT).send(
      new PutUserPolicyCommand({ UserName: "dave", PolicyName: "assume", PolicyDocument: allowPolicy("sts:AssumeRole", roleArn("*")) }),
    );
    expect((await assume(user.credentials, roleArn("account-trust"))).exitCode).toBe(0);
    // The wildcard trust's condition admits only bob.
    expect(cliErrorCode(await assume(user.credentials, roleArn("wildcard-trust")))).toBe("AccessDenied");
    expect((await assume(bob, roleArn("wildcard-trust"))).exitCode).toBe(0);
  });

  it("requires both sides across accounts", async () => {
    await createRole("partner-access", trustPolicy({ AWS: PARTNER }));
    await createRole("no-partner", trustPolicy({ AWS: `arn:aws:iam::${HOME}:root` }));
    const target = roleArn("partner-access");

    expect(cliErrorCode(await assume(carol, target))).toBe("AccessDenied");
    await iamClient(host.url, PARTNER_ROOT).send(
      new PutUserPolicyCommand({ UserName: "carol", PolicyName: "assume", PolicyDocument: allowPolicy("sts:AssumeRole", roleArn("*")) }),
    );
    const granted = await assume(carol, target);
    expect(granted.exitCode).toBe(0);
    expect(granted.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/partner-access/test-session`);
    expect(cliErrorCode(await assume(carol, roleArn("no-partner")))).toBe("AccessDenied");
    // A role in the partner account does not exist: refused like any other role.
    expect(cliErrorCode(await assume(carol, roleArn("partner-access", PARTNER)))).toBe("AccessDenied");
  });

  it("checks the external id", async () => {
    await createRole("vendor", trustPolicy({ AWS: bobArn }, { StringEquals: { "sts:ExternalId": "customer-42" } }));
    expect(cliErrorCode(await assume(bob, roleArn("vendor")))).toBe("AccessDenied");
    expect(cliErrorCode(await assume(bob, roleArn("vendor"), "--external-id", "customer-43"))).toBe("AccessDenied");
    expect((await assume(bob, roleArn("vendor"), "--external-id", "customer-42")).exitCode).toBe(0);
  });

  it("bounds the session duration", async () => {
    await createRole("short", trustPolicy({ AWS: bobArn }));
    await createRole("long", trustPolicy({ AWS: bobArn }), 43200);
    expect((await assume(bob, roleArn("short"), "--duration-seconds", "900")).exitCode).toBe(0);
    const tooLong = await assume(bob, roleArn("short"), "--duration-seconds", "3601");
    expect(cliErrorCode(tooLong)).toBe("ValidationError");
    expect(tooLong.stderr).toContain("exceeds the MaxSessionDuration set for this role");
    const long = await assume(bob, roleArn("long"), "--duration-seconds", "43200");
    expect(Date.parse(long.json.Credentials.Expiration) - Date.now()).toBeGreaterThan(43100_000);
    expect(cliErrorCode(await assume(bob, roleArn("long"), "--duration-seconds", "43201"))).toBe("ValidationError");
  });

  it("caps role chaining at one hour", async () => {
    await createRole("first-hop", trustPolicy({ AWS: bobArn }), 43200);
    await createRole("second-hop", trustPolicy({ AWS: roleArn("first-hop") }), 43200);
    const first = (await assume(bob, roleArn("first-hop"))).json.Credentials;
    const session = { accessKeyId: first.AccessKeyId, secretAccessKey: first.SecretAccessKey, sessionToken: first.SessionToken };
    const chained = await assume(session, roleArn("second-hop"), "--duration-seconds", "3601");
    expect(cliErrorCode(chained)).toBe("ValidationError");
    expect(chained.stderr).toContain("1 hour session limit for roles assumed by role chaining");
    const granted = await assume(session, roleArn("second-hop"), "--duration-seconds", "3600");
    expect(granted.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/second-hop/test-session`);
  });

  it("limits a session to its role's policies", async () => {
    await createRole("lister", trustPolicy({ AWS: bobArn }));
    const creds = (await assume(bob, roleArn("lister"))).json.Credentials;
    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    const refused = await awsCli(host.url, session, ["iam", "list-roles"]);
    expect(cliErrorCode(refused)).toBe("AccessDenied");
    expect(refused.stderr).toContain(`assumed-role/lister/test-session is not authorized to perform: iam:ListRoles`);

    await iamClient(host.url, DEMO_ROOT).send(
      new PutRolePolicyCommand({ RoleName: "lister", PolicyName: "list", PolicyDocument: allowPolicy("iam:ListRoles", "*") }),
    );
    const listed = await iamClient(host.url, session).send(new ListRolesCommand({}));
    expect(listed.Roles?.some((role) => role.RoleName === "lister")).toBe(true);
  });

  it("limits a session to its session policy", async () => {
    await createRole("shaped", trustPolicy({ AWS: bobArn }));
    await iamClient(host.url, DEMO_ROOT).send(
      new PutRolePolicyCommand({ RoleName: "shaped", PolicyName: "read", PolicyDocument: allowPolicy("iam:*", "*") }),
    );
    const sessionPolicy = allowPolicy("iam:GetRole", roleArn("shaped"));
    const result = await assume(bob, roleArn("shaped"), "--policy", sessionPolicy);
    expect(result.json.PackedPolicySize).toBe(Math.ceil((sessionPolicy.replace(/\s/g, "").length * 100) / 4096));
    const creds = result.json.Credentials;
    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };

    // The role allows every IAM action; the session policy lets through only GetRole on this role.
    expect((await awsCli(host.url, session, ["iam", "get-role", "--role-name", "shaped"])).exitCode).toBe(0);
    const refused = await awsCli(host.url, session, ["iam", "list-roles"]);
    expect(cliErrorCode(refused)).toBe("AccessDenied");
    expect(refused.stderr).toContain("because no session policy allows the iam:ListRoles action");

    const malformed = await assume(bob, roleArn("shaped"), "--policy", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}');
    expect(cliErrorCode(malformed)).toBe("MalformedPolicyDocument");
    const tooLong = await assume(bob, roleArn("shaped"), "--policy", allowPolicy("iam:GetRole", `arn:aws:iam::${HOME}:role/${"r".repeat(2048)}`));
    expect(cliErrorCode(tooLong)).toBe("ValidationError");
  });

  it("limits a session to managed session policies", async () => {
    await createRole("managed-shaped", trustPolicy({ AWS: bobArn }));
    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new PutRolePolicyCommand({ RoleName: "managed-shaped", PolicyName: "all", PolicyDocument: allowPolicy("iam:*", "*") }));
    const readRole = (await iam.send(new CreatePolicyCommand({ PolicyName: "read-role", PolicyDocument: allowPolicy("iam:GetRole", "*") }))).Policy!.Arn!;
    const listRoles = (await iam.send(new CreatePolicyCommand({ PolicyName: "list-roles", PolicyDocument: allowPolicy("iam:ListRoles", "*") }))).Policy!.Arn!;

    const result = await assume(bob, roleArn("managed-shaped"), "--policy-arns", `arn=${readRole}`, `arn=${listRoles}`);
    expect(result.json.PackedPolicySize).toBeGreaterThan(0);
    const creds = result.json.Credentials;
    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    // The session may do what either managed policy allows, and nothing else the role allows.
    expect((await awsCli(host.url, session, ["iam", "get-role", "--role-name", "managed-shaped"])).exitCode).toBe(0);
    expect((await awsCli(host.url, session, ["iam", "list-roles"])).exitCode).toBe(0);
    expect(cliErrorCode(await awsCli(host.url, session, ["iam", "list-users"]))).toBe("AccessDenied");

    const elevenPolicies = Array.from({ length: 11 }, () => `arn=${readRole}`);
    expect(cliErrorCode(await assume(bob, roleArn("managed-shaped"), "--policy-arns", ...elevenPolicies))).toBe("ValidationError");
    const missing = `arn:aws:iam::${HOME}:policy/missing`;
    expect(cliErrorCode(await assume(bob, roleArn("managed-shaped"), "--policy-arns", `arn=${missing}`))).toBe("ValidationError");
  });

  it("passes session tags and source identity", async () => {
    const trustWith = (actions: string[]) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: bobArn }, Action: actions }] });
    const tagged = ["--tags", "Key=Project,Value=Apollo", "Key=Team,Value=Blue", "--transitive-tag-keys", "Project", "--source-identity", "bob-laptop"];
    await createRole("no-tagging", trustWith(["sts:AssumeRole"]));
    expect(cliErrorCode(await assume(bob, roleArn("no-tagging"), ...tagged))).toBe("AccessDenied");
    await createRole("no-source-identity", trustWith(["sts:AssumeRole", "sts:TagSession"]));
    expect(cliErrorCode(await assume(bob, roleArn("no-source-identity"), ...tagged))).toBe("AccessDenied");

    const everything = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
    await createRole("tagged", trustWith(everything));
    const readIfApollo = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "iam:GetRole", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/Project": "Apollo" } } },
        { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" },
      ],
    });
    await iamClient(host.url, DEMO_ROOT).send(new PutRolePolicyCommand({ RoleName: "tagged", PolicyName: "read", PolicyDocument: readIfApollo }));
    const first = await assume(bob, roleArn("tagged"), ...tagged);
    expect(first.json.SourceIdentity).toBe("bob-laptop");
    expect(first.json.PackedPolicySize).toBeGreaterThan(0);
    const creds = first.json.Credentials;
    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    expect((await awsCli(host.url, session, ["iam", "get-role", "--role-name", "tagged"])).exitCode).toBe(0);

    // Along a chain, the transitive tag and the source identity stay as they are.
    await createRole("next", JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: roleArn("tagged") }, Action: everything }] }));
    const chain = (...extra: string[]) => awsCli(host.url, session, ["sts", "assume-role", "--role-arn", roleArn("next"), "--role-session-name", "next", ...extra]);
    expect(cliErrorCode(await chain("--tags", "Key=project,Value=Other"))).toBe("ValidationError");
    expect(cliErrorCode(await chain("--source-identity", "someone-else"))).toBe("ValidationError");
    const chained = await chain("--tags", "Key=Stage,Value=Prod", "--source-identity", "bob-laptop");
    expect(chained.exitCode).toBe(0);
    expect(chained.json.SourceIdentity).toBe("bob-laptop");

    // The request's own limits: transitive keys must be among its tags, and aws: is reserved.
    expect(cliErrorCode(await assume(bob, roleArn("tagged"), "--tags", "Key=A,Value=1", "--transitive-tag-keys", "B"))).toBe("ValidationError");
    expect(cliErrorCode(await assume(bob, roleArn("tagged"), "--source-identity", "aws:admin"))).toBe("ValidationError");
  });

  it("carries tags through a chain of three", async () => {
    const everything = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"];
    const trusting = (principal: string) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: everything }] });
    await createRole("chain-1", trusting(bobArn));
    await createRole("chain-2", trusting(roleArn("chain-1")));
    await createRole("chain-3", trusting(roleArn("chain-2")));
    const readIfCarried = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "iam:GetRole",
          Resource: "*",
          Condition: { StringEquals: { "aws:PrincipalTag/Project": "Apollo", "aws:SourceIdentity": "bob-laptop" }, Null: { "aws:PrincipalTag/Desk": "true" } },
        },
      ],
    });
    await iamClient(host.url, DEMO_ROOT).send(new PutRolePolicyCommand({ RoleName: "chain-3", PolicyName: "read", PolicyDocument: readIfCarried }));

    const credentialsOf = (result: Awaited<ReturnType<typeof assume>>): Credentials => ({
      accessKeyId: result.json.Credentials.AccessKeyId,
      secretAccessKey: result.json.Credentials.SecretAccessKey,
      sessionToken: result.json.Credentials.SessionToken,
    });
    const first = await assume(bob, roleArn("chain-1"), "--tags", "Key=Project,Value=Apollo", "Key=Desk,Value=7", "--transitive-tag-keys", "Project", "--source-identity", "bob-laptop");
    const second = await assume(credentialsOf(first), roleArn("chain-2"));
    expect(second.json.SourceIdentity).toBe("bob-laptop");
    const third = await assume(credentialsOf(second), roleArn("chain-3"), "--duration-seconds", "3600");
    expect(third.json.SourceIdentity).toBe("bob-laptop");
    expect(third.json.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/chain-3/test-session`);
    // Only the transitive tag reached the third session; the other one stayed with the first.
    expect((await awsCli(host.url, credentialsOf(third), ["iam", "get-role", "--role-name", "chain-3"])).exitCode).toBe(0);
    expect(cliErrorCode(await assume(credentialsOf(second), roleArn("chain-3"), "--duration-seconds", "3601"))).toBe("ValidationError");
  });

  it("treats role tags as principal tags", async () => {
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: bobArn }, Action: ["sts:AssumeRole", "sts:TagSession"] }] });
    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new CreateRoleCommand({ RoleName: "red-team", AssumeRolePolicyDocument: trust, Tags: [{ Key: "Team", Value: "Red" }] }));
    const readIfRed = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "iam:GetRole", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/Team": "Red" } } }],
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: "red-team", PolicyName: "read", PolicyDocument: readIfRed }));
    const sessionOf = async (...extra: string[]) => {
      const creds = (await assume(bob, roleArn("red-team"), ...extra)).json.Credentials;
      return { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    };
    const getRole = (session: Credentials) => awsCli(host.url, session, ["iam", "get-role", "--role-name", "red-team"]);
    expect((await getRole(await sessionOf())).exitCode).toBe(0);
    // A session tag with the same key, in any case, replaces the role's tag.
    expect(cliErrorCode(await getRole(await sessionOf("--tags", "Key=team,Value=Blue")))).toBe("AccessDenied");
  });

  it("revokes sessions issued before a time", async () => {
    await createRole("revocable", trustPolicy({ AWS: bobArn }));
    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new PutRolePolicyCommand({ RoleName: "revocable", PolicyName: "list", PolicyDocument: allowPolicy("iam:ListRoles", "*") }));
    const creds = (await assume(bob, roleArn("revocable"))).json.Credentials;
    const session = { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken };
    expect((await awsCli(host.url, session, ["iam", "list-roles"])).exitCode).toBe(0);

    // The revocation AWS documents: deny everything to sessions issued before now.
    const revokeBefore = new Date(Date.now() + 1000).toISOString();
    const revoke = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { DateLessThan: { "aws:TokenIssueTime": revokeBefore } } }],
    });
    await iam.send(new PutRolePolicyCommand({ RoleName: "revocable", PolicyName: "revoke", PolicyDocument: revoke }));
    const refused = await awsCli(host.url, session, ["iam", "list-roles"]);
    expect(cliErrorCode(refused)).toBe("AccessDenied");
    expect(refused.stderr).toContain("with an explicit deny in an identity-based policy");
  });

  it("works with boto3", async () => {
    await createRole("boto", trustPolicy({ AWS: bobArn }));
    const result = await boto3(
      host.url,
      bob,
      `
import boto3, json, os
sts = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"])
creds = sts.assume_role(RoleArn="${roleArn("boto")}", RoleSessionName="py", DurationSeconds=1800)["Credentials"]
session = boto3.client("sts", endpoint_url=os.environ["ENDPOINT"], aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
print(json.dumps({"arn": session.get_caller_identity()["Arn"], "expiration": creds["Expiration"].isoformat()}))
`,
    );
    expect(result.arn).toBe(`arn:aws:sts::${HOME}:assumed-role/boto/py`);
    expect(Date.parse(result.expiration) - Date.now()).toBeGreaterThan(1700_000);
  });

  it("works with the SDK's fromTemporaryCredentials", async () => {
    await createRole("sdk", trustPolicy({ AWS: bobArn }));
    const provider = fromTemporaryCredentials({
      masterCredentials: bob,
      params: { RoleArn: roleArn("sdk"), RoleSessionName: "js" },
      clientConfig: { endpoint: host.url, region: "us-east-1" },
    });
    const identity = await stsClient(host.url, await provider()).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${HOME}:assumed-role/sdk/js`);
  });

  it("rejects a trust policy naming a missing user", async () => {
    const created = await awsCli(host.url, DEMO_ROOT, [
      "iam", "create-role", "--role-name", "ghost-trust",
      "--assume-role-policy-document", trustPolicy({ AWS: `arn:aws:iam::${HOME}:user/ghost` }),
    ]);
    expect(cliErrorCode(created)).toBe("MalformedPolicyDocument");
    expect(created.stderr).toContain(`Invalid principal in policy: "AWS":"arn:aws:iam::${HOME}:user/ghost"`);
  });

  it("does not trust a user recreated under the same name", async () => {
    const first = await createUserWithKey(DEMO_ROOT, "phoenix");
    await createRole("phoenix-role", trustPolicy({ AWS: first.arn }));
    expect((await assume(first.credentials, roleArn("phoenix-role"))).exitCode).toBe(0);

    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new DeleteAccessKeyCommand({ UserName: "phoenix", AccessKeyId: first.credentials.accessKeyId }));
    await iam.send(new DeleteUserCommand({ UserName: "phoenix" }));
    const second = await createUserWithKey(DEMO_ROOT, "phoenix");
    expect(second.arn).toBe(first.arn);
    const refused = await assume(second.credentials, roleArn("phoenix-role"));
    expect(cliErrorCode(refused)).toBe("AccessDenied");
  });

  it("refuses root credentials", async () => {
    await createRole("root-target", trustPolicy({ AWS: `arn:aws:iam::${HOME}:root` }));
    const refused = await assume(DEMO_ROOT, roleArn("root-target"));
    expect(cliErrorCode(refused)).toBe("AccessDenied");
  });
});
