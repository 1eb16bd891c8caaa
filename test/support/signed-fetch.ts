import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "./clients.js";

export interface WireResponse {
  status: number;
  body: string;
  headers: Headers;
}

export interface SignOptions {
  method?: "GET" | "POST";
  service?: string;
  region?: string;
  signingDate?: Date;
  /** Extra headers, signed with the request. */
  headers?: Record<string, string>;
  /** A form body sent as is instead of one built from `params`. */
  rawBody?: string;
}

function signer(credentials: Credentials, service: string, region: string): SignatureV4 {
  return new SignatureV4({ credentials, region, service, sha256: Hash.bind(null, "sha256"), applyChecksum: false });
}

/** Signs a Query-protocol request the way an AWS SDK does (header auth) and returns what fetch needs. */
export async function signQuery(
  endpoint: string,
  credentials: Credentials,
  params: Record<string, string>,
  options: SignOptions = {},
): Promise<{ url: string; init: RequestInit }> {
  const url = new URL(endpoint);
  const method = options.method ?? "POST";
  const body = options.rawBody ?? new URLSearchParams(params).toString();
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: method === "GET" ? params : {},
    headers: {
      host: url.host,
      ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded; charset=utf-8" } : {}),
      ...options.headers,
    },
    ...(method === "POST" ? { body } : {}),
  });
  const signed = await signer(credentials, options.service ?? "sts", options.region ?? "us-east-1").sign(request, {
    signingDate: options.signingDate ?? new Date(),
  });
  const query = method === "GET" ? `?${body}` : "";
  const headers = { ...signed.headers };
  delete headers.host;
  return { url: `${endpoint}/${query}`, init: { method, headers, ...(method === "POST" ? { body } : {}) } };
}

/** Presigns a GET request in the query string, as Kubernetes and Vault authenticators do for GetCallerIdentity. */
export async function presignQuery(
  endpoint: string,
  credentials: Credentials,
  params: Record<string, string>,
  expiresIn: number,
  signingDate = new Date(),
): Promise<string> {
  const url = new URL(endpoint);
  const request = new HttpRequest({
    method: "GET",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    query: params,
    headers: { host: url.host },
  });
  const signed = await signer(credentials, "sts", "us-east-1").presign(request, { expiresIn, signingDate });
  const query = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join("&");
  return `${endpoint}/?${query}`;
}

export async function send(target: { url: string; init: RequestInit }): Promise<WireResponse> {
  const response = await fetch(target.url, target.init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Reads `<Code>` from an ErrorResponse body. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}
