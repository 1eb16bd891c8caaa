/**
 * AssumeRoleWithWebIdentity throughput over loopback HTTP, as a ratio against a bare node:http
 * server measured in the same run, followed by the cost of each step of the call measured in
 * process. A real OpenID provider (node-oidc-provider, from the test support code) issues one
 * RS256 token before the clock starts. Every request sends that token, so the server verifies
 * it against a key set it has cached. The unsigned-call rate limit is turned off, because all
 * load comes from one source address.
 *
 *   npx tsx bench/assume-role-with-web-identity.ts [--duration 10 --connections 16]
 */
import { rmSync } from "node:fs";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import autocannon from "autocannon";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { handleQueryRequest } from "../shared/api/query-service.js";
import { cachedPolicy } from "../shared/auth/policy-cache.js";
import { readServiceConfig } from "../shared/config/service-config.js";
import { findProvider, type WebIdentityProvider } from "../shared/federation/oidc/provider.js";
import { ALLOWED_ALGORITHMS, readTokenShape } from "../shared/federation/oidc/token-shape.js";
import { verifyWebIdentityToken } from "../shared/federation/oidc/verify-token.js";
import { authorizeRequest } from "../shared/policy/index.js";
import type { RoleRecord } from "../shared/store/entities.js";
import { IamStore } from "../shared/store/iam-store.js";
import { issueSession } from "../shared/sts/session.js";
import { startInProcessService } from "../test/support/in-process.js";
import { startTestIdp, type TestIdp } from "../test/support/oidc-idp.js";
import { STS_SERVICE } from "../test/support/web-identity.js";
import { peakRss, startProcess, stopProcess, type Target } from "./http-load.js";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    // INFO writes the audit line of every request, as a deployment does.
    "log-level": { type: "string", default: "INFO" },
  },
});
const DURATION = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const WARM_UP_SECONDS = 2;
const ACCOUNT = "000000000000";
const ROLE_NAME = "bench-web-identity";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const AUDIENCE = "sts.amazonaws.com";
const DEMO_ROOT = { accessKeyId: "AKIAOPENSTSLOCALROOT", secretAccessKey: "OpenStsLocalDemoRootSecretKey0000000000X" };
/** The share of the bare server's throughput that this endpoint is expected to reach. */
const TARGET_RATIO = 0.35;
const COST_ITERATIONS = 20_000;
const COST_WARM_UP_ITERATIONS = 2_000;

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMiB: number;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  const idp = await startTestIdp();
  try {
    const token = await idp.token();
    const jwks = await fetchKeySet(idp);
    const passed = await measureHttp(idp, token);
    await measureCosts(idp, token, jwks);
    if (!passed) {
      console.error(
        "\nSome AssumeRoleWithWebIdentity requests failed or got a non-2xx response, so the HTTP figures above are not valid. " +
          "The server logs are kept at the paths printed above.",
      );
      process.exitCode = 1;
    }
  } finally {
    await idp.close();
  }
}

/**
 * Starts the local host and the bare server, loads each with the same AssumeRoleWithWebIdentity
 * request, prints the table, and stops both servers. Returns false when any request to the
 * local host failed or got a status other than 2xx.
 */
