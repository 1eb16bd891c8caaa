import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  EnableOutboundWebIdentityFederationCommand,
  GetOutboundWebIdentityFederationInfoCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import {
  AssumeRoleCommand,
  GetFederationTokenCommand,
  type GetFederationTokenCommandOutput,
  GetSessionTokenCommand,
  type GetSessionTokenCommandOutput,
  GetWebIdentityTokenCommand,
  type GetWebIdentityTokenCommandInput,
} from "@aws-sdk/client-sts";
import { createRemoteJWKSet, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { allowInsecureRequests, discovery } from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, type Credentials, cliErrorCode } from "../support/clients.js";
import { REPO_ROOT, type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient, stsClient } from "../support/sdk.js";

const run = promisify(execFile);

const HOME = "000000000000";
const PARTNER = "111111111111";
const CYCLE = "222222222222";
const PARTNER_ROOT: Credentials = { accessKeyId: "AKIAPARTNERROOT00001", secretAccessKey: "partner-root-secret-key-for-tests-000000" };
const CYCLE_ROOT: Credentials = { accessKeyId: "AKIACYCLEROOT0000001", secretAccessKey: "cycle-root-secret-key-for-tests-0000000" };
const AWS_CLAIMS = "https://sts.amazonaws.com/";
const ISSUER = /^http:\/\/127\.0\.0\.1:\d+\/outbound\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"];

type Statement = Record<string, unknown>;
const policy = (...statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const allow = (action: string | string[], condition?: unknown): Statement => ({
  Effect: "Allow",
  Action: action,
  Resource: "*",
  ...(condition ? { Condition: condition } : {}),
});
const TOKEN_ACTIONS = ["sts:GetWebIdentityToken", "sts:TagGetWebIdentityToken"];
// The AWS CLI v1 reads a parameter that starts with http:// or https:// from that URL, so
// audiences given to the CLI are URNs.
const CLI_AUDIENCE = "urn:example:api";

interface RelyingParty {
  issuer: string;
  jwksUri: string;
  verify(token: string, audience: string): Promise<JWTPayload>;
}

/**
 * Builds a relying party as an external service would: openid-client reads the discovery
 * document at the issuer (checking that it names the same issuer), and jose verifies tokens
 * against the JWKS it points to. The key set is fetched again at once on an unknown kid.
 */
async function relyingParty(issuer: string): Promise<RelyingParty> {
  // Plain http is allowed here only because the issuer is the test's own loopback host.
  const configuration = await discovery(new URL(issuer), "relying-party", undefined, undefined, { execute: [allowInsecureRequests] });
  const metadata = configuration.serverMetadata();
  const keySet = createRemoteJWKSet(new URL(metadata.jwks_uri!), { cooldownDuration: 0 });
  return {
    issuer: metadata.issuer,
    jwksUri: metadata.jwks_uri!,
    verify: async (token, audience) => {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: metadata.issuer,
        audience,
        algorithms: metadata.id_token_signing_alg_values_supported!,
        requiredClaims: ["iss", "sub", "aud", "iat", "exp", "jti"],
      });
      return payload;
    },
  };
}

/** Returns the AWS claims of a verified token. */
function awsClaims(payload: JWTPayload): Record<string, unknown> {
  return payload[AWS_CLAIMS] as Record<string, unknown>;
}

/** Returns the error an SDK call was rejected with, or fails when it succeeded. */
async function rejection(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const failure = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: failure.name, status: failure.$metadata?.httpStatusCode, message: failure.message };
  }
  throw new Error("the call succeeded, but an error was expected");
}

async function accountsFile(dir: string): Promise<string> {
  const path = join(dir, "accounts.yaml");
  const entry = (id: string, root: Credentials) =>
    `  - id: "${id}"\n    rootAccessKeyId: ${root.accessKeyId}\n    rootSecretAccessKey: ${root.secretAccessKey}\n`;
  writeFileSync(path, `accounts:\n${entry(PARTNER, PARTNER_ROOT)}${entry(CYCLE, CYCLE_ROOT)}`);
  return path;
}

