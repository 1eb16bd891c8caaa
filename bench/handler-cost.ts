/**
 * Cost of the STS handler's work per request, in process and without HTTP: GetCallerIdentity and
 * AssumeRole through handleQueryRequest on the embedded store with warm caches, and sealing one
 * session token alone. Prints microseconds per call; asserts nothing.
 *
 *   npx tsx bench/handler-cost.ts
 */
import { handleQueryRequest } from "../shared/api/query-service.js";
import { seal } from "../shared/credentials/sealed.js";
import { stsModel } from "../shared/protocol/models/sts.js";
import { IamStore } from "../shared/store/iam-store.js";
import { stsActions } from "../shared/sts/index.js";
import { startInProcessService } from "../test/support/in-process.js";
import { signedView } from "../test/support/signed-view.js";

const ACCOUNT = "000000000000";
const ITERATIONS = 20_000;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const service = await startInProcessService();
  const now = new Date();
  const user = await service.store.createUser(ACCOUNT, { userName: "bench", path: "/", tags: [] }, now);
  const key = await service.store.createAccessKey(ACCOUNT, "bench", now);
  const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: user.arn }, Action: "sts:AssumeRole" }] };
  await service.store.createRole(
    ACCOUNT,
    { roleName: "bench", path: "/", trustPolicy: JSON.stringify(trust), trustPrincipalIds: { [user.arn]: user.userId }, maxSessionDuration: 3600, tags: [] },
    now,
  );
  // The test helper turns caching off; a deployment caches IAM data for 30 s.
  const dependencies = { ...service, store: new IamStore(service.table, service.ring, { partition: "aws", cacheTtlMs: 30_000 }) };
  const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  const definition = { model: stsModel, actions: stsActions };
  const client = { sourceIp: "127.0.0.1", userAgent: "bench", secureTransport: false };

  const identity = await signedView(credentials, { Action: "GetCallerIdentity", Version: "2011-06-15" }, now);
  const assume: Awaited<ReturnType<typeof signedView>>[] = [];
  for (let index = 0; index < 200; index++) {
    const params = { Action: "AssumeRole", Version: "2011-06-15", RoleArn: `arn:aws:iam::${ACCOUNT}:role/bench`, RoleSessionName: `s${index}` };
    assume.push(await signedView(credentials, params, now));
  }

  await time("GetCallerIdentity", () => handleQueryRequest(definition, identity, client, dependencies));
  await time("AssumeRole", (index) => handleQueryRequest(definition, assume[index % assume.length]!, client, dependencies));
  await time("seal a session token (jose)", () => seal(service.ring, "session-token", { padding: "x".repeat(400) }));
  await service.close();
}

async function time(name: string, run: (index: number) => Promise<unknown>): Promise<void> {
  for (let index = 0; index < 2_000; index++) await run(index);
  const started = performance.now();
  for (let index = 0; index < ITERATIONS; index++) await run(index);
  const micros = ((performance.now() - started) * 1000) / ITERATIONS;
  console.log(`${name.padEnd(30)} ${micros.toFixed(1).padStart(7)} us per call`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
