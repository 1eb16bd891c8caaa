import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface RunningHost {
  url: string;
  /** Everything the process printed on stdout and stderr so far. */
  output(): string;
  stop(): Promise<number | null>;
  process: ChildProcess;
}

const running = new Set<ChildProcess>();
// A test run that ends before its afterAll hooks still takes its hosts down with it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Starts `infra/local/main.ts` (what `npm start` runs) as a child process on a free loopback
 * port and waits for its ready line. The caller stops it; a host that exits early rejects.
 */
export async function startHost(env: Record<string, string> = {}): Promise<RunningHost> {
  const child = spawn(process.execPath, ["--import", "tsx", "infra/local/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_EC2_METADATA_DISABLED: "true",
      PORT: "0",
      OPEN_STS_DATA_DIR: ":memory:",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the host printed no ready line within 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /Open STS ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with code ${code} before it was ready:\n${output}`));
    });
  });

  return {
    url,
    process: child,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