async function measureHttp(idp: TestIdp, token: string): Promise<boolean> {
  const started: Target[] = [];
  let passed = false;
  try {
    const ours = await startProcess(
      "open-sts",
      process.execPath,
      ["--import", "tsx", "infra/local/main.ts"],
      {
        PORT: "0",
        OPEN_STS_DATA_DIR: ":memory:",
        POWERTOOLS_LOG_LEVEL: options["log-level"],
        OPEN_STS_ALLOW_LOOPBACK_ISSUERS: "true",
        // One client sends every request, so the per-address limit of unsigned calls is off.
        OPEN_STS_UNSIGNED_RATE_PER_SECOND: "0",
      },
      /Open STS ready at (http:\/\/127\.0\.0\.1:\d+)/,
    );
    started.push(ours);
    const bare = await startProcess("bare node:http", process.execPath, ["bench/bare-server.mjs"], {}, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    started.push(bare);

    await registerProviderAndRole(ours.url, idp.issuer);
    const request = webIdentityRequest(token);
    // One call before the clock starts, so that the discovery document and key set are cached.
    const responseBytes = await assumeOnce(ours.url, request);
    const jwksPath = new URL((await fetchDiscovery(idp)).jwks_uri).pathname;
    const fetchesBefore = idp.requests("/.well-known/openid-configuration") + idp.requests(jwksPath);

    const measurements: Measurement[] = [];
    for (const target of [bare, ours]) {
      await runAutocannon(target, request, WARM_UP_SECONDS);
      measurements.push(await measure(target, request));
    }
    const fetchesDuringLoad = idp.requests("/.well-known/openid-configuration") + idp.requests(jwksPath) - fetchesBefore;
    report(measurements, responseBytes, fetchesDuringLoad);
    const oursMeasured = measurements.find((entry) => entry.name === ours.name)!;
    passed = oursMeasured.errors === 0 && oursMeasured.non2xx === 0;
    return passed;
  } finally {
    for (const target of started) await stopProcess(target);
    // A passing run deletes the server logs, which grow by one audit line per request. A failed run keeps them for inspection.
    for (const target of started) {
      if (passed) rmSync(dirname(target.logFile), { recursive: true, force: true });
      else console.error(`${target.name} log: ${target.logFile}`);
    }
  }
}

/** Registers the IdP as an OpenID Connect provider and creates a role whose trust policy accepts its tokens. */
async function registerProviderAndRole(endpoint: string, issuer: string): Promise<void> {
  const iam = new IAMClient({ endpoint, region: "us-east-1", credentials: DEMO_ROOT, maxAttempts: 1 });
  try {
    const provider = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: [AUDIENCE] }));
    await iam.send(
      new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: webIdentityTrust(provider.OpenIDConnectProviderArn!, issuer) }),
    );
  } finally {
    iam.destroy();
  }
}

/** Builds a trust policy that accepts the provider's tokens for the audience `sts.amazonaws.com` and the IdP's client as subject. */
function webIdentityTrust(providerArn: string, issuer: string): string {
  const keyPrefix = issuer.slice("http://".length);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { StringEquals: { [`${keyPrefix}:aud`]: AUDIENCE, [`${keyPrefix}:sub`]: "ci-runner" } },
      },
    ],
  });
}

/** Builds the unsigned form-encoded POST that the AWS CLI sends for assume-role-with-web-identity. */
function webIdentityRequest(token: string): autocannon.Request {
  const body = new URLSearchParams({
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: ROLE_ARN,
    RoleSessionName: "bench",
    WebIdentityToken: token,
  }).toString();
  return { method: "POST", path: "/", headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body };
}

/** Sends the request once and throws unless it succeeds. Returns the size of the response body in bytes. */
async function assumeOnce(endpoint: string, request: autocannon.Request): Promise<number> {
  const response = await fetch(new URL(request.path!, endpoint), {
    method: "POST",
    headers: request.headers as Record<string, string>,
    body: request.body as string,
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes("<AssumedRoleUser>")) {
    throw new Error(`The warm-up AssumeRoleWithWebIdentity call failed with status ${response.status}:\n${body}`);
  }
  return Buffer.byteLength(body);
}

function runAutocannon(target: Target, request: autocannon.Request, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, requests: [request] });
}

async function measure(target: Target, request: autocannon.Request): Promise<Measurement> {
  const result = await runAutocannon(target, request, DURATION);
  return {
    name: target.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    peakRssMiB: peakRss(target.process.pid!),
  };
}

