/**
 * Cost of one SigV4 verification (parseSignature + verifySignature) on the common path: an SDK
 * v3-style STS AssumeRole, form-encoded POST / signed in the Authorization header with a session
 * token. The reference, measured in the same run, is re-signing the same request with
 * @smithy/signature-v4 (the alternative design). Prints microseconds per call; asserts nothing.
 *
 *   npx tsx bench/sigv4-verify.ts
 */
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { type HttpRequestView, parseSignature, verifySignature } from "../shared/sigv4/index.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const DATE = new Date("2026-12-04T10:00:00Z");
const BODY =
  "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdeploy" +
  "&RoleSessionName=ci-build-4711&DurationSeconds=3600";

const signer = new SignatureV4({
  credentials: { accessKeyId: "ASIAIOSFODNN7EXAMPLE", secretAccessKey: SECRET, sessionToken: "t".repeat(900) },
  region: "us-east-1",
  service: "sts",
  sha256: Hash.bind(null, "sha256"),
  applyChecksum: false,
});

const signed = await signer.sign(
  new HttpRequest({
    method: "POST",
    hostname: "sts.example.com",
    path: "/",
    headers: {
      host: "sts.example.com",
      "content-type": "application/x-www-form-urlencoded",
      "content-length": String(Buffer.byteLength(BODY)),
      "amz-sdk-invocation-id": "3f0c2a1e-6f0d-4a43-9f5e-2f1a0c9b7d11",
      "amz-sdk-request": "attempt=1; max=3",
      "x-amz-user-agent": "aws-sdk-js/3.1178.0",
      "user-agent": "aws-sdk-js/3.1178.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/sts#3.1178.0",
    },
    body: BODY,
  }),
  { signingDate: DATE },
);

const request: HttpRequestView = {
  method: "POST",
  path: "/",
  rawQuery: "",
  headers: Object.fromEntries(Object.entries(signed.headers).map(([name, value]) => [name.toLowerCase(), value])),
  body: new TextEncoder().encode(BODY),
};
const options = { now: DATE, secretAccessKey: SECRET, services: ["sts", "iam"] };

async function verifyOnce(): Promise<void> {
  await verifySignature(request, parseSignature(request), options);
}

/** Rebuilds the request from its signed headers and re-signs it with smithy, the alternative design. */
async function smithyResignOnce(): Promise<void> {
  const parsed = parseSignature(request);
  const headers: Record<string, string> = {};
  for (const name of parsed.signedHeaders) headers[name] = request.headers[name]!;
  const resigner = new SignatureV4({
    credentials: { accessKeyId: parsed.accessKeyId, secretAccessKey: SECRET },
    region: parsed.region,
    service: parsed.service,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
  });
  const again = await resigner.sign(
    new HttpRequest({ method: request.method, hostname: headers.host!, path: request.path, headers, body: request.body }),
    { signingDate: parsed.requestTime, signableHeaders: new Set(parsed.signedHeaders) },
  );
  if (!again.headers.authorization!.endsWith(parsed.signature)) throw new Error("smithy did not reproduce the signature");
}

async function microseconds(run: () => Promise<void>, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await run();
  return Number(process.hrtime.bigint() - start) / calls / 1000;
}

const CALLS = 50_000;
await microseconds(verifyOnce, CALLS); // warm-up, fills the signing-key cache
await microseconds(smithyResignOnce, CALLS / 5);
const ours = Math.min(await microseconds(verifyOnce, CALLS), await microseconds(verifyOnce, CALLS));
const smithy = Math.min(await microseconds(smithyResignOnce, CALLS / 5), await microseconds(smithyResignOnce, CALLS / 5));
console.log(`parse + verify (header-signed STS POST): ${ours.toFixed(2)} us per call`);
console.log(`re-sign with @smithy/signature-v4:       ${smithy.toFixed(2)} us per call (${(smithy / ours).toFixed(1)}x)`);
