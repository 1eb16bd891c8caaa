/**
 * AssumeRoleWithSAML throughput over loopback HTTP, followed by the cost of each step of the call
 * measured in process and a comparison with samlify's own verification of the same response.
 * A test identity provider built with samlify signs the assertions in this process. Each
 * assertion can be used once, so every request carries its own, signed before the clock starts.
 * A short calibration run measures the host's rate, and the script then signs enough assertions
 * for the whole run with half as many again to spare. The loader sends each assertion at most
 * once and stops early if they run out. The unsigned-call rate limit is turned off, because all
 * load comes from one source address.
 *
 *   npx tsx bench/assume-role-with-saml.ts [--duration 15 --connections 4 --rounds 30]
 */
import { rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { CreateRoleCommand, CreateSAMLProviderCommand, IAMClient } from "@aws-sdk/client-iam";
import samlify from "samlify";
import { validateXML } from "xmllint-wasm";
import { handleQueryRequest } from "../shared/api/query-service.js";
import { cachedPolicy } from "../shared/auth/policy-cache.js";
import {
  confirmWithSamlify,
  decodeSamlResponse,
  readRoleSessionName,
  samlConditionKeys,
  samlProviderOptions,
  subjectType,
  verifySamlResponse,
} from "../shared/federation/saml/index.js";
import { checkSamlStructure } from "../shared/federation/saml/structure.js";
import { parseIdpMetadata } from "../shared/iam/saml-metadata.js";
import { authorizeRequest } from "../shared/policy/index.js";
import type { RoleRecord } from "../shared/store/entities.js";
import { IamStore } from "../shared/store/iam-store.js";
import { issueSession } from "../shared/sts/session.js";
import { startInProcessService } from "../test/support/in-process.js";
import { AWS_SAML_ENDPOINT, createTestSamlIdp, type TestSamlIdp } from "../test/support/saml-idp.js";
import { STS_SERVICE } from "../test/support/web-identity.js";
import { peakRss, startProcess, stopProcess, type Target } from "./http-load.js";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "15" },
    connections: { type: "string", default: "4" },
    // Maximum number of assertions signed for the measured run, whatever the calibration predicts.
    "max-assertions": { type: "string", default: "5000" },
    // Measured rounds of the in-process rows that start a worker thread per call.
    rounds: { type: "string", default: "30" },
    // INFO writes the audit line of every request, as a deployment does.
    "log-level": { type: "string", default: "INFO" },
  },
});
const DURATION = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const MAX_ASSERTIONS = Number(options["max-assertions"]);
const ROUNDS = Number(options.rounds);
const WARM_UP_ROUNDS = Math.max(5, Math.ceil(ROUNDS / 10));
/** Calls of the in-process rows that take a millisecond or more, except those that start a worker thread. */
const SLOW_CALLS = { calls: 500, warmUp: 50 };
/** Calls of the in-process rows that take microseconds. */
const FAST_CALLS = { calls: 20_000, warmUp: 2_000 };
/** Length of the calibration run, which also warms up the host's JIT and caches. */
const CALIBRATION_SECONDS = 5;
/** Assertions signed for the calibration run. A host that uses them all sooner calibrates on a shorter run. */
const CALIBRATION_ASSERTIONS = 300;
/** Assertions signed beyond the calibrated rate × duration, so that a faster measured run does not run out. */
const ASSERTION_HEADROOM = 1.5;
/** Lifetime of each assertion in seconds, longer than the signing and the run take together. */
const ASSERTION_LIFETIME_SECONDS = 1800;

