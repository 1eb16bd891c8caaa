import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * Builds the API Gateway HTTP API (payload 2.0) event that API Gateway would send for this
 * request. Repeated headers are joined with commas as API Gateway does, the body is passed as
 * base64 so its bytes reach the signature check unchanged, and any X-Forwarded-* header from
 * the client is replaced by the host's own.
 */
export function toApiGatewayEvent(request: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!.toLowerCase();
    if (name.startsWith("x-forwarded-")) continue;
    const value = raw[index + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const sourceIp = request.socket.remoteAddress ?? "127.0.0.1";
  headers["x-forwarded-for"] = sourceIp;
  headers["x-forwarded-proto"] = "http";

  const url = request.url ?? "/";
  const queryStart = url.indexOf("?");
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? "" : url.slice(queryStart + 1);
  const now = new Date();
  const method = request.method ?? "GET";

  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: { method, path: rawPath, protocol: `HTTP/${request.httpVersion}`, sourceIp, userAgent: headers["user-agent"] ?? "" },
      requestId,
      routeKey: "$default",
      stage: "$default",
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString("base64"),
    isBase64Encoded: true,
  };
}