function report(measurements: Measurement[], responseBytes: number, fetchesDuringLoad: number): void {
  const ours = measurements.find((entry) => entry.name === "open-sts")!;
  const bare = measurements.find((entry) => entry.name === "bare node:http")!;
  console.log(
    `\nAssumeRoleWithWebIdentity over loopback: autocannon, ${CONNECTIONS} connections, ${DURATION} s per target after ${WARM_UP_SECONDS} s of warm-up, ` +
      `log level ${options["log-level"]}, unsigned rate limit off (OPEN_STS_UNSIGNED_RATE_PER_SECOND=0), ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}`,
  );
  console.log("target            req/s   p50 ms  p99 ms  errors  non-2xx  peak RSS MiB");
  for (const entry of measurements) {
    console.log(
      `${entry.name.padEnd(16)} ${entry.requestsPerSecond.toFixed(0).padStart(7)}  ${String(entry.p50).padStart(7)} ${String(entry.p99).padStart(7)}  ${String(entry.errors).padStart(6)}  ${String(entry.non2xx).padStart(7)}  ${String(entry.peakRssMiB).padStart(12)}`,
    );
  }
  const ratio = ours.requestsPerSecond / bare.requestsPerSecond;
  console.log(`open-sts / bare node:http: ${ratio.toFixed(2)} (target ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? "met" : "not met"})`);
  console.log(`open-sts response body: ${responseBytes} bytes`);
  console.log(`discovery and key set fetches during the load: ${fetchesDuringLoad}`);
}

async function fetchDiscovery(idp: TestIdp): Promise<{ jwks_uri: string }> {
  const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`Reading the test IdP's discovery document failed with status ${response.status}`);
  return (await response.json()) as { jwks_uri: string };
}

async function fetchKeySet(idp: TestIdp): Promise<JSONWebKeySet> {
  const response = await fetch((await fetchDiscovery(idp)).jwks_uri);
  if (!response.ok) throw new Error(`Reading the test IdP's key set failed with status ${response.status}`);
  return (await response.json()) as JSONWebKeySet;
}

/**
 * Times each step of AssumeRoleWithWebIdentity in this process, without HTTP, on the embedded
 * store with warm caches, then the whole handleQueryRequest. The steps call the same functions
 * as shared/sts/assume-role-with-web-identity.ts with the same arguments.
 */
