import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { HttpRequestView } from "../../../shared/sigv4/index.js";

/**
 * Signs requests the way the AWS SDK for JavaScript v3 does, with @smithy/signature-v4, and turns
 * the result into the HttpRequestView a server would receive. Tests never write signatures by hand.
 */

export const CLIENT_KEY = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

export interface ClientRequest {
  method?: string;
  /** Wire path, already percent-encoded as an SDK sends it. */
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SigningOptions {
  date: Date;
  region?: string;
  service?: string;
  /** Given to the signer, which then signs it (header) or puts it in the signed query (presign). */
  sessionToken?: string;
  /** Lets the signer add x-amz-content-sha256 (SDK v3 default for some services). */
  applyChecksum?: boolean;
  secretAccessKey?: string;
}

export const STS_BODY = "Action=GetCallerIdentity&Version=2011-06-15";

/** Builds an STS call as the SDKs send it: a form-encoded POST / with a host header. */
export function stsRequest(overrides: ClientRequest = {}): ClientRequest {
  return {
    method: "POST",
    path: "/",
    headers: { host: "sts.example.com", "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: STS_BODY,
    ...overrides,
  };
}

export async function signWithHeader(request: ClientRequest, options: SigningOptions): Promise<HttpRequestView> {
  const signed = await signer(options).sign(toSmithy(request), { signingDate: options.date });
  return toView(signed);
}

export async function presign(
  request: ClientRequest,
  options: SigningOptions & { expiresIn: number },
): Promise<HttpRequestView> {
  const signed = await signer(options).presign(toSmithy(request), {
    signingDate: options.date,
    expiresIn: options.expiresIn,
  });
  return toView(signed);
}

function signer(options: SigningOptions): SignatureV4 {
  return new SignatureV4({
    credentials: {
      accessKeyId: CLIENT_KEY.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? CLIENT_KEY.secretAccessKey,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    region: options.region ?? "us-east-1",
    service: options.service ?? "sts",
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: options.applyChecksum ?? false,
  });
}

function toSmithy(request: ClientRequest): HttpRequest {
  const headers = request.headers ?? {};
  return new HttpRequest({
    method: request.method ?? "POST",
    protocol: "https:",
    hostname: headers.host ?? "sts.example.com",
    path: request.path ?? "/",
    query: { ...request.query },
    headers: { ...headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}

/** What the signers return, whichever copy of smithy's HttpRequest type they are built against. */
interface SignedRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

function toView(request: SignedRequest): HttpRequestView {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const body = request.body === undefined ? new Uint8Array(0) : new Uint8Array(Buffer.from(request.body as string | Uint8Array));
  return { method: request.method, path: request.path, rawQuery: serializeQuery(request.query), headers, body };
}

/** The query string the SDK's HTTP handler puts on the wire (@smithy/querystring-builder's rules). */
function serializeQuery(query: SignedRequest["query"] = {}): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) parts.push(item === null ? escapeUri(name) : `${escapeUri(name)}=${escapeUri(item)}`);
  }
  return parts.join("&");
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