/** Creates a user with an access key and, when given, an inline policy. */
async function createUser(endpoint: string, root: Credentials, userName: string, document?: string, tags: { Key: string; Value: string }[] = []) {
  const iam = iamClient(endpoint, root);
  try {
    const user = await iam.send(new CreateUserCommand({ UserName: userName, Tags: tags }));
    if (document) await iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: "tokens", PolicyDocument: document }));
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const credentials: Credentials = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
    return { arn: user.User!.Arn!, credentials };
  } finally {
    iam.destroy();
  }
}

async function getToken(endpoint: string, credentials: Credentials, input: GetWebIdentityTokenCommandInput) {
  const sts = stsClient(endpoint, credentials);
  try {
    return await sts.send(new GetWebIdentityTokenCommand(input));
  } finally {
    sts.destroy();
  }
}

describe("outbound identity federation", () => {
  let host: RunningHost;
  let configDir: string;
  let issuer: string;
  let relying: RelyingParty;
  /** Every token issued, to prove that none reaches the log. */
  const issued: string[] = [];

  const token = async (credentials: Credentials, input: GetWebIdentityTokenCommandInput) => {
    const output = await getToken(host.url, credentials, input);
    issued.push(output.WebIdentityToken!);
    return output;
  };

  beforeAll(async () => {
    configDir = mkdtempSync(join(tmpdir(), "open-sts-outbound-"));
    host = await startHost({ OPEN_STS_CONFIG: await accountsFile(configDir) });
    const enabled = await awsCli(host.url, DEMO_ROOT, ["iam", "enable-outbound-web-identity-federation"]);
    expect(enabled.exitCode).toBe(0);
    issuer = enabled.json.IssuerIdentifier;
    expect(issuer).toMatch(ISSUER);
    expect(issuer.startsWith(`${host.url}/outbound/`)).toBe(true);
    relying = await relyingParty(issuer);
  });

  afterAll(async () => {
    await host.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  describe.concurrent("issuing and verifying", () => {
    it("reports the issuer through the AWS CLI", async () => {
      const info = await awsCli(host.url, DEMO_ROOT, ["iam", "get-outbound-web-identity-federation-info"]);
      expect(info.exitCode).toBe(0);
      expect(info.json).toEqual({ IssuerIdentifier: issuer, JwtVendingEnabled: true });
      const again = await awsCli(host.url, DEMO_ROOT, ["iam", "enable-outbound-web-identity-federation"]);
      expect(cliErrorCode(again)).toBe("FeatureEnabled");
    });

    it("serves the discovery document and JWKS", async () => {
      expect(relying.issuer).toBe(issuer);
      expect(relying.jwksUri).toBe(`${issuer}/.well-known/jwks.json`);

      const configuration = await fetch(`${issuer}/.well-known/openid-configuration`);
      expect(configuration.status).toBe(200);
      expect(configuration.headers.get("content-type")).toBe("application/json");
      expect(configuration.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
      const document = await configuration.json();
      expect(document.issuer).toBe(issuer);
      expect(document.response_types_supported).toEqual(["id_token"]);
      expect(document.subject_types_supported).toEqual(["public"]);
      expect(document.id_token_signing_alg_values_supported).toEqual(["RS256", "ES384"]);
      expect(document.claims_supported).toEqual(expect.arrayContaining(["iss", "sub", "aud", "exp", "iat", "jti", AWS_CLAIMS]));

      const response = await fetch(relying.jwksUri);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+$/);
      const { keys } = await response.json();
      expect(keys.map((key: { alg: string }) => key.alg)).toEqual(["RS256", "ES384"]);
      for (const key of keys) {
        expect(key.use).toBe("sig");
        expect(key.kid).toEqual(expect.any(String));
        for (const member of PRIVATE_JWK_MEMBERS) expect(key).not.toHaveProperty(member);
      }
      expect(Object.keys(keys[0]).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(Object.keys(keys[1]).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    });

    it("issues an RS256 token through the AWS CLI", async () => {
      const user = await createUser(host.url, DEMO_ROOT, "cli-caller", policy(allow("sts:GetWebIdentityToken")), [{ Key: "team", Value: "blue" }]);
      const before = Math.floor(Date.now() / 1000);
      const result = await awsCli(host.url, user.credentials, [
        "sts", "get-web-identity-token", "--audience", CLI_AUDIENCE, "--signing-algorithm", "RS256",
      ]);
      expect(result.exitCode).toBe(0);
      const jwt: string = result.json.WebIdentityToken;
      issued.push(jwt);
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "RS256", typ: "JWT", kid: expect.stringMatching(/^rs256-/) });

      const payload = await relying.verify(jwt, CLI_AUDIENCE);
      expect(payload.iss).toBe(issuer);
      expect(payload.sub).toBe(user.arn);
      expect(payload.aud).toBe(CLI_AUDIENCE);
      expect(payload.iat).toBeGreaterThanOrEqual(before - 1);
      expect(payload.exp! - payload.iat!).toBe(300);
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(result.json.Expiration)).toBe(payload.exp! * 1000);
      expect(awsClaims(payload)).toEqual({ aws_account: HOME, source_region: "us-east-1", principal_tags: { team: "blue" } });
      await expect(relying.verify(jwt, "urn:example:other")).rejects.toThrow(/aud/);
    });

    it("issues an ES384 token for several audiences through the SDK", async () => {
      const user = await createUser(host.url, DEMO_ROOT, "sdk-caller", policy(allow(TOKEN_ACTIONS)));
      const audiences = ["https://a.example.com", "urn:b", "c"];
      const output = await token(user.credentials, {
        Audience: audiences,
        SigningAlgorithm: "ES384",
        DurationSeconds: 3600,
        Tags: [{ Key: "job-id", Value: "job-42" }, { Key: "priority", Value: "high" }],
      });
      const jwt = output.WebIdentityToken!;
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "ES384", kid: expect.stringMatching(/^es384-/) });
      for (const audience of audiences) {
        const payload = await relying.verify(jwt, audience);
        expect(payload.aud).toEqual(audiences);
        expect(payload.exp! - payload.iat!).toBe(3600);
        expect(awsClaims(payload)).toEqual({ aws_account: HOME, source_region: "us-east-1", request_tags: { "job-id": "job-42", priority: "high" } });
      }
      expect(output.Expiration!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    });

    it("names the role for a role session", async () => {
      const user = await createUser(host.url, DEMO_ROOT, "role-user");
      const iam = iamClient(host.url, DEMO_ROOT);
      const role = await iam.send(
        new CreateRoleCommand({
          RoleName: "token-role",
          Path: "/apps/",
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { AWS: user.arn }, Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"] }],
          }),
          Tags: [{ Key: "team", Value: "data" }, { Key: "env", Value: "prod" }],
        }),
      );
      await iam.send(new PutRolePolicyCommand({ RoleName: "token-role", PolicyName: "tokens", PolicyDocument: policy(allow("sts:GetWebIdentityToken")) }));
      iam.destroy();

      const sts = stsClient(host.url, user.credentials);
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: role.Role!.Arn!,
          RoleSessionName: "worker",
          DurationSeconds: 900,
          Tags: [{ Key: "env", Value: "staging" }],
          SourceIdentity: "alice",
        }),
      );
      sts.destroy();
      const session: Credentials = {
        accessKeyId: assumed.Credentials!.AccessKeyId!,
        secretAccessKey: assumed.Credentials!.SecretAccessKey!,
        sessionToken: assumed.Credentials!.SessionToken!,
      };

      // The CLI is what a script in the session would run.
      const result = await awsCli(host.url, session, [
        "sts", "get-web-identity-token", "--audience", CLI_AUDIENCE, "--signing-algorithm", "ES384", "--duration-seconds", "600",
      ]);
      expect(result.exitCode).toBe(0);
      issued.push(result.json.WebIdentityToken);
      const payload = await relying.verify(result.json.WebIdentityToken, CLI_AUDIENCE);
      expect(payload.sub).toBe(`arn:aws:iam::${HOME}:role/apps/token-role`);
      expect(awsClaims(payload)).toEqual({
        aws_account: HOME,
        source_region: "us-east-1",
        principal_tags: { team: "data", env: "staging" },
        source_identity: "alice",
      });

      // The session lasts 900 seconds, so a token of an hour would outlive it.
      const escalation = await rejection(getToken(host.url, session, { Audience: ["x"], SigningAlgorithm: "RS256", DurationSeconds: 3600 }));
      expect(escalation.name).toBe("SessionDurationEscalationException");
      expect(escalation.status).toBe(403);
    });

    it("refuses federation and user sessions", async (context) => {
      const user = await createUser(host.url, DEMO_ROOT, "federator", policy(allow(["sts:GetFederationToken", "sts:GetWebIdentityToken"])));
      const sts = stsClient(host.url, user.credentials);
      let federated: GetFederationTokenCommandOutput;
      let userSession: GetSessionTokenCommandOutput;
      try {
        federated = await sts.send(new GetFederationTokenCommand({ Name: "partner-app", DurationSeconds: 900, Policy: policy(allow("sts:GetWebIdentityToken")) }));
        userSession = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      } catch (error) {
        // Federation and user sessions arrive separately; until they do, there are none to test.
        if ((error as Error).name === "InvalidAction") context.skip();
        throw error;
      } finally {
        sts.destroy();
      }
      // AWS lets GetFederationToken credentials call no STS action but GetCallerIdentity, and
      // GetSessionToken credentials only AssumeRole and GetCallerIdentity.
      for (const { Credentials: session } of [federated, userSession]) {
        const credentials: Credentials = { accessKeyId: session!.AccessKeyId!, secretAccessKey: session!.SecretAccessKey!, sessionToken: session!.SessionToken! };
        const refused = await rejection(getToken(host.url, credentials, { Audience: ["x"], SigningAlgorithm: "RS256" }));
        expect(refused.name).toBe("AccessDenied");
        expect(refused.status).toBe(403);
      }
    });

    it("refuses the root user", async () => {
      const refused = await rejection(getToken(host.url, DEMO_ROOT, { Audience: ["x"], SigningAlgorithm: "RS256" }));
      expect(refused.name).toBe("AccessDenied");
      expect(refused.status).toBe(403);
    });

    it("refuses an account that has not enabled it", async () => {
      const user = await createUser(host.url, PARTNER_ROOT, "partner-caller", policy(allow("sts:GetWebIdentityToken")));
      const refused = await awsCli(host.url, user.credentials, ["sts", "get-web-identity-token", "--audience", "x", "--signing-algorithm", "RS256"]);
      expect(cliErrorCode(refused)).toBe("OutboundWebIdentityFederationDisabledException");
      const status = await rejection(getToken(host.url, user.credentials, { Audience: ["x"], SigningAlgorithm: "RS256" }));
      expect(status.status).toBe(403);

      const info = await rejection(iamClient(host.url, PARTNER_ROOT).send(new GetOutboundWebIdentityFederationInfoCommand({})));
      // The SDK names the modeled exception of the FeatureDisabled code.
      expect(info.name).toBe("FeatureDisabledException");
      expect(info.status).toBe(404);
    });

    it("keeps the issuer across disable and enable", async () => {
      const iam = iamClient(host.url, CYCLE_ROOT);
      const user = await createUser(host.url, CYCLE_ROOT, "cycle-caller", policy(allow("sts:GetWebIdentityToken")));
      const first = (await iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier!;
      expect(first).toMatch(ISSUER);
      expect(first).not.toBe(issuer);
      const before = await token(user.credentials, { Audience: ["cycle"], SigningAlgorithm: "RS256" });

      const disabled = await awsCli(host.url, CYCLE_ROOT, ["iam", "disable-outbound-web-identity-federation"]);
      expect(disabled.exitCode).toBe(0);
      const twice = await awsCli(host.url, CYCLE_ROOT, ["iam", "disable-outbound-web-identity-federation"]);
      expect(cliErrorCode(twice)).toBe("FeatureDisabled");
      const info = await iam.send(new GetOutboundWebIdentityFederationInfoCommand({}));
      expect(info.IssuerIdentifier).toBe(first);
      expect(info.JwtVendingEnabled).toBe(false);
      const refused = await rejection(getToken(host.url, user.credentials, { Audience: ["cycle"], SigningAlgorithm: "RS256" }));
      expect(refused.name).toBe("OutboundWebIdentityFederationDisabledException");

      // A token issued before the disable still verifies through the issuer.
      const cycleParty = await relyingParty(first);
      expect((await cycleParty.verify(before.WebIdentityToken!, "cycle")).iss).toBe(first);

      const again = (await iam.send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier!;
      expect(again).toBe(first);
      const after = await token(user.credentials, { Audience: ["cycle"], SigningAlgorithm: "RS256" });
      expect((await cycleParty.verify(after.WebIdentityToken!, "cycle")).iss).toBe(first);
      // The other account's issuer does not accept this account's token.
      await expect(relying.verify(after.WebIdentityToken!, "cycle")).rejects.toThrow(/iss/);
      iam.destroy();
    });

    it("answers 404 for unknown issuer paths", async () => {
      const unknown = "00000000-0000-4000-8000-000000000000";
      for (const path of [
        `/outbound/${unknown}/.well-known/openid-configuration`,
        `/outbound/${unknown}/.well-known/jwks.json`,
        "/outbound/not-an-id/.well-known/jwks.json",
        `${new URL(issuer).pathname}/.well-known/other`,
        `${new URL(issuer).pathname}/jwks.json`,
      ]) {
        const response = await fetch(`${host.url}${path}`);
        expect(response.status, path).toBe(404);
        expect(await response.json(), path).toEqual({ error: "not_found", message: expect.any(String) });
      }
      const post = await fetch(`${issuer}/.well-known/jwks.json`, { method: "POST" });
      expect(post.status).toBe(405);
      expect(post.headers.get("allow")).toBe("GET, HEAD");
    });
  });

  describe.concurrent("policy conditions", () => {
    const conditional = policy(
      allow("sts:GetWebIdentityToken", {
        "ForAllValues:StringEquals": { "sts:IdentityTokenAudience": ["https://a.example.com", "https://b.example.com"] },
        NumericLessThanEquals: { "sts:DurationSeconds": "600" },
        StringEquals: { "sts:SigningAlgorithm": "ES384" },
      }),
    );
    let caller: Credentials;
    beforeAll(async () => {
      caller = (await createUser(host.url, DEMO_ROOT, "conditional-caller", conditional)).credentials;
    });

    it.each([
      { case: "allowed audience and duration", audience: ["https://a.example.com"], duration: 600, alg: "ES384", allowed: true },
      { case: "both allowed audiences", audience: ["https://a.example.com", "https://b.example.com"], duration: 60, alg: "ES384", allowed: true },
      { case: "default duration of 300", audience: ["https://b.example.com"], duration: undefined, alg: "ES384", allowed: true },
      { case: "other audience", audience: ["https://c.example.com"], duration: 600, alg: "ES384", allowed: false },
      { case: "one audience not allowed", audience: ["https://a.example.com", "https://c.example.com"], duration: 600, alg: "ES384", allowed: false },
      { case: "duration above the cap", audience: ["https://a.example.com"], duration: 601, alg: "ES384", allowed: false },
      { case: "other algorithm", audience: ["https://a.example.com"], duration: 600, alg: "RS256", allowed: false },
    ])("$case", async ({ audience, duration, alg, allowed }) => {
      const call = getToken(host.url, caller, { Audience: audience, SigningAlgorithm: alg, DurationSeconds: duration });
      if (allowed) {
        const output = await call;
        issued.push(output.WebIdentityToken!);
        expect((await relying.verify(output.WebIdentityToken!, audience[0]!)).exp).toBeDefined();
      } else {
        const refused = await rejection(call);
        expect(refused.name).toBe("AccessDenied");
        expect(refused.status).toBe(403);
        expect(refused.message).toContain("sts:GetWebIdentityToken");
      }
    });

    it("needs sts:TagGetWebIdentityToken for tags", async () => {
      const onlyTokens = (await createUser(host.url, DEMO_ROOT, "untagged-caller", policy(allow("sts:GetWebIdentityToken")))).credentials;
      const refused = await rejection(getToken(host.url, onlyTokens, { Audience: ["x"], SigningAlgorithm: "RS256", Tags: [{ Key: "team", Value: "red" }] }));
      expect(refused.name).toBe("AccessDenied");
      expect(refused.message).toContain("sts:TagGetWebIdentityToken");
    });

    it("checks request tags", async () => {
      const document = policy(
        allow("sts:GetWebIdentityToken"),
        allow("sts:TagGetWebIdentityToken", {
          StringEquals: { "aws:RequestTag/team": "red" },
          "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] },
        }),
      );
      const tagger = (await createUser(host.url, DEMO_ROOT, "tagging-caller", document)).credentials;
      const ok = await getToken(host.url, tagger, { Audience: ["x"], SigningAlgorithm: "RS256", Tags: [{ Key: "team", Value: "red" }] });
      issued.push(ok.WebIdentityToken!);
      expect(awsClaims(await relying.verify(ok.WebIdentityToken!, "x")).request_tags).toEqual({ team: "red" });
      for (const tags of [[{ Key: "team", Value: "blue" }], [{ Key: "team", Value: "red" }, { Key: "other", Value: "x" }]]) {
        const refused = await rejection(getToken(host.url, tagger, { Audience: ["x"], SigningAlgorithm: "RS256", Tags: tags }));
        expect(refused.name).toBe("AccessDenied");
      }
    });
  });

  describe.concurrent("limits", () => {
    let caller: Credentials;
    beforeAll(async () => {
      caller = (await createUser(host.url, DEMO_ROOT, "limits-caller", policy(allow(TOKEN_ACTIONS)))).credentials;
    });
    const tags = (count: number, keyLength = 8, valueLength = 8) =>
      Array.from({ length: count }, (_, index) => ({ Key: `${index}`.padStart(keyLength, "k"), Value: "v".repeat(valueLength) }));
    const audiences = (count: number) => Array.from({ length: count }, (_, index) => `https://rp${index}.example.com`);

    it.each([
      { case: "1 audience", input: { Audience: audiences(1) }, error: undefined },
      { case: "10 audiences", input: { Audience: audiences(10) }, error: undefined },
      { case: "11 audiences", input: { Audience: audiences(11) }, error: "ValidationError" },
      { case: "audience of 1 character", input: { Audience: ["a"] }, error: undefined },
      { case: "audience of 1000 characters", input: { Audience: ["a".repeat(1000)] }, error: undefined },
      { case: "audience of 1001 characters", input: { Audience: ["a".repeat(1001)] }, error: "ValidationError" },
      { case: "empty audience", input: { Audience: [""] }, error: "ValidationError" },
      { case: "ten audiences of 1000 characters", input: { Audience: Array.from({ length: 10 }, (_, i) => `${i}`.repeat(1000)) }, error: undefined },
      { case: "DurationSeconds 59", input: { DurationSeconds: 59 }, error: "ValidationError" },
      { case: "DurationSeconds 60", input: { DurationSeconds: 60 }, error: undefined },
      { case: "DurationSeconds 3600", input: { DurationSeconds: 3600 }, error: undefined },
      { case: "DurationSeconds 3601", input: { DurationSeconds: 3601 }, error: "ValidationError" },
      { case: "signing algorithm HS256", input: { SigningAlgorithm: "HS256" }, error: "ValidationError" },
      { case: "signing algorithm es384", input: { SigningAlgorithm: "es384" }, error: "ValidationError" },
      { case: "50 tags", input: { Tags: tags(50) }, error: undefined },
      { case: "51 tags", input: { Tags: tags(51) }, error: "ValidationError" },
      { case: "tag key of 128 characters", input: { Tags: tags(1, 128) }, error: undefined },
      { case: "tag key of 129 characters", input: { Tags: tags(1, 129) }, error: "ValidationError" },
      { case: "tag value of 256 characters", input: { Tags: tags(1, 8, 256) }, error: undefined },
      { case: "tag value of 257 characters", input: { Tags: tags(1, 8, 257) }, error: "ValidationError" },
      { case: "tag keys differing in case", input: { Tags: [{ Key: "Team", Value: "a" }, { Key: "team", Value: "b" }] }, error: "ValidationError" },
      { case: "tag key with aws: prefix", input: { Tags: [{ Key: "aws:team", Value: "a" }] }, error: "ValidationError" },
      { case: "50 tags of maximum size", input: { Tags: tags(50, 128, 256) }, error: "JWTPayloadSizeExceededException" },
    ])("$case", async ({ input, error }) => {
      const call = getToken(host.url, caller, { Audience: ["https://rp.example.com"], SigningAlgorithm: "ES384", ...input });
      if (error === undefined) {
        const output = await call;
        issued.push(output.WebIdentityToken!);
        const audience = input.Audience?.[0] ?? "https://rp.example.com";
        const payload = await relying.verify(output.WebIdentityToken!, audience);
        expect(payload.exp! - payload.iat!).toBe(input.DurationSeconds ?? 300);
        if (input.Tags) expect(Object.keys(awsClaims(payload).request_tags as object)).toHaveLength(input.Tags.length);
      } else {
        const refused = await rejection(call);
        expect(refused.name).toBe(error);
        expect(refused.status).toBe(400);
      }
    });
  });

  describe("log", () => {
    it("carries no token or private key", async () => {
      expect(issued.length).toBeGreaterThan(10);
      const output = host.output();
      for (const jwt of issued) expect(output).not.toContain(jwt.split(".")[2]);
      expect(output).not.toContain("privateJwk");
      expect(output).not.toMatch(/"d"\s*:/);
      // The audit line names each token by its jti instead.
      const audits = output.split("\n").filter((line) => line.includes('"eventName":"GetWebIdentityToken"') && line.includes('"jti"'));
      expect(audits.length).toBeGreaterThan(0);
    });
  });
});