const ACCOUNT = "000000000000";
const ROLE_NAME = "bench-saml";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const PROVIDER_NAME = "bench-adfs";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/${PROVIDER_NAME}`;
const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const DEMO_ROOT = { accessKeyId: "AKIAOPENSTSLOCALROOT", secretAccessKey: "OpenStsLocalDemoRootSecretKey0000000000X" };
const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded; charset=utf-8";

/**
 * A schema validator for samlify from samlify's author: libxml2 through xmllint-wasm, with the
 * SAML 2.0 schemas. The package has no type declarations.
 */
const { validate: xmllintValidate } = createRequire(import.meta.url)("@authenio/samlify-xmllint-wasm") as {
  validate: (xml: string) => Promise<boolean>;
};

interface LoadOutcome {
  /** Requests sent, each with an assertion of its own. */
  sent: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** True when every assertion was sent before the duration ended, so the run was shorter. */
  exhausted: boolean;
  seconds: number;
  /** The status and error code of the first non-2xx response, for the failure message. */
  firstFailure?: string;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  const idp = createTestSamlIdp({ entityId: "http://adfs.example.com/adfs/services/trust", signing: "assertion" });
  const passed = await measureHttp(idp);
  await measureCosts(idp);
  if (!passed) {
    console.error(
      "\nSome AssumeRoleWithSAML requests failed or got a non-2xx response, so the HTTP figures above are not valid. " +
        "The server log is kept at the path printed above.",
    );
    process.exitCode = 1;
  }
}

/** Signs one login response whose Role attribute offers the benchmark's role and provider. */
function signAssertion(idp: TestSamlIdp): Promise<string> {
  return idp.respond({
    nameId: "alice@example.com",
    nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    lifetimeSeconds: ASSERTION_LIFETIME_SECONDS,
    attributes: { [ROLE_ATTRIBUTE]: [`${ROLE_ARN},${PROVIDER_ARN}`], [SESSION_NAME_ATTRIBUTE]: ["alice"] },
  });
}

/** Signs `count` assertions and returns them with the mean signing time in milliseconds. */
async function signAssertions(idp: TestSamlIdp, count: number): Promise<{ assertions: string[]; msEach: number }> {
  const started = performance.now();
  const assertions: string[] = [];
  for (let index = 0; index < count; index++) assertions.push(await signAssertion(idp));
  return { assertions, msEach: (performance.now() - started) / count };
}

/** Builds the unsigned form-encoded POST body that the AWS CLI sends for assume-role-with-saml. */
function samlRequestBody(assertion: string): string {
  return new URLSearchParams({
    Action: "AssumeRoleWithSAML",
    Version: "2011-06-15",
    RoleArn: ROLE_ARN,
    PrincipalArn: PROVIDER_ARN,
    SAMLAssertion: assertion,
  }).toString();
}

/** Builds a trust policy that lets the provider assume the role for AWS's sign-in endpoint as audience, as AWS's console creates it. */
function samlTrust(providerArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": AWS_SAML_ENDPOINT } },
      },
    ],
  });
}

/**
 * Starts the local host, registers the provider and the role, calibrates, signs the assertions
 * of the measured run, sends them, prints the results and stops the host. Returns false when
 * any measured request failed or got a status other than 2xx.
 */
async function measureHttp(idp: TestSamlIdp): Promise<boolean> {
  let target: Target | undefined;
  let passed = false;
  try {
    target = await startProcess(
      "open-sts",
      process.execPath,
      ["--import", "tsx", "infra/local/main.ts"],
      {
        PORT: "0",
        OPEN_STS_DATA_DIR: ":memory:",
        POWERTOOLS_LOG_LEVEL: options["log-level"],
        // One client sends every request, so the per-address limit of unsigned calls is off.
        OPEN_STS_UNSIGNED_RATE_PER_SECOND: "0",
      },
      /Open STS ready at (http:\/\/127\.0\.0\.1:\d+)/,
    );
    await registerProviderAndRole(target.url, idp.metadata);

    // One call before the calibration, so that the host loads its SAML code and samlify outside any timing.
    const responseBytes = await assumeOnce(target.url, await signAssertion(idp));

    const calibrationSet = await signAssertions(idp, CALIBRATION_ASSERTIONS);
    const calibration = await sendEachOnce(target.url, calibrationSet.assertions, CONNECTIONS, CALIBRATION_SECONDS);
    if (calibration.errors > 0 || calibration.non2xx > 0) {
      throw new Error(`The calibration run failed: ${calibration.errors} errors, ${calibration.non2xx} non-2xx (first: ${calibration.firstFailure}).`);
    }
    if (calibration.requestsPerSecond === 0) throw new Error(`No calibration request completed within ${CALIBRATION_SECONDS} s.`);
    const predicted = Math.ceil(DURATION * calibration.requestsPerSecond * ASSERTION_HEADROOM);
    const count = Math.min(predicted, MAX_ASSERTIONS);
    const signingStarted = performance.now();
    const { assertions, msEach } = await signAssertions(idp, count);
    const signingSeconds = (performance.now() - signingStarted) / 1000;

    const outcome = await sendEachOnce(target.url, assertions, CONNECTIONS, DURATION);
    const peakRssMiB = peakRss(target.process.pid!);
    console.log(
      `\nAssumeRoleWithSAML over loopback: node:http loader, ${CONNECTIONS} connections, ${DURATION} s, one assertion per request, ` +
        `log level ${options["log-level"]}, unsigned rate limit off (OPEN_STS_UNSIGNED_RATE_PER_SECOND=0), ` +
        `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}`,
    );
    console.log(
      `calibration: ${calibration.sent} requests in ${calibration.seconds.toFixed(1)} s at ${calibration.requestsPerSecond.toFixed(1)} req/s; ` +
        `signed ${count} assertions for the run (predicted need ${predicted}, maximum ${MAX_ASSERTIONS}) in ${signingSeconds.toFixed(1)} s, ${msEach.toFixed(2)} ms each`,
    );
    console.log("req/s   p50 ms  p99 ms  errors  non-2xx  sent  seconds  peak RSS MiB");
    console.log(
      `${outcome.requestsPerSecond.toFixed(1).padStart(5)}  ${String(outcome.p50).padStart(7)} ${String(outcome.p99).padStart(7)}  ${String(outcome.errors).padStart(6)}  ${String(outcome.non2xx).padStart(7)}  ${String(outcome.sent).padStart(4)}  ${outcome.seconds.toFixed(1).padStart(7)}  ${String(peakRssMiB).padStart(12)}`,
    );
    console.log(`open-sts response body: ${responseBytes} bytes`);
    if (outcome.exhausted) {
      console.log(`NOTE: every signed assertion was sent after ${outcome.seconds.toFixed(1)} s, so the run stopped before its ${DURATION} s ended.`);
    }
    if (outcome.firstFailure) console.error(`first failed request: ${outcome.firstFailure}`);
    passed = outcome.errors === 0 && outcome.non2xx === 0;
    return passed;
  } finally {
    if (target) {
      await stopProcess(target);
      // A passing run deletes the server log, which grows by one audit line per request. A failed run keeps it for inspection.
      if (passed) rmSync(dirname(target.logFile), { recursive: true, force: true });
      else console.error(`${target.name} log: ${target.logFile}`);
    }
  }
}

/** Registers the IdP's metadata as a SAML provider and creates a role whose trust policy accepts it. */
async function registerProviderAndRole(endpoint: string, metadata: string): Promise<void> {
  const iam = new IAMClient({ endpoint, region: "us-east-1", credentials: DEMO_ROOT, maxAttempts: 1 });
  try {
    const provider = await iam.send(new CreateSAMLProviderCommand({ Name: PROVIDER_NAME, SAMLMetadataDocument: metadata }));
    if (provider.SAMLProviderArn !== PROVIDER_ARN) throw new Error(`CreateSAMLProvider returned ${provider.SAMLProviderArn}, expected ${PROVIDER_ARN}.`);
    await iam.send(new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: samlTrust(PROVIDER_ARN) }));
  } finally {
    iam.destroy();
  }
}

/** Sends one AssumeRoleWithSAML request and throws unless it succeeds. Returns the size of the response body in bytes. */
async function assumeOnce(endpoint: string, assertion: string): Promise<number> {
  const response = await fetch(endpoint, { method: "POST", headers: { "content-type": FORM_CONTENT_TYPE }, body: samlRequestBody(assertion) });
  const body = await response.text();
  if (response.status !== 200 || !body.includes("<AssumedRoleUser>")) {
    throw new Error(`The warm-up AssumeRoleWithSAML call failed with status ${response.status}:\n${body}`);
  }
  return Buffer.byteLength(body);
}

/**
 * A closed-loop load generator like runHttpLoad in http-load.ts, except that it sends each
 * assertion at most once: `connections` workers take the next unsent assertion as soon as their
 * previous response is read, until `seconds` have passed or none is left. Replaying an assertion
 * would only measure the rejection of a replay.
 */
async function sendEachOnce(url: string, assertions: readonly string[], connections: number, seconds: number): Promise<LoadOutcome> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let firstFailure: string | undefined;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;

  const sendOne = (assertion: string) =>
    new Promise<void>((resolve) => {
      const body = samlRequestBody(assertion);
      const started = performance.now();
      const outgoing = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: "POST",
          path: "/",
          headers: { "content-type": FORM_CONTENT_TYPE, "content-length": String(Buffer.byteLength(body)) },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            latencies.push(performance.now() - started);
            const status = response.statusCode ?? 0;
            if (status < 200 || status >= 300) {
              non2xx++;
              const code = /<Code>([^<]*)<\/Code>/.exec(Buffer.concat(chunks).toString("utf8"))?.[1] ?? "no error code";
              firstFailure ??= `status ${status}, ${code}`;
            }
            resolve();
          });
        },
      );
      outgoing.on("error", (error) => {
        errors++;
        firstFailure ??= `connection error: ${error.message}`;
        resolve();
      });
      outgoing.end(body);
    });

  const worker = async () => {
    while (performance.now() < deadline && next < assertions.length) await sendOne(assertions[next++]!);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (fraction: number) => Math.round((latencies[Math.floor(fraction * (latencies.length - 1))] ?? Number.NaN) * 10) / 10;
  return {
    sent: next,
    requestsPerSecond: latencies.length / elapsed,
    p50: percentile(0.5),
    p99: percentile(0.99),
    errors,
    non2xx,
    exhausted: next === assertions.length && performance.now() < deadline,
    seconds: elapsed,
    ...(firstFailure === undefined ? {} : { firstFailure }),
  };
}

/**
 * Times each step of AssumeRoleWithSAML in this process, without HTTP, on the embedded store
 * with warm caches, then the whole handleQueryRequest with a fresh assertion per call. The steps
 * call the same functions as shared/sts/assume-role-with-saml.ts with the same arguments. Then
 * it times samlify's bare verification of the same response with three schema validators:
 * the one confirmWithSamlify installs, xmllint-wasm, and one that accepts everything.
 */
async function measureCosts(idp: TestSamlIdp): Promise<void> {
  const now = new Date();
  const service = await startInProcessService(now);
  try {
    const provider = await (await service.store.samlProviders()).createSamlProvider(
      ACCOUNT,
      { name: PROVIDER_NAME, metadata: { document: idp.metadata, parsed: parseIdpMetadata(idp.metadata) }, tags: [] },
      now,
    );
    await service.store.createRole(
      ACCOUNT,
      { roleName: ROLE_NAME, path: "/", trustPolicy: samlTrust(provider.arn), trustPrincipalIds: {}, maxSessionDuration: 3600, tags: [] },
      now,
    );
    // The test helper turns caching off; a deployment caches IAM data for 30 s.
    const store = new IamStore(service.table, service.ring, { partition: "aws", cacheTtlMs: 30_000 });
    const dependencies = { ...service, store };
    const client = { sourceIp: "127.0.0.1", userAgent: "bench", secureTransport: false };
    const viewOf = (assertion: string) => ({
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: { "content-type": FORM_CONTENT_TYPE, host: "127.0.0.1" },
      body: Buffer.from(samlRequestBody(assertion)),
    });

    // The whole-request row needs an assertion per call; the step rows reuse one, because none of them records a use.
    const wholeCalls = SLOW_CALLS.warmUp + SLOW_CALLS.calls;
    const { assertions, msEach } = await signAssertions(idp, wholeCalls + 1);
    const encoded = assertions.pop()!;
    const first = await handleQueryRequest(STS_SERVICE, viewOf(encoded), client, dependencies);
    if (first.statusCode !== 200) throw new Error(`The in-process AssumeRoleWithSAML call failed with status ${first.statusCode}:\n${first.body}`);

    const xml = decodeSamlResponse(encoded);
    const providerWithKeys = (await (await store.samlProviders()).getSamlProviderWithKeys(ACCOUNT, PROVIDER_NAME))!;
    const providerOptions = samlProviderOptions(provider.tags);
    const providerKeys = {
      ...providerWithKeys,
      ...providerOptions,
      decryptionKeys: providerWithKeys.privateKeys.map((key) => key.pem),
      requireEncryption: providerWithKeys.assertionEncryptionMode === "Required",
    };
    const expectations = () => ({ ...service.config.saml, now: new Date() });
    const assertion = verifySamlResponse(xml, providerKeys, expectations());
    const role = (await store.getRole(ACCOUNT, ROLE_NAME))!;
    const sessionName = readRoleSessionName(assertion);
    const samlKeys = samlConditionKeys(assertion, { arn: provider.arn, name: provider.name, accountId: provider.accountId });
    const trustKeys = {
      "aws:CurrentTime": now.toISOString(),
      "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
      "aws:SourceIp": client.sourceIp,
      "aws:UserAgent": client.userAgent,
      "aws:SecureTransport": String(client.secureTransport),
      "aws:RequestedRegion": "us-east-1",
      "aws:FederatedProvider": provider.arn,
      "sts:RoleSessionName": sessionName,
      ...samlKeys,
    };
    if (evaluateTrust(role, provider.arn, trustKeys) !== "Allow") throw new Error("The trust policy does not allow the benchmark's assertion.");
    const sessionContext = { facts: { now, region: "us-east-1", ...client }, ring: service.ring, config: service.config };
    const newSession = {
      role,
      sessionName,
      durationSeconds: 3600,
      sourceAccountId: ACCOUNT,
      chained: false,
      attributes: {
        federatedProvider: provider.arn,
        federatedKeys: { "saml:namequalifier": samlKeys["saml:namequalifier"] as string, "saml:sub": assertion.nameId, "saml:sub_type": subjectType(assertion) },
      },
    };
    const bareSamlify = bareSamlifyVerifier(provider.metadataDocument, assertion.recipient, service.config.saml.clockSkewSeconds);

    console.log(`\nCost per call in process, wall-clock time. The IdP signed each assertion in ${msEach.toFixed(2)} ms.`);
    console.log(
      `Steps of the action, mean of ${FAST_CALLS.calls} calls after ${FAST_CALLS.warmUp} warm-up calls, ` +
        `or of ${SLOW_CALLS.calls} after ${SLOW_CALLS.warmUp} for the rows of a millisecond or more:`,
    );
    const decode = await timePerCall("base64 decoding (decodeSamlResponse)", FAST_CALLS, () => decodeSamlResponse(encoded));
    const lookups = await timePerCall("provider and role lookups, warm caches", FAST_CALLS, async () => {
      await (await store.samlProviders()).getSamlProviderWithKeys(ACCOUNT, PROVIDER_NAME);
      await store.getRole(ACCOUNT, ROLE_NAME);
    });
    const ours = await timePerCall("verifySamlResponse: parse, structure, signature", SLOW_CALLS, () =>
      verifySamlResponse(xml, providerKeys, expectations()),
    );
    const confirm = await timePerCall("confirmWithSamlify: samlify, checkSamlStructure", SLOW_CALLS, () =>
      confirmWithSamlify(encoded, { metadata: provider.metadataDocument, ...providerOptions }, expectations(), assertion),
    );
    const structure = await timePerCall("  of which checkSamlStructure", SLOW_CALLS, () => checkSamlStructure(xml));
    const trust = await timePerCall("trust policy evaluation", FAST_CALLS, () => evaluateTrust(role, provider.arn, trustKeys));
    let claimIndex = 0;
    const claim = await timePerCall("replay check and claim (isClaimed, claim)", SLOW_CALLS, async () => {
      const onceParts = [assertion.issuer, `bench-${claimIndex++}`];
      if (await store.oneTimeUse.isClaimed("saml", onceParts, new Date())) throw new Error("isClaimed returned true for an assertion ID that was never claimed.");
      if (!(await store.oneTimeUse.claim("saml", onceParts, assertion.notOnOrAfter, new Date()))) throw new Error("A fresh replay claim was rejected.");
    });
    const session = await timePerCall("issueSession: keys and sealed token", FAST_CALLS, () => issueSession(sessionContext, newSession));
    let wholeIndex = 0;
    const whole = await timePerCall("whole handleQueryRequest", SLOW_CALLS, async () => {
      const response = await handleQueryRequest(STS_SERVICE, viewOf(assertions[wholeIndex++]!), client, dependencies);
      if (response.statusCode !== 200) throw new Error(`AssumeRoleWithSAML failed with status ${response.statusCode}:\n${response.body}`);
    });
    // confirmWithSamlify contains checkSamlStructure, so that row is left out of the sum.
    const remainder = whole - (decode + lookups + ours + confirm + trust + claim + session);
    console.log(`${"whole minus its steps above".padEnd(50)} ${remainder.toFixed(1).padStart(9)} us per call`);

    console.log("samlify alone, with the validator that confirmWithSamlify installs:");
    const bare = await timePerCall("samlify parseLoginResponse alone", SLOW_CALLS, () => bareSamlify(encoded));

    // The rows below replace samlify's process-wide validator, so they run last.
    samlify.setSchemaValidator({ validate: xmllintValidate });
    // Each call starts a worker thread, whose cost drifts with the machine's load, so these rows
    // run in rounds of one call each and every row meets the same drift.
    const [bareWithXmllint, xmllint] = await timeInRounds("@authenio/samlify-xmllint-wasm, which starts a worker thread per call", [
      { name: "samlify parseLoginResponse alone, xmllint-wasm", run: () => bareSamlify(encoded) },
      { name: "xmllint-wasm validator alone, SAML schemas", run: () => xmllintValidate(xml) },
      { name: "xmllint-wasm validateXML, one-element schema", run: validateTinyDocument },
      { name: "empty worker thread, started and stopped", run: startEmptyWorker },
    ]);
    samlify.setSchemaValidator({ validate: async () => "skipped" });
    console.log(`samlify without schema validation, mean of ${SLOW_CALLS.calls} calls after ${SLOW_CALLS.warmUp} warm-up calls:`);
    await timePerCall("samlify parseLoginResponse, validator accepts all", SLOW_CALLS, () => bareSamlify(encoded));

    console.log(`\nwhole handleQueryRequest / samlify parseLoginResponse alone: ${(whole / bare).toFixed(2)}`);
    console.log(`whole handleQueryRequest / samlify parseLoginResponse alone with xmllint-wasm: ${(whole / bareWithXmllint!).toFixed(2)}`);
    console.log(`xmllint-wasm with the SAML schemas / checkSamlStructure: ${(xmllint! / structure).toFixed(0)}`);
  } finally {
    await service.close();
  }
}

/** Evaluates the role's trust policy as the action does for sts:AssumeRoleWithSAML and returns the decision. */
function evaluateTrust(role: RoleRecord, providerArn: string, keys: Record<string, string | string[]>): string {
  return authorizeRequest({
    request: { action: "sts:AssumeRoleWithSAML", resource: role.arn, keys, principal: { type: "Federated", names: [providerArn] } },
    callerAccountId: role.accountId,
    resourceAccountId: role.accountId,
    identityPolicies: [],
    resourcePolicy: cachedPolicy(role.trustPolicy, "trust"),
    resourcePolicyMode: "trust",
  }).decision;
}

/**
 * Validates a one-element document against a one-element schema. The call pays the costs of
 * validateXML that do not depend on the schema: the worker thread and loading and instantiating
 * the WebAssembly module.
 */
async function validateTinyDocument(): Promise<void> {
  const schema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="note" type="xs:string"/></xs:schema>`;
  const result = await validateXML({ xml: [{ fileName: "note.xml", contents: "<note>text</note>" }], extension: "schema", schema: [schema] });
  if (!result.valid) throw new Error(`The one-element document failed schema validation: ${result.rawOutput}`);
}