async function measureCosts(idp: TestIdp, token: string, jwks: JSONWebKeySet): Promise<void> {
  const now = new Date();
  const defaults = readServiceConfig({});
  const service = await startInProcessService(now, { oidc: { ...defaults.oidc, allowLoopbackIssuers: true } });
  try {
    const keyPrefix = idp.issuer.slice("http://".length);
    const providerRecord = await (await service.store.oidcProviders()).createOidcProvider(
      ACCOUNT,
      { url: idp.issuer, urlWithoutScheme: keyPrefix, clientIds: [AUDIENCE], thumbprints: [], tags: [] },
      now,
    );
    await service.store.createRole(
      ACCOUNT,
      {
        roleName: ROLE_NAME,
        path: "/",
        trustPolicy: webIdentityTrust(providerRecord.arn, idp.issuer),
        trustPrincipalIds: {},
        maxSessionDuration: 3600,
        tags: [],
      },
      now,
    );
    // The test helper turns caching off; a deployment caches IAM data for 30 s.
    const store = new IamStore(service.table, service.ring, { partition: "aws", cacheTtlMs: 30_000 });
    const dependencies = { ...service, store };
    const client = { sourceIp: "127.0.0.1", userAgent: "bench", secureTransport: false };
    const view = {
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", host: "127.0.0.1" },
      body: Buffer.from(webIdentityRequest(token).body as string),
    };
    const first = await handleQueryRequest(STS_SERVICE, view, client, dependencies);
    if (first.statusCode !== 200) throw new Error(`The in-process AssumeRoleWithWebIdentity call failed with status ${first.statusCode}:\n${first.body}`);

    const localKeys = createLocalJWKSet(jwks);
    const { provider } = await findProvider(idp.issuer, ACCOUNT, (await store.oidcProviders()), { allowLoopbackIssuers: true });
    const verifyOptions = () => ({ now: new Date(), clockSkewSeconds: defaults.oidc.clockSkewSeconds });
    const identity = await verifyWebIdentityToken(token, provider, () => dependencies.oidcKeys.keysOf(idp.issuer), verifyOptions());
    const role = (await store.getRole(ACCOUNT, ROLE_NAME))!;
    const trustKeys = {
      "aws:CurrentTime": now.toISOString(),
      "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
      "aws:SourceIp": client.sourceIp,
      "aws:UserAgent": client.userAgent,
      "aws:SecureTransport": String(client.secureTransport),
      "aws:RequestedRegion": "us-east-1",
      "aws:FederatedProvider": provider.principal,
      "sts:RoleSessionName": "bench",
      ...identity.conditionKeys,
    };
    if (evaluateTrust(role, provider, trustKeys) !== "Allow") throw new Error("The trust policy does not allow the benchmark's token.");
    const sessionContext = { facts: { now, region: "us-east-1", ...client }, ring: service.ring, config: service.config };
    const newSession = {
      role,
      sessionName: "bench",
      durationSeconds: 3600,
      sourceAccountId: ACCOUNT,
      chained: false,
      attributes: { federatedProvider: provider.principal, federatedKeys: identity.conditionKeys },
    };

    console.log(`\nCost per call in process, mean of ${COST_ITERATIONS} calls after ${COST_WARM_UP_ITERATIONS} warm-up calls:`);
    const shape = await timePerCall("token shape check (readTokenShape)", () => readTokenShape(token));
    const lookups = await timePerCall("provider and role lookups, warm caches", async () => {
      await findProvider(idp.issuer, ACCOUNT, (await store.oidcProviders()), { allowLoopbackIssuers: true });
      await store.getRole(ACCOUNT, ROLE_NAME);
    });
    await timePerCall("jose jwtVerify, local JWKS (RS256)", () =>
      jwtVerify(token, localKeys, { algorithms: [...ALLOWED_ALGORITHMS], issuer: idp.issuer }),
    );
    const verify = await timePerCall("verifyWebIdentityToken, cached key set", () =>
      verifyWebIdentityToken(token, provider, () => dependencies.oidcKeys.keysOf(idp.issuer), verifyOptions()),
    );
    const trust = await timePerCall("trust policy evaluation", () => evaluateTrust(role, provider, trustKeys));
    const session = await timePerCall("issueSession: keys and sealed token", () => issueSession(sessionContext, newSession));
    const whole = await timePerCall("whole handleQueryRequest", async () => {
      const response = await handleQueryRequest(STS_SERVICE, view, client, dependencies);
      if (response.statusCode !== 200) throw new Error(`AssumeRoleWithWebIdentity failed with status ${response.statusCode}:\n${response.body}`);
    });
    // verifyWebIdentityToken contains a jwtVerify call, so the jose row is left out of the sum.
    const remainder = whole - (shape + lookups + verify + trust + session);
    console.log(`${"whole minus the steps above, jose row excluded".padEnd(46)} ${remainder.toFixed(1).padStart(7)} us per call`);
  } finally {
    await service.close();
  }
}

/** Evaluates the role's trust policy as the action does for sts:AssumeRoleWithWebIdentity and returns the decision. */
function evaluateTrust(role: RoleRecord, provider: WebIdentityProvider, keys: Record<string, string | string[]>): string {
  return authorizeRequest({
    request: { action: "sts:AssumeRoleWithWebIdentity", resource: role.arn, keys, principal: { type: "Federated", names: [provider.principal] } },
    callerAccountId: role.accountId,
    resourceAccountId: role.accountId,
    identityPolicies: [],
    resourcePolicy: cachedPolicy(role.trustPolicy, "trust"),
    resourcePolicyMode: "trust",
  }).decision;
}

/** Prints and returns the mean wall-clock time of one call in microseconds, awaiting each call before the next. */
async function timePerCall(name: string, run: () => unknown): Promise<number> {
  for (let index = 0; index < COST_WARM_UP_ITERATIONS; index++) await run();
  const started = performance.now();
  for (let index = 0; index < COST_ITERATIONS; index++) await run();
  const micros = ((performance.now() - started) * 1000) / COST_ITERATIONS;
  console.log(`${name.padEnd(46)} ${micros.toFixed(1).padStart(7)} us per call`);
  return micros;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
