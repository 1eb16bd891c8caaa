/**
 * Bundle sizes and cold starts of the Lambda functions, built exactly as the CDK stack builds
 * them (infra/cdk/bundling.ts).
 *
 * Sizes: for each function, the bytes a cold start reads (the entry file and the chunks it
 * imports statically) and the chunks loaded on demand, such as the SAML verifier.
 *
 * Cold start: a fresh `node` process imports the bundled STS handler (module init) and serves one
 * signed GetCallerIdentity event against the embedded store. The reference, measured in the same
 * run, is a fresh process that imports a bundle of a bare handler returning a constant. The
 * bundles include the AWS SDK, as the deployed functions do.
 *
 *   npx tsx bench/function-bundles.ts [--runs 10]
 */
import { execFile } from "node:child_process";
import { parseArgs, promisify } from "node:util";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, relative } from "node:path";
import type { Metafile } from "esbuild";
import { startEmbeddedStore } from "../infra/local/embedded-store.js";
import { bundleFunction, FUNCTION_ENTRIES, type FunctionName } from "../infra/cdk/bundling.js";
import { newKeyRingDocument, keyRingFromDocument } from "../shared/credentials/keyring-document.js";
import { IamStore } from "../shared/store/iam-store.js";
import { Table } from "../shared/store/table.js";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { apiGatewayEventOf, signedView } from "../test/support/signed-view.js";

const { values: options } = parseArgs({ options: { runs: { type: "string", default: "10" } } });
const runs = Number(options.runs);
const folder = mkdtempSync(join(tmpdir(), "open-sts-bundles-"));
const ACCOUNT = "000000000000";
const ROOT_KEY = { accessKeyId: "AKIABENCHCOLDSTART00", secretAccessKey: "bench-cold-start-root-secret-000000000000" };

/** Splits a bundle's outputs into what a cold start reads and what loads on demand. */
function measure(metafile: Metafile, outdir: string): { initial: number; onDemand: Array<[string, number]> } {
  const outputs = metafile.outputs;
  const key = (file: string) => Object.keys(outputs).find((name) => name.endsWith(file))!;
  const entry = key("index.mjs");
  const initial = new Set<string>();
  const visit = (name: string) => {
    if (initial.has(name)) return;
    initial.add(name);
    for (const imported of outputs[name]!.imports) if (imported.kind === "import-statement" && outputs[imported.path]) visit(imported.path);
  };
  visit(entry);
  const onDemand = Object.keys(outputs)
    .filter((name) => name.endsWith(".mjs") && !initial.has(name))
    .map((name) => [relative(outdir, name), statSync(name).size] as [string, number]);
  return { initial: [...initial].reduce((sum, name) => sum + statSync(name).size, 0), onDemand };
}

const CHILD = `
const start = performance.now();
const module = await import(process.argv[2]);
const imported = performance.now();
const response = await module.handler(JSON.parse(process.argv[3]), { functionName: "bench", awsRequestId: "bench" });
const served = performance.now();
if (response.statusCode !== 200) throw new Error("status " + response.statusCode + ": " + response.body);
console.log(JSON.stringify({ initMs: imported - start, firstRequestMs: served - imported }));
// The DynamoDB client keeps its connection open, which would keep the process alive.
process.exit(0);
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

try {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(`Function bundles (esbuild, minified, ESM, node22, AWS SDK included) on ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`);
  console.log("function   read at cold start   loaded on demand");
  const outdirs = {} as Record<FunctionName, string>;
  for (const name of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
    const outdir = join(folder, name);
    outdirs[name] = outdir;
    const sizes = measure(await bundleFunction(FUNCTION_ENTRIES[name], outdir), outdir);
    const lazyBytes = sizes.onDemand.reduce((sum, [, bytes]) => sum + bytes, 0);
    const saml = sizes.onDemand.find(([file]) => /^saml-[A-Z0-9]+\.mjs$/.test(file));
    const lazy = `${sizes.onDemand.length} files, ${kb(lazyBytes)}${saml ? ` (the SAML verifier's own chunk ${kb(saml[1])})` : ""}`;
    console.log(`${name.padEnd(10)} ${kb(sizes.initial).padStart(18)}   ${lazy}`);
  }

  // The reference: the same bundling of a handler that does nothing.
  const bareEntry = join(folder, "bare.ts");
  writeFileSync(bareEntry, "export const handler = async () => ({ statusCode: 200, body: 'ok' });\n");
  await bundleFunction(bareEntry, join(folder, "bare"));

  const embedded = await startEmbeddedStore(undefined);
  const client = new DynamoDBClient({ endpoint: embedded.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const document = newKeyRingDocument(new Date());
  const keyringFile = join(folder, "keyring.json");
  writeFileSync(keyringFile, JSON.stringify(document), { mode: 0o600 });
  const table = new Table(client, "open-sts");
  await table.ensureExists();
  const store = new IamStore(table, keyRingFromDocument(document), { partition: "aws", cacheTtlMs: 0 });
  await store.ensureAccount(ACCOUNT, new Date());
  await store.putRootAccessKey(ACCOUNT, ROOT_KEY.accessKeyId, ROOT_KEY.secretAccessKey, new Date());

  const env = {
    PATH: process.env.PATH ?? "",
    OPEN_STS_KEYRING_FILE: keyringFile,
    OPEN_STS_DYNAMODB_ENDPOINT: embedded.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    POWERTOOLS_LOG_LEVEL: "WARN",
  };
  const coldStart = async (bundle: string): Promise<{ initMs: number; firstRequestMs: number }> => {
    const event = apiGatewayEventOf(await signedView(ROOT_KEY, { Action: "GetCallerIdentity", Version: "2011-06-15" }, new Date()));
    const childFile = join(folder, "child.mjs");
    writeFileSync(childFile, CHILD);
    // Asynchronous, because the embedded store that serves the child runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, [childFile, bundle, JSON.stringify(event)], { env, encoding: "utf8", timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").pop()!);
  };

  const sts: Array<{ initMs: number; firstRequestMs: number }> = [];
  const bare: Array<{ initMs: number; firstRequestMs: number }> = [];
  for (let run = 0; run < runs; run++) {
    bare.push(await coldStart(join(folder, "bare", "index.mjs")));
    sts.push(await coldStart(join(outdirs.sts, "index.mjs")));
  }
  client.destroy();
  await embedded.close();

  const stsInit = median(sts.map((run) => run.initMs));
  const bareInit = median(bare.map((run) => run.initMs));
  console.log(`\nCold start, median of ${runs} fresh processes each`);
  console.log("bundle      module init ms   first request ms");
  console.log(`bare        ${bareInit.toFixed(1).padStart(14)}   ${median(bare.map((run) => run.firstRequestMs)).toFixed(1).padStart(16)}`);
  console.log(`sts         ${stsInit.toFixed(1).padStart(14)}   ${median(sts.map((run) => run.firstRequestMs)).toFixed(1).padStart(16)}`);
  console.log(`sts module init is ${(stsInit / bareInit).toFixed(1)}x the bare handler's; STS runs: ${sts.map((run) => run.initMs.toFixed(0)).join(", ")} ms`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