/** Starts a worker thread that runs no code, waits until it is online and terminates it, as validateXML terminates its worker after each call. */
async function startEmptyWorker(): Promise<void> {
  const worker = new Worker("", { eval: true });
  await new Promise<void>((resolve, reject) => {
    worker.once("online", resolve);
    worker.once("error", reject);
  });
  await worker.terminate();
}

/**
 * Builds samlify's own check of a response as an application using samlify alone would run it:
 * the identity and service providers are built once, and each call is one parseLoginResponse.
 * Each call uses the schema validator installed in samlify at that moment. samlify rejects every
 * response while none is installed, so a missing validator fails the row.
 */
function bareSamlifyVerifier(metadata: string, recipient: string, clockSkewSeconds: number): (encoded: string) => Promise<void> {
  const identityProvider = samlify.IdentityProvider({ metadata });
  const serviceProvider = samlify.ServiceProvider({
    entityID: "urn:amazon:webservices",
    wantAssertionsSigned: true,
    assertionConsumerService: [{ Binding: POST_BINDING, Location: recipient }],
    clockDrifts: [-clockSkewSeconds * 1000, clockSkewSeconds * 1000],
  });
  return async (encoded) => {
    await serviceProvider.parseLoginResponse(identityProvider, "post", { body: { SAMLResponse: encoded } });
  };
}

