import { Hash } from "@smithy/hash-node";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { HttpRequestView } from "../../shared/sigv4/index.js";
import type { Credentials } from "./clients.js";

/** Signs a form-encoded POST as an SDK would and returns it as the raw request the server receives. */
export async function signedView(
  credentials: Credentials,
  params: Record<string, string>,
  signingDate: Date,
  service = "sts",
): Promise<HttpRequestView> {
  const body = new URLSearchParams(params).toString();
  const request = new HttpRequest({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4599,
    path: "/",
    headers: { host: "127.0.0.1:4599", "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
  });
  const signer = new SignatureV4({ credentials, region: "us-east-1", service, sha256: Hash.bind(null, "sha256"), applyChecksum: false });
  const signed = await signer.sign(request, { signingDate });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return { method: "POST", path: "/", rawQuery: "", headers, body: Buffer.from(body) };
}

/**
 * Wraps a signed request in the API Gateway HTTP API (payload 2.0) event a Lambda handler
 * receives, with the fields the handlers read.
 */
export function apiGatewayEventOf(view: HttpRequestView, sourceIp = "127.0.0.1"): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: view.path,
    rawQueryString: view.rawQuery,
    headers: view.headers,
    body: Buffer.from(view.body).toString("base64"),
    isBase64Encoded: true,
    requestContext: { http: { method: view.method, path: view.path, sourceIp, userAgent: "test", protocol: "HTTP/1.1" } },
  } as unknown as APIGatewayProxyEventV2;
}
