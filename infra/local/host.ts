import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { handler as iamHandler } from "../../functions/iam/handler.js";
import { logger } from "../../functions/lib/logger.js";
import { handler as oidcHandler } from "../../functions/oidc/handler.js";
import type { QueryHandler } from "../../functions/lib/query-handler.js";
import { setRuntime } from "../../functions/lib/runtime.js";
import { handler as stsHandler } from "../../functions/sts/handler.js";
import { corsPreflightHeaders, corsResponseHeaders } from "../../shared/api/cors.js";
import { buildDependencies } from "../../shared/api/dependencies.js";
import { MAX_BODY_BYTES } from "../../shared/api/query-service.js";
import { readServiceConfig } from "../../shared/config/service-config.js";
import { ISSUER_PATH_SEGMENT } from "../../shared/outbound/issuer.js";
import { serviceOfRequest } from "../../shared/protocol/route.js";
import { IamStore } from "../../shared/store/iam-store.js";
import { Table } from "../../shared/store/table.js";
import { toApiGatewayEvent } from "./api-gateway-event.js";
import { lockDataDir, loadOrCreateKeyRing } from "./data-dir.js";
import { startEmbeddedStore } from "./embedded-store.js";
import type { LocalSettings } from "./settings.js";

export interface LocalHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const HANDLERS: Record<"sts" | "iam", QueryHandler> = { sts: stsHandler, iam: iamHandler };

/**
 * Runs the Lambda handlers behind a node:http server on loopback, with the embedded store and
 * a key ring in the data folder: what API Gateway, Lambda and DynamoDB do on AWS.
 */
export async function startLocalHost(settings: LocalSettings): Promise<LocalHost> {
  const now = new Date();
  const persistent = settings.dataDir !== ":memory:";
  const dataDir = persistent ? settings.dataDir : undefined;
  const unlock = dataDir === undefined ? () => {} : lockDataDir(dataDir);
  const cleanups: Array<() => Promise<void> | void> = [unlock];

  try {
    const ring = loadOrCreateKeyRing(dataDir, now);
    const embedded = await startEmbeddedStore(dataDir);
    cleanups.unshift(() => embedded.close());

    const config = readServiceConfig();
    const client = new DynamoDBClient({
      endpoint: embedded.endpoint,
      region: "us-east-1",
      // The embedded store accepts any key; these never leave the machine.
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    cleanups.unshift(() => client.destroy());
    const table = new Table(client, config.tableName);
    await table.ensureExists();
    const store = new IamStore(table, ring, { partition: config.partition, cacheTtlMs: config.cacheTtlSeconds * 1000 });
    for (const account of settings.accounts) {
      await store.ensureAccount(account.id, now);
      await store.putRootAccessKey(account.id, account.rootAccessKeyId, account.rootSecretAccessKey, now);
    }
    setRuntime(buildDependencies(store, ring, config));

    const server = createServer((request, response) => {
      void serve(request, response);
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "EADDRINUSE"
            ? new Error(`port ${settings.port} on ${settings.host} is in use; set PORT to a free port, or PORT=0 to pick one`)
            : error,
        );
      });
      server.listen(settings.port, settings.host, () => resolve());
    });
    cleanups.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const { port } = server.address() as AddressInfo;
    const url = `http://${settings.host}:${port}`;
    // The issuers' public URL is this endpoint unless configured. The port is known only now,
    // and the dependencies share this config object, so the first request already reads it.
    config.publicUrl ??= url;
    return { url, port, close: () => runCleanups(cleanups) };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function runCleanups(cleanups: Array<() => Promise<void> | void>): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const crossOrigin = request.headers.origin !== undefined;
  if (crossOrigin) for (const [name, value] of Object.entries(corsResponseHeaders())) response.setHeader(name, value);
  // API Gateway responds to CORS preflight requests itself, without calling a function.
  if (request.method === "OPTIONS" && crossOrigin && request.headers["access-control-request-method"] !== undefined) {
    response.writeHead(204, corsPreflightHeaders());
    response.end();
    request.resume();
    return;
  }
  try {
    const body = await readBody(request);
    if (body === undefined) {
      sendError(response, 413, "RequestEntityTooLarge", `The request body exceeds the maximum of ${MAX_BODY_BYTES} bytes.`, requestId);
      return;
    }
    const event = toApiGatewayEvent(request, body, requestId);
    // Query API requests go to `/`; the issuers' discovery documents live under `/outbound/`.
    const handler = event.rawPath.startsWith(`/${ISSUER_PATH_SEGMENT}/`)
      ? oidcHandler
      : HANDLERS[serviceOfRequest(event.rawQueryString, body.toString("utf8"), event.headers.authorization)];
    const result = await handler(event, lambdaContext(requestId));
    response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    response.end(result.body);
  } catch (error) {
    // The handlers turn every fault into an AWS error, so this is the host's own failure,
    // such as a client that aborted its upload; API Gateway would return 500 here too.
    logger.error("local host failed to serve a request", { requestId, error: error as Error });
    if (!response.headersSent && (error as Error).name === "TimeoutError") {
      // The handler ran past its time limit, which API Gateway reports as the service being unavailable.
      sendError(response, 503, "ServiceUnavailable", "The request timed out; retry it.", requestId);
    } else if (!response.headersSent) {
      sendError(response, 500, "InternalFailure", "The request processing has failed because of an unknown error.", requestId);
    } else {
      response.destroy();
    }
  }
}

function sendError(response: ServerResponse, status: number, code: string, message: string, requestId: string): void {
  const type = status >= 500 ? "Receiver" : "Sender";
  response.writeHead(status, { "content-type": "text/xml", "x-amzn-requestid": requestId, connection: "close" });
  response.end(
    `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** Reads the body, or returns undefined once it passes the size limit. */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function lambdaContext(requestId: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "open-sts-local",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:open-sts-local",
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: "/open-sts/local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => 30_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
