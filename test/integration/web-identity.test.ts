import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  GetRoleCommand,
  type IAMClient,
  ListRolesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromTokenFile } from "@aws-sdk/credential-providers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, clientEnv, cliErrorCode, type Credentials } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { startTestIdp, type TestIdp } from "../support/oidc-idp.js";
import { DEMO_ROOT, iamClient, stsClient } from "../support/sdk.js";

const ANONYMOUS: Credentials = { accessKeyId: "", secretAccessKey: "" };

/** Builds a trust policy that lets tokens of `providerArn` assume the role, with `conditions` on their claims. */
function webIdentityTrust(providerArn: string, conditions: Record<string, string>, actions: string[] = ["sts:AssumeRoleWithWebIdentity"]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: providerArn }, Action: actions, Condition: { StringEquals: conditions } }],
  });
}

/** Calls AssumeRoleWithWebIdentity with the AWS CLI, which sends it unsigned. */
function cliAssume(host: RunningHost, roleArn: string, token: string, ...extra: string[]) {
  return awsCli(host.url, ANONYMOUS, [
    "sts",
    "assume-role-with-web-identity",
    "--role-arn",
    roleArn,
    "--role-session-name",
    "ci-job",
    "--web-identity-token",
    token,
    ...extra,
  ]);
}

