import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type HttpRequestView, parseSignature, type VerifyOptions, verifySignature } from "../../../shared/sigv4/index.js";
import { CLIENT_KEY, presign, STS_BODY, signWithHeader, stsRequest } from "./client-signer.js";
import { signCanonicalRequest } from "./independent-signer.js";
import { outcomeOf, rejectionOf } from "./outcome.js";
import { withAuthorizationField, withChanges, withCredential, withHeader, withQueryParam } from "./request-edits.js";

const NOW = new Date("2026-12-04T10:00:00Z");
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=";
const OPTIONS: VerifyOptions = { now: NOW, secretAccessKey: CLIENT_KEY.secretAccessKey, services: ["sts", "iam"] };
const SIGNATURE_DOES_NOT_MATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const verify = (request: HttpRequestView, options: Partial<VerifyOptions> = {}) =>
  verifySignature(request, parseSignature(request), { ...OPTIONS, ...options });

const headerSigned = await signWithHeader(stsRequest(), { date: NOW });
const presignedGet = await presign(
  stsRequest({ method: "GET", headers: { host: "sts.example.com" }, body: undefined, query: { Action: "GetCallerIdentity", Version: "2011-06-15" } }),
  { date: NOW, expiresIn: 900 },
);

describe("verifySignature accepts what real clients sign", () => {
  it.each<[string, Promise<HttpRequestView>]>([
    ["a form POST signed in the header", signWithHeader(stsRequest(), { date: NOW })],
    ["a POST with a signed session token", signWithHeader(stsRequest(), { date: NOW, sessionToken: TOKEN })],
    ["a POST with x-amz-content-sha256 signed", signWithHeader(stsRequest(), { date: NOW, applyChecksum: true })],
    ["a POST signed for iam", signWithHeader(stsRequest(), { date: NOW, service: "iam" })],
    [
      "a POST with the SDK's headers, user-agent sent but unsigned",
      signWithHeader(
        stsRequest({
          headers: {
            host: "sts.example.com",
            "user-agent": "aws-sdk-js/3 os/linux",
            "x-amz-user-agent": "aws-sdk-js/3",
            "amz-sdk-request": "attempt=1; max=3",
          },
        }),
        { date: NOW },
      ),
    ],
    ["a GET with a query", signWithHeader(stsRequest({ method: "GET", body: undefined, query: { Action: "GetCallerIdentity", Version: "2011-06-15", "a b": "c+d/é", empty: "" } }), { date: NOW })],
    ["a request with repeated query names", signWithHeader(stsRequest({ query: { Name: ["b", "a", "a b"] } }), { date: NOW })],
    ["a request on an encoded path", signWithHeader(stsRequest({ path: "/a%20b/./c/../d/" }), { date: NOW })],
    ["a presigned GET", Promise.resolve(presignedGet)],
    ["a presigned POST with its body", presign(stsRequest(), { date: NOW, expiresIn: 60 })],
    ["a presigned GET with a signed token", presign(stsRequest({ method: "GET", body: undefined }), { date: NOW, expiresIn: 60, sessionToken: TOKEN })],
  ])("accepts %s", async (_, signed) => {
    await expect(verify(await signed)).resolves.toBeUndefined();
  });

  it("accepts a request signed with a Date header instead of x-amz-date", async () => {
    const date = "Fri, 04 Dec 2026 10:00:00 GMT";
    const body = createHash("sha256").update(STS_BODY).digest("hex");
    const canonical = `POST\n/\n\ndate:${date}\nhost:sts.example.com\n\ndate;host\n${body}`;
    const signature = signCanonicalRequest(
      canonical,
      "20261204T100000Z",
      { date: "20261204", region: "us-east-1", service: "sts" },
      CLIENT_KEY.secretAccessKey,
    );
    const credential = `${CLIENT_KEY.accessKeyId}/20261204/us-east-1/sts/aws4_request`;
    const request: HttpRequestView = {
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: {
        host: "sts.example.com",
        date,
        authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=date;host, Signature=${signature}`,
      },
      body: new TextEncoder().encode(STS_BODY),
    };
    await expect(verify(request)).resolves.toBeUndefined();
    expect(await outcomeOf(withHeader(request, "date", "Fri, 04 Dec 2026 10:00:01 GMT"), OPTIONS)).toBe("SignatureDoesNotMatch");
  });
});

describe("verifySignature rejects", () => {
  it.each([
    ["a wrong secret", withChanges(headerSigned, {}), { secretAccessKey: `${CLIENT_KEY.secretAccessKey}x` }],
    ["a changed host", withHeader(headerSigned, "host", "evil.example"), {}],
    ["a changed body", withChanges(headerSigned, { body: new TextEncoder().encode(`${STS_BODY}&RoleArn=x`) }), {}],
    ["a changed signed header", withHeader(headerSigned, "content-type", "text/plain"), {}],
    ["an added query parameter", withChanges(headerSigned, { rawQuery: "Action=AssumeRole" }), {}],
    ["a changed method", withChanges(headerSigned, { method: "PUT" }), {}],
  ])("%s with SignatureDoesNotMatch", async (_, request, options) => {
    expect(await rejectionOf(verify(request, options))).toEqual({
      code: "SignatureDoesNotMatch",
      message: SIGNATURE_DOES_NOT_MATCH,
      status: 403,
    });
  });

  it.each([
    ["in upper case", (signature: string) => signature.toUpperCase()],
    ["one digit short", (signature: string) => signature.slice(1)],
    ["one digit long", (signature: string) => `${signature}0`],
    ["with a non-hex digit", (signature: string) => `${signature.slice(1)}g`],
    ["as base64 of the same bytes", (signature: string) => Buffer.from(signature, "hex").toString("base64")],
  ])("a signature written %s", async (_, edit) => {
    const request = withAuthorizationField(headerSigned, "Signature", edit);
    expect((await rejectionOf(verify(request))).code).toBe("SignatureDoesNotMatch");
  });

  it("a signed session token changed after signing", async () => {
    const signed = await signWithHeader(stsRequest(), { date: NOW, sessionToken: TOKEN });
    await expect(verify(signed)).resolves.toBeUndefined();
    expect(await rejectionOf(verify(withHeader(signed, "x-amz-security-token", `${TOKEN}x`)))).toMatchObject({
      code: "SignatureDoesNotMatch",
    });
  });

  it("a presigned URL whose signed token was changed", async () => {
    const signed = await presign(stsRequest(), { date: NOW, expiresIn: 60, sessionToken: TOKEN });
    const changed = withQueryParam(signed, "X-Amz-Security-Token", `${TOKEN}x`);
    expect((await rejectionOf(verify(changed))).code).toBe("SignatureDoesNotMatch");
  });

  it("a scope date that is not the day of X-Amz-Date", async () => {
    const request = withCredential(headerSigned, ([key, , ...rest]) => [key!, "20261205", ...rest]);
    expect(await rejectionOf(verify(request))).toEqual({
      code: "SignatureDoesNotMatch",
      message:
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
        "'20261205' != '20261204', from '20261204T100000Z'.",
      status: 403,
    });
  });

  it("a service outside the accepted list", async () => {
    const request = await signWithHeader(stsRequest(), { date: NOW, service: "s3" });
    expect(await rejectionOf(verify(request))).toEqual({
      code: "SignatureDoesNotMatch",
      message: "Credential should be scoped to correct service: 'sts' or 'iam'.",
      status: 403,
    });
  });

  it("a region outside the configured list", async () => {
    const request = await signWithHeader(stsRequest(), { date: NOW, region: "eu-west-1" });
    await expect(verify(request)).resolves.toBeUndefined();
    expect(await rejectionOf(verify(request, { regions: ["us-east-1"] }))).toEqual({
      code: "SignatureDoesNotMatch",
      message: "Credential should be scoped to a valid region, not 'eu-west-1'.",
      status: 403,
    });
  });

  it("a signed but wrong x-amz-content-sha256", async () => {
    const otherHash = createHash("sha256").update("Action=AssumeRole").digest("hex");
    const request = await signWithHeader(stsRequest({ headers: { ...stsRequest().headers, "x-amz-content-sha256": otherHash } }), { date: NOW });
    expect(await rejectionOf(verify(request))).toEqual({
      code: "SignatureDoesNotMatch",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      status: 403,
    });
  });

  it("a signed UNSIGNED-PAYLOAD", async () => {
    const request = await signWithHeader(
      stsRequest({ headers: { ...stsRequest().headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }),
      { date: NOW },
    );
    expect(await rejectionOf(verify(request))).toEqual({
      code: "SignatureDoesNotMatch",
      message: "UNSIGNED-PAYLOAD is not accepted; x-amz-content-sha256 must be the SHA-256 of the body.",
      status: 403,
    });
  });

  it("a body changed under a signed x-amz-content-sha256", async () => {
    const request = await signWithHeader(stsRequest(), { date: NOW, applyChecksum: true });
    const changed = withChanges(request, { body: new TextEncoder().encode("Action=AssumeRole&Version=2011-06-15") });
    expect(await rejectionOf(verify(changed))).toMatchObject({
      code: "SignatureDoesNotMatch",
      message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
    });
  });
});

describe("verifySignature's time window for header signing", () => {
  it.each([-300, -299, 0, 299, 300])("accepts a request signed %i s from now", async (offset) => {
    await expect(verify(await signWithHeader(stsRequest(), { date: at(offset) }))).resolves.toBeUndefined();
  });

  it.each([
    [-301, "Signature expired: 20261204T095459Z is now earlier than 20261204T095500Z (20261204T100000Z - 5 min.)"],
    [301, "Signature not yet current: 20261204T100501Z is still later than 20261204T100500Z (20261204T100000Z + 5 min.)"],
    [-86_400 * 365, "Signature expired: 20251204T100000Z is now earlier than 20261204T095500Z (20261204T100000Z - 5 min.)"],
  ])("rejects a request signed %i s from now", async (offset, message) => {
    const request = await signWithHeader(stsRequest(), { date: at(offset) });
    expect(await rejectionOf(verify(request))).toEqual({ code: "SignatureDoesNotMatch", message, status: 403 });
  });

  it("ignores milliseconds of the clock", async () => {
    const request = await signWithHeader(stsRequest(), { date: at(-300) });
    await expect(verify(request, { now: new Date(NOW.getTime() + 999) })).resolves.toBeUndefined();
  });

  it.each([
    [899, "accepted"],
    [901, "SignatureDoesNotMatch"],
  ])("with a 900 s window, a request %i s old is %s", async (age, outcome) => {
    const request = await signWithHeader(stsRequest(), { date: at(-age) });
    expect(await outcomeOf(request, { ...OPTIONS, maxSkewSeconds: 900 })).toBe(outcome);
  });

  it("words a 90 s window in seconds", async () => {
    const request = await signWithHeader(stsRequest(), { date: at(-91) });
    expect((await rejectionOf(verify(request, { maxSkewSeconds: 90 }))).message).toBe(
      "Signature expired: 20261204T095829Z is now earlier than 20261204T095830Z (20261204T100000Z - 90 sec.)",
    );
  });

  it.each([-1, 1.5, 901, Number.NaN])("throws RangeError for maxSkewSeconds %s", async (maxSkewSeconds) => {
    await expect(verify(headerSigned, { maxSkewSeconds })).rejects.toThrow(RangeError);
  });
});

describe("verifySignature's time window for presigned URLs", () => {
  const presignedAt = (offset: number, expiresIn = 60) => presign(stsRequest(), { date: at(offset), expiresIn });

  it.each([
    ["signed now", 0, 60],
    ["used at its last valid second", -60, 60],
    ["older than the skew window but inside X-Amz-Expires", -3000, 3600],
    ["dated in the future inside the skew", 299, 60],
  ])("accepts a URL %s", async (_, offset, expiresIn) => {
    await expect(verify(await presignedAt(offset, expiresIn))).resolves.toBeUndefined();
  });

  it("rejects a URL used after X-Amz-Expires", async () => {
    expect(await rejectionOf(verify(await presignedAt(-61)))).toEqual({
      code: "AccessDenied",
      message: "Request has expired",
      status: 403,
    });
  });

  it("rejects a URL dated beyond the skew", async () => {
    expect(await rejectionOf(verify(await presignedAt(301)))).toEqual({
      code: "SignatureDoesNotMatch",
      message: "Signature not yet current: 20261204T100501Z is still later than 20261204T100500Z (20261204T100000Z + 5 min.)",
      status: 403,
    });
  });

  it("rejects a lifetime lengthened after signing", async () => {
    const request = withQueryParam(await presignedAt(-61), "X-Amz-Expires", "3600");
    expect((await rejectionOf(verify(request))).code).toBe("SignatureDoesNotMatch");
  });
});

describe("verifySignature with a session token added after signing", () => {
  it("accepts an unsigned header token", async () => {
    const request = withHeader(headerSigned, "x-amz-security-token", TOKEN);
    await expect(verify(request)).resolves.toBeUndefined();
    expect(parseSignature(request).sessionToken).toBe(TOKEN);
  });

  it("accepts a token appended to a presigned URL", async () => {
    const request = withQueryParam(await presign(stsRequest(), { date: NOW, expiresIn: 60 }), "X-Amz-Security-Token", TOKEN);
    await expect(verify(request)).resolves.toBeUndefined();
    expect(parseSignature(request).sessionToken).toBe(TOKEN);
  });
});

describe("verifySignature's signing-key cache", () => {
  it("keeps keys of different secrets apart", async () => {
    const otherSecret = "AnotherSecretKeyOf40CharactersEXAMPLEKEY";
    const mine = await signWithHeader(stsRequest(), { date: NOW });
    const theirs = await signWithHeader(stsRequest(), { date: NOW, secretAccessKey: otherSecret });
    await expect(verify(mine)).resolves.toBeUndefined();
    await expect(verify(theirs, { secretAccessKey: otherSecret })).resolves.toBeUndefined();
    expect(await outcomeOf(theirs, OPTIONS)).toBe("SignatureDoesNotMatch");
    expect(await outcomeOf(mine, { ...OPTIONS, secretAccessKey: otherSecret })).toBe("SignatureDoesNotMatch");
  });

  it("stays correct past its size bound", async () => {
    for (let day = 0; day < 1100; day++) {
      const date = new Date(Date.UTC(2020, 0, 1) + day * 86_400_000);
      const request = await signWithHeader(stsRequest(), { date });
      await expect(verify(request, { now: date })).resolves.toBeUndefined();
    }
    await expect(verify(headerSigned)).resolves.toBeUndefined();
  });
});