describe("signing key rotation", () => {
  let dataDir: string;
  let host: RunningHost | undefined;
  afterAll(async () => {
    await host?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rotate = () =>
    run(process.execPath, ["--import", "tsx", "scripts/rotate-signing-keys.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", OPEN_STS_DATA_DIR: dataDir },
      timeout: 60_000,
    });

  it("keeps old tokens verifiable after a rotation", async () => {
    dataDir = mkdtempSync(join(tmpdir(), "open-sts-rotation-"));
    host = await startHost({ OPEN_STS_DATA_DIR: dataDir });
    const port = new URL(host.url).port;
    const issuer = (await iamClient(host.url, DEMO_ROOT).send(new EnableOutboundWebIdentityFederationCommand({}))).IssuerIdentifier!;
    const user = await createUser(host.url, DEMO_ROOT, "rotation-caller", policy(allow("sts:GetWebIdentityToken")));
    const oldRsa = (await getToken(host.url, user.credentials, { Audience: ["rp"], SigningAlgorithm: "RS256", DurationSeconds: 3600 })).WebIdentityToken!;
    const oldEc = (await getToken(host.url, user.credentials, { Audience: ["rp"], SigningAlgorithm: "ES384", DurationSeconds: 3600 })).WebIdentityToken!;
    const party = await relyingParty(issuer);
    expect((await party.verify(oldRsa, "rp")).sub).toBe(user.arn);
    expect((await party.verify(oldEc, "rp")).sub).toBe(user.arn);

    // The running host has locked the data folder, so a rotation must wait for it to stop.
    await expect(rotate()).rejects.toMatchObject({ stderr: expect.stringContaining("is in use by process") });
    await host.stop();
    const rotated = await rotate();
    expect(rotated.stdout).toMatch(/Added signing keys rs256-\S+, es384-\S+ to /);

    host = await startHost({ OPEN_STS_DATA_DIR: dataDir, PORT: port });
    const newRsa = (await getToken(host.url, user.credentials, { Audience: ["rp"], SigningAlgorithm: "RS256" })).WebIdentityToken!;
    const newEc = (await getToken(host.url, user.credentials, { Audience: ["rp"], SigningAlgorithm: "ES384" })).WebIdentityToken!;
    expect(decodeProtectedHeader(newRsa).kid).not.toBe(decodeProtectedHeader(oldRsa).kid);
    expect(decodeProtectedHeader(newEc).kid).not.toBe(decodeProtectedHeader(oldEc).kid);

    // The same relying party, with the key set it fetched before the rotation, verifies both generations.
    for (const jwt of [newRsa, newEc, oldRsa, oldEc]) expect((await party.verify(jwt, "rp")).iss).toBe(issuer);
    const again = await relyingParty(issuer);
    for (const jwt of [newRsa, newEc, oldRsa, oldEc]) expect((await again.verify(jwt, "rp")).sub).toBe(user.arn);
    const { keys } = await (await fetch(again.jwksUri)).json();
    expect(keys).toHaveLength(4);
  });
});
