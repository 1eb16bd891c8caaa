import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface LoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * A closed-loop load generator on node:http: `connections` workers each send the next request
 * as soon as the previous response is read. Unlike autocannon it follows servers that close the
 * connection after every response (moto_server's development server does), opening a new one.
 */
export async function runHttpLoad(url: string, requests: readonly LoadRequest[], connections: number, seconds: number): Promise<LoadResult> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;

  const sendOne = (item: LoadRequest) =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const outgoing = request(
        { agent, host: target.hostname, port: target.port, method: item.method, path: item.path, headers: item.headers },
        (response) => {
          response.resume();
          response.on("end", () => {
            if ((response.statusCode ?? 0) >= 300) non2xx++;
            latencies.push(performance.now() - started);
            resolve();
          });
        },
      );
      outgoing.on("error", () => {
        errors++;
        resolve();
      });
      outgoing.end(item.body);
    });

  const worker = async () => {
    while (performance.now() < deadline) await sendOne(requests[next++ % requests.length]!);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (fraction: number) => Math.round((latencies[Math.floor(fraction * (latencies.length - 1))] ?? Number.NaN) * 10) / 10;
  return { requestsPerSecond: latencies.length / elapsed, p50: percentile(0.5), p99: percentile(0.99), errors, non2xx };
}

/** A server process started by startProcess. */
export interface Target {
  name: string;
  url: string;
  process: ChildProcess;
  /** The file that receives the process's stdout and stderr. */
  logFile: string;
}

/**
 * Starts a server with its output going to a temporary file, not a pipe: a pipe that this busy
 * process drains too slowly would block a server that logs every request. The server's URL is
 * the first group of `ready` in its output. A server that exits or does not print `ready`
 * within 30 s is killed and the start rejects with its output.
 */
export async function startProcess(name: string, command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<Target> {
  const logFile = join(mkdtempSync(join(tmpdir(), "open-sts-bench-")), `${name.replace(/\W+/g, "-")}.log`);
  const fd = openSync(logFile, "w");
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once("exit", (code) => {
    exited = code;
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const output = readFileSync(logFile, "utf8");
    const match = ready.exec(output);
    if (match) return { name, url: match[1]!, process: child, logFile };
    if (exited !== undefined) throw new Error(`${name} exited with code ${exited}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${name} did not start within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends SIGTERM and waits for the process to exit, sending SIGKILL after `graceMs`. */
export async function stopProcess(target: Target, graceMs = 5_000): Promise<void> {
  const child = target.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Peak resident memory of a process from /proc (Linux), in MiB. */
export function peakRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
    return Math.round(kib / 1024);
  } catch {
    return Number.NaN;
  }
}
