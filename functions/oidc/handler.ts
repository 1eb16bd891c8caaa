import middy from "@middy/core";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { serveDiscovery } from "../../shared/outbound/discovery.js";
import { logger } from "../lib/logger.js";
import { getRuntime } from "../lib/runtime.js";

/**
 * The OpenID Connect discovery documents of outbound identity federation: each account's
 * `/.well-known/openid-configuration` and the JWKS that verifies GetWebIdentityToken tokens.
 * Requests are unsigned, because any relying party must be able to fetch them.
 */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger))
  .handler(async (event) => {
    const method = event.requestContext.http.method;
    const response = await serveDiscovery(method, event.rawPath, await getRuntime(), new Date());
    const outcome = { method, path: event.rawPath, status: response.statusCode, sourceIp: event.requestContext.http.sourceIp };
    if (response.fault === undefined) logger.info("discovery", outcome);
    else logger.error("discovery failed", { ...outcome, error: response.fault as Error });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  });
