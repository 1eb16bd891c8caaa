import { Agent, request } from "node:http";

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