describe("AssumeRoleWithWebIdentity with a real OpenID provider", () => {
  let host: RunningHost;
  let idp: TestIdp;
  let iam: IAMClient;
  let providerArn: string;
  let keyPrefix: string;
  let roleCount = 0;

  const createRole = async (trust: string, policy?: string): Promise<string> => {
    const roleName = `web-${++roleCount}`;
    const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
    if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "inline", PolicyDocument: policy }));
    return role.Role!.Arn!;
  };

  beforeAll(async () => {
    idp = await startTestIdp();
    host = await startHost({ OPEN_STS_JWKS_COOLDOWN_SECONDS: "0", OPEN_STS_JWKS_MAX_AGE_SECONDS: "2", OPEN_STS_UNSIGNED_RATE_PER_SECOND: "0" });
    iam = iamClient(host.url, DEMO_ROOT);
    providerArn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: idp.issuer, ClientIDList: ["sts.amazonaws.com"] })))
      .OpenIDConnectProviderArn!;
    keyPrefix = idp.issuer.slice("http://".length);
  });
  afterAll(async () => {
    iam?.destroy();
    await host?.stop();
    await idp?.close();
  });

  it("issues working credentials to the AWS CLI", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com", [`${keyPrefix}:sub`]: idp.clientId }));
    const result = await cliAssume(host, roleArn, await idp.token(), "--duration-seconds", "900");
    expect(result.stderr).toBe("");
    const response = result.json;
    expect(response.SubjectFromWebIdentityToken).toBe(idp.clientId);
    expect(response.Audience).toBe("sts.amazonaws.com");
    expect(response.Provider).toBe(providerArn);
    expect(response.AssumedRoleUser.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/web-${roleCount}/ci-job`);
    expect(response.Credentials.AccessKeyId).toMatch(/^ASIA/);
    const expiration = Date.parse(response.Credentials.Expiration);
    expect(expiration - Date.now()).toBeGreaterThan(800_000);
    expect(expiration - Date.now()).toBeLessThanOrEqual(900_000);

    const credentials = {
      accessKeyId: response.Credentials.AccessKeyId,
      secretAccessKey: response.Credentials.SecretAccessKey,
      sessionToken: response.Credentials.SessionToken,
    };
    const identity = await awsCli(host.url, credentials, ["sts", "get-caller-identity"]);
    expect(identity.json.Arn).toBe(response.AssumedRoleUser.Arn);
  });

  it("applies a session policy", async () => {
    const roleArn = await createRole(
      webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }),
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] }),
    );
    const sessionPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:GetRole", Resource: roleArn }] });
    const result = await cliAssume(host, roleArn, await idp.token(), "--policy", sessionPolicy);
    expect(result.json.PackedPolicySize).toBeGreaterThan(0);
    const session = iamClient(host.url, {
      accessKeyId: result.json.Credentials.AccessKeyId,
      secretAccessKey: result.json.Credentials.SecretAccessKey,
      sessionToken: result.json.Credentials.SessionToken,
    });
    try {
      await expect(session.send(new GetRoleCommand({ RoleName: roleArn.split("/").pop()! }))).resolves.toHaveProperty("Role");
      await expect(session.send(new GetRoleCommand({ RoleName: "web-1" }))).rejects.toMatchObject({ name: "AccessDenied" });
    } finally {
      session.destroy();
    }
    const tooLong = await cliAssume(host, roleArn, await idp.token(), "--policy", `${sessionPolicy}${" ".repeat(2049 - sessionPolicy.length)}`);
    expect(cliErrorCode(tooLong)).toBe("ValidationError");

    // A managed session policy narrows the session the same way.
    const listRoles = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:ListRoles", Resource: "*" }] });
    const managed = (await iam.send(new CreatePolicyCommand({ PolicyName: "web-list-roles", PolicyDocument: listRoles }))).Policy!.Arn!;
    const viaArn = await cliAssume(host, roleArn, await idp.token(), "--policy-arns", `arn=${managed}`);
    const managedSession = iamClient(host.url, {
      accessKeyId: viaArn.json.Credentials.AccessKeyId,
      secretAccessKey: viaArn.json.Credentials.SecretAccessKey,
      sessionToken: viaArn.json.Credentials.SessionToken,
    });
    try {
      await expect(managedSession.send(new ListRolesCommand({}))).resolves.toHaveProperty("Roles");
      await expect(managedSession.send(new GetRoleCommand({ RoleName: roleArn.split("/").pop()! }))).rejects.toMatchObject({ name: "AccessDenied" });
    } finally {
      managedSession.destroy();
    }
  });

  it("rejects claims the trust policy excludes", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:sub`]: "repo:octo-org/other:ref:refs/heads/main" }));
    const result = await cliAssume(host, roleArn, await idp.token());
    expect(cliErrorCode(result)).toBe("AccessDenied");
    expect(result.stderr).toContain("Not authorized to perform sts:AssumeRoleWithWebIdentity");
  });

  it("serves the SDK's token file provider", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }));
    const folder = mkdtempSync(join(tmpdir(), "open-sts-token-"));
    try {
      const tokenFile = join(folder, "token");
      writeFileSync(tokenFile, await idp.token());
      const credentials = fromTokenFile({
        webIdentityTokenFile: tokenFile,
        roleArn,
        roleSessionName: "pod-session",
        clientConfig: { endpoint: host.url, region: "us-east-1", maxAttempts: 1 },
      });
      const sts = new STSClient({ endpoint: host.url, region: "us-east-1", credentials, maxAttempts: 1 });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/web-${roleCount}/pod-session`);
      sts.destroy();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("serves boto3's web identity environment variables", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }));
    const folder = mkdtempSync(join(tmpdir(), "open-sts-token-"));
    try {
      const tokenFile = join(folder, "token");
      // Written as `echo "$TOKEN" > file` would write it, with a line break that botocore sends along.
      writeFileSync(tokenFile, `${await idp.token()}\n`);
      const env = clientEnv(ANONYMOUS);
      delete env.AWS_ACCESS_KEY_ID;
      delete env.AWS_SECRET_ACCESS_KEY;
      const script = [
        "import boto3, json, os",
        "session = boto3.session.Session()",
        "identity = session.client('sts', endpoint_url=os.environ['ENDPOINT']).get_caller_identity()",
        "print(json.dumps({'Arn': identity['Arn'], 'method': session.get_credentials().method}))",
      ].join("\n");
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          "python3",
          ["-c", script],
          {
            env: {
              ...env,
              ENDPOINT: host.url,
              AWS_ENDPOINT_URL_STS: host.url,
              AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
              AWS_ROLE_ARN: roleArn,
              AWS_ROLE_SESSION_NAME: "boto3-session",
            },
            timeout: 60_000,
          },
          (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)),
        ),
      );
      const result = JSON.parse(stdout);
      expect(result.method).toBe("assume-role-with-web-identity");
      expect(result.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/web-${roleCount}/boto3-session`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("follows the provider's key rotation", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }));
    const sts = stsClient(host.url, DEMO_ROOT);
    const assume = (token: string) =>
      sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "rotation", WebIdentityToken: token }));
    try {
      const before = await idp.token();
      await expect(assume(before)).resolves.toHaveProperty("Credentials.AccessKeyId");

      // A token signed with the new key makes the service fetch the key set again.
      await idp.rotate({ keepOld: true });
      const after = await idp.token();
      expect(kidOf(after)).not.toBe(kidOf(before));
      await expect(assume(after)).resolves.toHaveProperty("Credentials.AccessKeyId");
      // The old key is still published, so tokens already issued keep working.
      await expect(assume(before)).resolves.toHaveProperty("Credentials.AccessKeyId");

      // Once the provider retires the old key and the cached key set expires, its tokens fail.
      await idp.rotate({ keepOld: false });
      const newest = await idp.token();
      await expect(assume(newest)).resolves.toHaveProperty("Credentials.AccessKeyId");
      await new Promise((resolve) => setTimeout(resolve, 2100));
      await expect(assume(before)).rejects.toMatchObject({ name: "InvalidIdentityTokenException" });
    } finally {
      sts.destroy();
    }
  });

  it("carries the token's session tags and source identity into the session", async () => {
    const tagged = await startTestIdp({
      extraClaims: {
        "https://aws.amazon.com/tags": { principal_tags: { Project: ["Automation"], Team: ["Blue"] }, transitive_tag_keys: ["Project"] },
        "https://aws.amazon.com/source_identity": "ci-runner-42",
      },
    });
    try {
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tagged.issuer, ClientIDList: ["sts.amazonaws.com"] })))
        .OpenIDConnectProviderArn!;
      const prefix = tagged.issuer.slice("http://".length);
      const readOwnRole = (project: string) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "iam:GetRole", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/Project": project } } }],
        });
      const token = await tagged.token();

      // Tags need sts:TagSession and a source identity needs sts:SetSourceIdentity.
      const withoutTagSession = await createRole(webIdentityTrust(arn, { [`${prefix}:aud`]: "sts.amazonaws.com" }));
      expect(cliErrorCode(await cliAssume(host, withoutTagSession, token))).toBe("AccessDenied");
      const withoutSourceIdentity = await createRole(
        webIdentityTrust(arn, { [`${prefix}:aud`]: "sts.amazonaws.com" }, ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]),
      );
      expect(cliErrorCode(await cliAssume(host, withoutSourceIdentity, token))).toBe("AccessDenied");
      const onlyOtherTeam = await createRole(
        webIdentityTrust(arn, { "aws:RequestTag/Team": "Red" }, ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]),
      );
      expect(cliErrorCode(await cliAssume(host, onlyOtherTeam, token))).toBe("AccessDenied");

      const actions = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"];
      const roleArn = await createRole(webIdentityTrust(arn, { "aws:RequestTag/Team": "Blue" }, actions), readOwnRole("Automation"));
      const otherArn = await createRole(webIdentityTrust(arn, { "aws:RequestTag/Team": "Blue" }, actions), readOwnRole("Other"));
      const granted = await cliAssume(host, roleArn, token);
      expect(granted.json.SourceIdentity).toBe("ci-runner-42");
      const denied = await cliAssume(host, otherArn, token);
      const session = (response: typeof granted) =>
        iamClient(host.url, {
          accessKeyId: response.json.Credentials.AccessKeyId,
          secretAccessKey: response.json.Credentials.SecretAccessKey,
          sessionToken: response.json.Credentials.SessionToken,
        });
      const grantedIam = session(granted);
      const deniedIam = session(denied);
      try {
        // The session's tag Project=Automation satisfies one role's policy and not the other's.
        await expect(grantedIam.send(new GetRoleCommand({ RoleName: roleArn.split("/").pop()! }))).resolves.toHaveProperty("Role");
        await expect(deniedIam.send(new GetRoleCommand({ RoleName: otherArn.split("/").pop()! }))).rejects.toMatchObject({
          name: "AccessDenied",
        });
      } finally {
        grantedIam.destroy();
        deniedIam.destroy();
      }
    } finally {
      await tagged.close();
    }
  });

  it("passes transitive tags and source identity along a chain", async () => {
    const tagged = await startTestIdp({
      extraClaims: {
        "https://aws.amazon.com/tags": { principal_tags: { Project: ["Automation"], Team: ["Blue"] }, transitive_tag_keys: ["Project"] },
        "https://aws.amazon.com/source_identity": "ci-runner-42",
      },
    });
    try {
      const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: tagged.issuer, ClientIDList: ["sts.amazonaws.com"] })))
        .OpenIDConnectProviderArn!;
      const first = await createRole(webIdentityTrust(arn, {}, ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:SetSourceIdentity"]));
      const trustFirst = (actions: string[]) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: first }, Action: actions }] });
      // The second session may read roles only with the transitive tag, without the other one, and with the source identity.
      const chainedPolicy = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "iam:GetRole",
            Resource: "*",
            Condition: {
              StringEquals: { "aws:PrincipalTag/Project": "Automation", "aws:SourceIdentity": "ci-runner-42" },
              Null: { "aws:PrincipalTag/Team": "true" },
            },
          },
        ],
      });
      const second = await createRole(trustFirst(["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]), chainedPolicy);
      const withoutTagSession = await createRole(trustFirst(["sts:AssumeRole", "sts:SetSourceIdentity"]));
      const withoutSourceIdentity = await createRole(trustFirst(["sts:AssumeRole", "sts:TagSession"]));

      const federated = await cliAssume(host, first, await tagged.token());
      const firstCredentials = {
        accessKeyId: federated.json.Credentials.AccessKeyId,
        secretAccessKey: federated.json.Credentials.SecretAccessKey,
        sessionToken: federated.json.Credentials.SessionToken,
      };
      const assumeNext = (roleArn: string) =>
        awsCli(host.url, firstCredentials, ["sts", "assume-role", "--role-arn", roleArn, "--role-session-name", "next"]);
      expect(cliErrorCode(await assumeNext(withoutTagSession))).toBe("AccessDenied");
      expect(cliErrorCode(await assumeNext(withoutSourceIdentity))).toBe("AccessDenied");

      const chained = await assumeNext(second);
      expect(chained.json.SourceIdentity).toBe("ci-runner-42");
      const chainedIam = iamClient(host.url, {
        accessKeyId: chained.json.Credentials.AccessKeyId,
        secretAccessKey: chained.json.Credentials.SecretAccessKey,
        sessionToken: chained.json.Credentials.SessionToken,
      });
      try {
        await expect(chainedIam.send(new GetRoleCommand({ RoleName: second.split("/").pop()! }))).resolves.toHaveProperty("Role");
      } finally {
        chainedIam.destroy();
      }
    } finally {
      await tagged.close();
    }
  });

  it("reports an identity provider it cannot reach", async () => {
    const stopped = await startTestIdp();
    const token = await stopped.token();
    const arn = (await iam.send(new CreateOpenIDConnectProviderCommand({ Url: stopped.issuer, ClientIDList: ["sts.amazonaws.com"] })))
      .OpenIDConnectProviderArn!;
    await stopped.close();
    const roleArn = await createRole(webIdentityTrust(arn, {}));
    const result = await cliAssume(host, roleArn, token);
    expect(cliErrorCode(result)).toBe("IDPCommunicationError");
    expect(result.stderr).not.toContain(token);
  });

  it("rejects an unregistered issuer", async () => {
    const stranger = await startTestIdp();
    try {
      const roleArn = await createRole(webIdentityTrust(providerArn, {}));
      const result = await cliAssume(host, roleArn, await stranger.token());
      expect(cliErrorCode(result)).toBe("InvalidIdentityToken");
      expect(result.stderr).toContain(`No OpenIDConnect provider found in your account for ${stranger.issuer}`);
      expect(stranger.requests("/.well-known/openid-configuration")).toBe(0);
    } finally {
      await stranger.close();
    }
  });

  it("keeps tokens and secrets out of the log", async () => {
    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }));
    const token = await idp.token();
    const granted = await cliAssume(host, roleArn, token);
    const rejected = await cliAssume(host, roleArn, `${token.slice(0, -4)}AAAA`);
    expect(cliErrorCode(rejected)).toBe("InvalidIdentityToken");

    // The audit line of the successful call names its access key id; wait for it to arrive.
    const accessKeyId = granted.json.Credentials.AccessKeyId;
    for (let attempt = 0; attempt < 50 && !host.output().includes(accessKeyId); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const log = host.output();
    expect(log).toContain(accessKeyId);
    // The audit line names the token holder as CloudTrail does.
    expect(log).toContain(`"principalId":"${providerArn}:sts.amazonaws.com:${idp.clientId}"`);
    expect(log).toContain('"type":"WebIdentityUser"');
    expect(log).not.toContain(token.split(".")[2]);
    expect(log).not.toContain(granted.json.Credentials.SecretAccessKey);
    expect(log).not.toContain(granted.json.Credentials.SessionToken);
  });

  it("answers browsers' cross-origin requests", async () => {
    const preflight = await fetch(host.url, {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");

    const roleArn = await createRole(webIdentityTrust(providerArn, { [`${keyPrefix}:aud`]: "sts.amazonaws.com" }));
    const response = await fetch(host.url, {
      method: "POST",
      headers: { origin: "https://app.example.com", "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        Action: "AssumeRoleWithWebIdentity",
        Version: "2011-06-15",
        RoleArn: roleArn,
        RoleSessionName: "browser",
        WebIdentityToken: await idp.token(),
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toContain("x-amzn-requestid");
    expect(await response.text()).toContain("<AssumedRoleUser>");
  });
});

describe("AssumeRoleWithWebIdentity rate limit", () => {
  let host: RunningHost;
  beforeAll(async () => {
    host = await startHost({ OPEN_STS_UNSIGNED_RATE_PER_SECOND: "2" });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("throttles one source address that calls too often", async () => {
    const call = () =>
      fetch(host.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          Action: "AssumeRoleWithWebIdentity",
          Version: "2011-06-15",
          RoleArn: "arn:aws:iam::000000000000:role/none",
          RoleSessionName: "burst",
          WebIdentityToken: "not.a.token",
        }),
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const responses = await Promise.all(Array.from({ length: 10 }, call));
    const throttled = responses.filter((response) => response.body.includes("<Code>Throttling</Code>"));
    // The bucket allows a burst of twice the rate, so four requests pass and the others are throttled.
    expect(throttled.length).toBe(6);
    expect(throttled.every((response) => response.status === 400 && response.body.includes("Rate exceeded"))).toBe(true);
    const passed = responses.filter((response) => !response.body.includes("<Code>Throttling</Code>"));
    expect(passed.every((response) => response.body.includes("<Code>InvalidIdentityToken</Code>"))).toBe(true);

    // Signed calls are not limited by it.
    const identity = await awsCli(host.url, DEMO_ROOT, ["sts", "get-caller-identity"]);
    expect(identity.json.Account).toBe("000000000000");
  });
});

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString("utf8")).kid;
}
