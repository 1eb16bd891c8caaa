import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handleQueryRequest, type QueryServiceDefinition } from "../../shared/api/query-service.js";
import type { HttpRequestView } from "../../shared/sigv4/index.js";
import { logger } from "./logger.js";
import { getRuntime } from "./runtime.js";

export type QueryHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Converts an API Gateway HTTP API (v2) event into the raw request that SigV4 verifies. */
export function requestFromEvent(event: APIGatewayProxyEventV2): HttpRequestView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body === undefined ? new Uint8Array() : Buffer.from(event.body, event.isBase64Encoded ? "base64" : "utf8");
  return { method: event.requestContext.http.method, path: event.rawPath, rawQuery: event.rawQueryString ?? "", headers, body };
}

/**
 * Builds the Lambda handler of one Query API. The handler only translates: the event becomes a
 * request, shared/ serves it, and the audit event becomes the request's single log line.
 */
export function createQueryHandler(service: QueryServiceDefinition): QueryHandler {
  const serve = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const request = requestFromEvent(event);
    const response = await handleQueryRequest(
      service,
      request,
      {
        sourceIp: event.requestContext.http.sourceIp,
        userAgent: event.requestContext.http.userAgent ?? "",
        secureTransport: request.headers["x-forwarded-proto"] !== "http",
      },
      await getRuntime(),
    );
    if (response.fault === undefined) logger.info("audit", { audit: response.audit });
    else logger.error("request failed", { audit: response.audit, error: response.fault as Error });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().use(injectLambdaContext(logger)).handler(serve);
}
