import { Hash } from "@smithy/hash-node";
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
