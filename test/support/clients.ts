import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CliResult {
  exitCode: number;
  // biome-ignore lint/suspicious/noExplicitAny: the CLI prints JSON whose shape each test asserts.
  json: any;
  stdout: string;
  stderr: string;
}

/** Environment for AWS clients in tests: explicit keys, no config files, no metadata service. */
export function clientEnv(credentials: Credentials): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_RETRY_MODE: "standard",
    AWS_MAX_ATTEMPTS: "1",
  };
}

/** Runs the real AWS CLI v1 against `endpoint`, returning its exit code and parsed JSON output. */
export async function awsCli(endpoint: string, credentials: Credentials, args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run("aws", [...args, "--endpoint-url", endpoint, "--output", "json"], {
      env: clientEnv(credentials),
      timeout: 60_000,
    });
    return { exitCode: 0, json: stdout.trim() ? JSON.parse(stdout) : undefined, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failure.code ?? -1, json: undefined, stdout: failure.stdout ?? "", stderr: failure.stderr ?? "" };
  }
}

/** Runs a boto3 script with `endpoint` in the ENDPOINT environment variable; the script prints JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the script prints JSON whose shape each test asserts.
export async function boto3(endpoint: string, credentials: Credentials, script: string): Promise<any> {
  const { stdout } = await run("python3", ["-c", script], {
    env: { ...clientEnv(credentials), ENDPOINT: endpoint },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/** Returns the error code the AWS CLI printed, e.g. "NoSuchEntity" from "An error occurred (NoSuchEntity) when…". */
export function cliErrorCode(result: CliResult): string | undefined {
  return /An error occurred \(([^)]+)\)/.exec(result.stderr)?.[1];
}