/**
 * Times slow calls in rounds: each round makes one call of every row in order, awaiting each
 * before the next. Prints the mean and the median of each row over the measured rounds and
 * returns the means in microseconds.
 */
async function timeInRounds(title: string, rows: { name: string; run: () => Promise<unknown> }[]): Promise<number[]> {
  const samples = rows.map((): number[] => []);
  for (let round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
    for (const [index, row] of rows.entries()) {
      const started = performance.now();
      await row.run();
      if (round >= WARM_UP_ROUNDS) samples[index]!.push((performance.now() - started) * 1000);
    }
  }
  console.log(`${title}, mean and median of ${ROUNDS} rounds after ${WARM_UP_ROUNDS} warm-up rounds:`);
  return rows.map((row, index) => {
    const sorted = samples[index]!.sort((a, b) => a - b);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`${row.name.padEnd(50)} ${mean.toFixed(1).padStart(9)} us per call (median ${median.toFixed(1)})`);
    return mean;
  });
}

/** Prints and returns the mean wall-clock time of one call in microseconds, awaiting each call before the next. */
async function timePerCall(name: string, counts: { calls: number; warmUp: number }, run: () => unknown): Promise<number> {
  for (let index = 0; index < counts.warmUp; index++) await run();
  const started = performance.now();
  for (let index = 0; index < counts.calls; index++) await run();
  const micros = ((performance.now() - started) * 1000) / counts.calls;
  console.log(`${name.padEnd(50)} ${micros.toFixed(1).padStart(9)} us per call`);
  // A loop of synchronous calls never reaches the event loop's I/O phase. Yielding lets the store
  // client see that the embedded store closed an idle keep-alive connection, instead of writing the
  // next request to it and failing with ECONNRESET (the test helper's client does not retry).
  await new Promise((resolve) => setImmediate(resolve));
  return micros;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
