import { startLocalHost } from "./host.js";
import { readLocalSettings } from "./settings.js";

/** `npm start`: serves Open STS on loopback until interrupted. */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // Local identity providers run on loopback over http; AWS deployments never allow them.
  process.env.OPEN_STS_ALLOW_LOOPBACK_ISSUERS ??= "true";
  const settings = readLocalSettings();
  const host = await startLocalHost(settings);
  const root = settings.accounts[0]!;
  const storage = settings.dataDir === ":memory:" ? "in memory" : `in ${settings.dataDir}`;
  // One write, so that a process waiting for the ready line also reads the profile after it.
  console.log(
    [
      `Open STS ready at ${host.url} (${accountList(settings.accounts.map((account) => account.id))}, data ${storage})`,
      settings.demoRootKey ? "# Demo root key of account 000000000000, for local use only." : "# Root key of account 000000000000.",
      ...(process.env.OPEN_STS_ALLOW_LOOPBACK_ISSUERS === "true"
        ? ["# OpenID Connect issuers on http://127.0.0.1 and http://localhost are accepted (local mode)."]
        : []),
      "# Paste into ~/.aws/config, then: aws --profile open-sts sts get-caller-identity",
      "[profile open-sts]",
      `endpoint_url = ${host.url}`,
      "region = us-east-1",
      `aws_access_key_id = ${root.rootAccessKeyId}`,
      ...(settings.demoRootKey ? [`aws_secret_access_key = ${root.rootSecretAccessKey}`] : ["# aws_secret_access_key = <OPEN_STS_ROOT_SECRET_ACCESS_KEY>"]),
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Open STS stopping (${signal})`);
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`Open STS failed to stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function accountList(ids: readonly string[]): string {
  return ids.length === 1 ? `account ${ids[0]}` : `accounts ${ids.join(", ")}`;
}

main().catch((error: unknown) => {
  const cause = (error as Error).cause;
  const detail = cause instanceof Error ? ` (${cause.name}: ${cause.message})` : "";
  console.error(`Open STS failed to start: ${(error as Error).message}${detail}`);
  process.exit(1);
});
