import { createHmac, hash } from "node:crypto";

/**
 * Signs a canonical request written out in a test, for the one shape no SDK produces (a Date
 * header instead of x-amz-date). It shares no code with the verifier: the key chain and the
 * string to sign are spelled out step by step.
 */
export function signCanonicalRequest(
  canonicalRequest: string,
  amzDate: string,
  scope: { date: string; region: string; service: string },
  secretAccessKey: string,
): string {
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const kDate = hmac(`AWS4${secretAccessKey}`, scope.date);
  const kSigning = hmac(hmac(hmac(kDate, scope.region), scope.service), "aws4_request");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    `${scope.date}/${scope.region}/${scope.service}/aws4_request`,
    hash("sha256", canonicalRequest, "hex"),
  ].join("\n");
  return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}
