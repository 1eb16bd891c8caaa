/**
 * AssumeRole throughput over loopback HTTP, reported as ratios against two references measured
 * in the same run: a bare node:http server returning a fixed body, and moto_server's AssumeRole.
 * Requests are signed before the clock starts. Each ratio compares two targets driven by the
 * same load generator: autocannon for the bare server, and a node:http client for moto_server,
 * because moto_server closes the connection after each response and autocannon stalls on that.
 * Usage: `npm run bench [-- --duration 10 --connections 16]`.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import autocannon from "autocannon";
import { type LoadRequest, peakRss, runHttpLoad, startProcess, type Target } from "./http-load.js";

const { values: options } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    requests: { type: "string", default: "500" },
    // INFO writes the audit line of every request, as a deployment does.
    "log-level": { type: "string", default: "INFO" },
  },
});
const DURATION = Number(options.duration);
const CONNECTIONS = Number(options.connections);
const SIGNED_REQUESTS = Number(options.requests);
const DEMO_ROOT = { accessKeyId: "AKIAOPENSTSLOCALROOT", secretAccessKey: "OpenStsLocalDemoRootSecretKey0000000000X" };
const ROLE_ARN = "arn:aws:iam::000000000000:role/bench";

interface Measurement {
  name: string;
  generator: "autocannon" | "node:http";
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  peakRssMiB: number;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  // Every server started so far is stopped on the way out, also when a later one fails to start.
  const started: Target[] = [];
  try {
    const ours = await startProcess("open-sts", process.execPath, ["--import", "tsx", "infra/local/main.ts"], {
      PORT: "0",
      OPEN_STS_DATA_DIR: ":memory:",
      POWERTOOLS_LOG_LEVEL: options["log-level"],
    }, /Open STS ready at (http:\/\/127\.0\.0\.1:\d+)/);
    started.push(ours);
    const bare = await startProcess("bare node:http", process.execPath, ["bench/bare-server.mjs"], {}, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    started.push(bare);
    const motoPort = 20000 + Math.floor(Math.random() * 20000);
    const moto = await startProcess("moto_server", "moto_server", ["-H", "127.0.0.1", "-p", String(motoPort)], {}, /Running on (http:\/\/127\.0\.0\.1:\d+)/);
    started.push(moto);

    const caller = await prepareCaller(ours.url);
    const measurements: Measurement[] = [];
    for (const target of [bare, ours]) {
      const requests = await signRequests(target.url, caller, SIGNED_REQUESTS);
      await run(target, requests, 2); // warm-up: JIT, caches, connection set-up
      measurements.push(await measure(target, requests));
    }
    for (const target of [ours, moto]) {
      const requests = await signRequests(target.url, caller, SIGNED_REQUESTS);
      await runHttpLoad(target.url, requests as LoadRequest[], CONNECTIONS, 2);
      const result = await runHttpLoad(target.url, requests as LoadRequest[], CONNECTIONS, DURATION);
      measurements.push({ name: target.name, generator: "node:http", ...result, peakRssMiB: peakRss(target.process.pid!) });
    }
    report(measurements);
  } finally {
    for (const target of started) target.process.kill("SIGTERM");
  }
}

async function prepareCaller(endpoint: string) {
  const iam = new IAMClient({ endpoint, region: "us-east-1", credentials: DEMO_ROOT });
  const user = await iam.send(new CreateUserCommand({ UserName: "bench" }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "bench" }))).AccessKey!;
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: user.User!.Arn }, Action: "sts:AssumeRole" }] };
  await iam.send(new CreateRoleCommand({ RoleName: "bench", AssumeRolePolicyDocument: JSON.stringify(trust) }));
  iam.destroy();
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

/** Signs distinct AssumeRole requests (one session name each) as the AWS CLI would send them. */
async function signRequests(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, count: number) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ credentials, region: "us-east-1", service: "sts", sha256: Hash.bind(null, "sha256"), applyChecksum: false });
  const requests: autocannon.Request[] = [];
  for (let index = 0; index < count; index++) {
    const body = new URLSearchParams({ Action: "AssumeRole", Version: "2011-06-15", RoleArn: ROLE_ARN, RoleSessionName: `bench-${index}` }).toString();
    const signed = await signer.sign(
      new HttpRequest({
        method: "POST",
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: "/",
        headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
        body,
      }),
    );
    requests.push({ method: "POST", path: "/", headers: signed.headers as Record<string, string>, body });
  }
  return requests;
}

function run(target: Target, requests: autocannon.Request[], seconds: number): Promise<autocannon.Result> {
  return autocannon({ url: target.url, connections: CONNECTIONS, duration: seconds, requests });
}

async function measure(target: Target, requests: autocannon.Request[]): Promise<Measurement> {
  const result = await run(target, requests, DURATION);
  return {
    name: target.name,
    generator: "autocannon",
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    peakRssMiB: peakRss(target.process.pid!),
  };
}

function report(measurements: Measurement[]): void {
  const find = (name: string, generator: Measurement["generator"]) =>
    measurements.find((entry) => entry.name === name && entry.generator === generator)!;
  console.log(
    `\nAssumeRole over loopback: ${CONNECTIONS} connections, ${DURATION} s per target, log level ${options["log-level"]}, ` +
      `${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}`,
  );
  console.log("target           generator    req/s    p50 ms  p99 ms  errors  non-2xx  peak RSS MiB");
  for (const entry of measurements) {
    console.log(
      `${entry.name.padEnd(16)} ${entry.generator.padEnd(10)} ${entry.requestsPerSecond.toFixed(0).padStart(7)}  ${String(entry.p50).padStart(7)} ${String(entry.p99).padStart(7)}  ${String(entry.errors).padStart(6)}  ${String(entry.non2xx).padStart(7)}  ${String(entry.peakRssMiB).padStart(12)}`,
    );
  }
  const ratio = (generator: Measurement["generator"], reference: string) =>
    (find("open-sts", generator).requestsPerSecond / find(reference, generator).requestsPerSecond).toFixed(2);
  console.log(`open-sts / bare node:http (autocannon): ${ratio("autocannon", "bare node:http")}`);
  console.log(`open-sts / moto_server (node:http client): ${ratio("node:http", "moto_server")}`);
  const failures = measurements.filter((entry) => entry.name !== "bare node:http" && (entry.non2xx > 0 || entry.errors > 0));
  if (failures.length > 0) {
    console.error("some AssumeRole requests failed: the figures above are not valid");
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
