import { describe, expect, it } from "vitest";
import { type HttpRequestView, parseSignature } from "../../../shared/sigv4/index.js";
import { CLIENT_KEY, presign, signWithHeader, stsRequest } from "./client-signer.js";
import { errorOf } from "./outcome.js";
import { queryParam, withAuthorizationField, withChanges, withHeader, withQueryParam } from "./request-edits.js";

const NOW = new Date("2026-12-04T10:00:00Z");
const TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=";

const headerSigned = await signWithHeader(stsRequest(), { date: NOW });
const presignedGet = await presign(
  stsRequest({ method: "GET", headers: { host: "sts.example.com" }, query: { Action: "GetCallerIdentity", Version: "2011-06-15" } }),
  { date: NOW, expiresIn: 900 },
);

function withAuthorization(request: HttpRequestView, edit: (header: string) => string): HttpRequestView {
  return withHeader(request, "authorization", edit(request.headers.authorization!));
}

describe("parseSignature", () => {
  it("reads a header-signed request", () => {
    expect(parseSignature(headerSigned)).toEqual({
      form: "header",
      accessKeyId: CLIENT_KEY.accessKeyId,
      scopeDate: "20261204",
      region: "us-east-1",
      service: "sts",
      signedHeaders: ["content-type", "host", "x-amz-date"],
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
      requestTime: NOW,
    });
  });

  it("reads a presigned request with its lifetime", () => {
    expect(parseSignature(presignedGet)).toMatchObject({
      form: "query",
      accessKeyId: CLIENT_KEY.accessKeyId,
      signedHeaders: ["host"],
      requestTime: NOW,
      expiresSeconds: 900,
    });
  });

  it("reads signed and unsigned session tokens", async () => {
    const signedToken = await signWithHeader(stsRequest(), { date: NOW, sessionToken: TOKEN });
    expect(parseSignature(signedToken).sessionToken).toBe(TOKEN);
    expect(parseSignature(withHeader(headerSigned, "x-amz-security-token", TOKEN)).sessionToken).toBe(TOKEN);
    const presignedToken = await presign(stsRequest(), { date: NOW, expiresIn: 60, sessionToken: TOKEN });
    expect(parseSignature(presignedToken).sessionToken).toBe(TOKEN);
  });

  it("falls back to a signed Date header", () => {
    const request = withAuthorizationField(
      withHeader(withHeader(headerSigned, "x-amz-date", undefined), "date", "Fri, 04 Dec 2026 10:00:00 GMT"),
      "SignedHeaders",
      () => "content-type;date;host",
    );
    expect(parseSignature(request).requestTime).toEqual(NOW);
  });

  it.each([
    ["no Authorization header and no query", withHeader(headerSigned, "authorization", undefined)],
    ["only X-Amz-Date in the query", withChanges(withHeader(headerSigned, "authorization", undefined), { rawQuery: "X-Amz-Date=20261204T100000Z" })],
    ["only a session token", withHeader(withHeader(headerSigned, "authorization", undefined), "x-amz-security-token", TOKEN)],
  ])("answers MissingAuthenticationToken for %s", (_, request) => {
    expect(errorOf(() => parseSignature(request))).toEqual({
      code: "MissingAuthenticationToken",
      message: "Request is missing Authentication Token",
      status: 403,
    });
  });

  const scope = (header: string, edit: (parts: string[]) => string[]) =>
    header.replace(/Credential=([^,]*)/, (_, credential: string) => `Credential=${edit(credential.split("/")).join("/")}`);

  it.each<[string, (header: string) => string, string]>([
    ["no Credential", (h) => h.replace(/Credential=[^,]*, /, ""), "Authorization header requires 'Credential' parameter."],
    ["no SignedHeaders", (h) => h.replace(/, SignedHeaders=[^,]*/, ""), "Authorization header requires 'SignedHeaders' parameter."],
    ["no Signature", (h) => h.replace(/, Signature=.*/, ""), "Authorization header requires 'Signature' parameter."],
    ["an empty Credential", (h) => h.replace(/Credential=[^,]*/, "Credential="), "Authorization header requires 'Credential' parameter."],
    ["an empty Signature", (h) => h.replace(/Signature=.*/, "Signature="), "Authorization header requires 'Signature' parameter."],
    ["only the algorithm", () => "AWS4-HMAC-SHA256 ", "Authorization header fields must be Credential, SignedHeaders and Signature, each once."],
    ["a field given twice", (h) => `${h}, Signature=${"0".repeat(64)}`, "Authorization header fields must be Credential, SignedHeaders and Signature, each once."],
    ["an unknown field", (h) => `${h}, Region=us-east-1`, "Authorization header fields must be Credential, SignedHeaders and Signature, each once."],
    ["the algorithm AWS4-HMAC-SHA512", (h) => h.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), "Unsupported authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    ["the SigV4a algorithm", (h) => h.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"), "Unsupported authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    ["the algorithm in lower case", (h) => h.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256"), "Unsupported authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    ["a SigV2 header", () => `AWS ${CLIENT_KEY.accessKeyId}:frJIUN8DYpKDtOLCwo//yllqDzg=`, "Unsupported authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    ["a bearer token", () => "Bearer abc", "Unsupported authorization algorithm; only 'AWS4-HMAC-SHA256' is accepted."],
    ["a scope of 4 segments", (h) => scope(h, ([key, date, , service, end]) => [key!, date!, service!, end!]), "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 4."],
    ["a scope of 6 segments", (h) => scope(h, (parts) => [...parts.slice(0, 4), "extra", parts[4]!]), "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 6."],
    ["the terminator aws4_requests", (h) => scope(h, (parts) => [...parts.slice(0, 4), "aws4_requests"]), "Credential should be scoped with a valid terminator: 'aws4_request'."],
    ["the terminator aws5_request", (h) => scope(h, (parts) => [...parts.slice(0, 4), "aws5_request"]), "Credential should be scoped with a valid terminator: 'aws4_request'."],
    ["an empty access key id", (h) => scope(h, ([, ...rest]) => ["", ...rest]), "Credential must name an access key id."],
    ["a scope date with dashes", (h) => scope(h, ([key, , ...rest]) => [key!, "2026-12-04", ...rest]), "Credential scope date must be YYYYMMDD."],
    ["an empty region", (h) => scope(h, ([key, date, , ...rest]) => [key!, date!, "", ...rest]), "Credential scope has an invalid region."],
    ["a region with a space", (h) => scope(h, ([key, date, , ...rest]) => [key!, date!, "us east", ...rest]), "Credential scope has an invalid region."],
    ["an empty service", (h) => scope(h, ([key, date, region, , end]) => [key!, date!, region!, "", end!]), "Credential scope has an invalid service."],
  ])("rejects an Authorization header with %s", (_, edit, message) => {
    expect(errorOf(() => parseSignature(withAuthorization(headerSigned, edit)))).toEqual({
      code: "IncompleteSignature",
      message,
      status: 400,
    });
  });

  const UNORDERED = "SignedHeaders must be lower-case header names in ascending order, each listed once.";
  it.each([
    ["without host", "content-type;x-amz-date", "SignedHeaders must include 'host'."],
    ["unsorted", "host;content-type;x-amz-date", UNORDERED],
    ["in upper case", "Content-Type;Host;X-Amz-Date", UNORDERED],
    ["with a name twice", "content-type;host;host;x-amz-date", UNORDERED],
    ["with an empty name", "content-type;;host;x-amz-date", UNORDERED],
    ["with a trailing separator", "content-type;host;x-amz-date;", UNORDERED],
    ["with spaces", "content-type; host; x-amz-date", UNORDERED],
    ["naming a header the request lacks", "content-type;host;x-amz-date;x-custom", "Header 'x-custom' is listed in SignedHeaders but is absent from the request."],
    ["naming an inherited property", "constructor;content-type;host;x-amz-date", "Header 'constructor' is listed in SignedHeaders but is absent from the request."],
    ["without x-amz-date while the header is sent", "content-type;host", "SignedHeaders must include 'x-amz-date'."],
  ])("rejects SignedHeaders %s", (_, list, message) => {
    const request = withAuthorizationField(headerSigned, "SignedHeaders", () => list);
    expect(errorOf(() => parseSignature(request))).toEqual({ code: "IncompleteSignature", message, status: 400 });
  });

  const BAD_AMZ_DATE = "X-Amz-Date must be in the ISO 8601 basic format, e.g. 20150830T123600Z.";
  it.each([
    ["extended ISO 8601", "2026-12-04T10:00:00Z", BAD_AMZ_DATE],
    ["no zone", "20261204T100000", BAD_AMZ_DATE],
    ["month 13", "20261304T100000Z", BAD_AMZ_DATE],
    ["30 February", "20260230T100000Z", BAD_AMZ_DATE],
    ["hour 24", "20261204T240000Z", BAD_AMZ_DATE],
    ["epoch seconds", "1796378400", BAD_AMZ_DATE],
  ])("rejects an x-amz-date in %s", (_, value, message) => {
    expect(errorOf(() => parseSignature(withHeader(headerSigned, "x-amz-date", value)))).toEqual({
      code: "IncompleteSignature",
      message,
      status: 400,
    });
  });

  it("rejects a request with neither x-amz-date nor Date", () => {
    const request = withAuthorizationField(withHeader(headerSigned, "x-amz-date", undefined), "SignedHeaders", () => "content-type;host");
    expect(errorOf(() => parseSignature(request))).toEqual({
      code: "IncompleteSignature",
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      status: 400,
    });
  });

  it.each([
    ["unsigned", "content-type;host", "Fri, 04 Dec 2026 10:00:00 GMT", "SignedHeaders must include 'date'."],
    ["in RFC 850 form", "content-type;date;host", "Friday, 04-Dec-26 10:00:00 GMT", "The Date header must be an HTTP date, e.g. Sun, 30 Aug 2015 12:36:00 GMT."],
  ])("rejects a Date header that is %s", (_, list, date, message) => {
    const request = withAuthorizationField(
      withHeader(withHeader(headerSigned, "x-amz-date", undefined), "date", date),
      "SignedHeaders",
      () => list,
    );
    expect(errorOf(() => parseSignature(request))).toEqual({ code: "IncompleteSignature", message, status: 400 });
  });

  it("rejects header and query authentication together", () => {
    const request = withChanges(headerSigned, { rawQuery: presignedGet.rawQuery });
    expect(errorOf(() => parseSignature(request))).toEqual({
      code: "IncompleteSignature",
      message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.",
      status: 400,
    });
  });

  it("rejects a session token given twice with different values", async () => {
    const presignedToken = await presign(stsRequest(), { date: NOW, expiresIn: 60, sessionToken: TOKEN });
    expect(errorOf(() => parseSignature(withHeader(presignedToken, "x-amz-security-token", `${TOKEN}x`))).code).toBe(
      "IncompleteSignature",
    );
    expect(parseSignature(withHeader(presignedToken, "x-amz-security-token", TOKEN)).sessionToken).toBe(TOKEN);
  });

  const MISSING_QUERY_PARAMS =
    "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', " +
    "'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Expires'. Re-examine the query-string parameters.";
  it.each(["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Expires"])(
    "rejects a presigned request without %s",
    (name) => {
      const rawQuery = presignedGet.rawQuery
        .split("&")
        .filter((pair) => !pair.startsWith(`${name}=`))
        .join("&");
      expect(errorOf(() => parseSignature(withChanges(presignedGet, { rawQuery })))).toEqual({
        code: "IncompleteSignature",
        message: MISSING_QUERY_PARAMS,
        status: 400,
      });
    },
  );

  it.each([
    ["0", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["604801", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["-1", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["abc", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["1.5", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["1e3", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    [" 60", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["99999999999999999999999", "X-Amz-Expires must be a whole number of seconds from 1 to 604800."],
    ["", MISSING_QUERY_PARAMS],
  ])("rejects X-Amz-Expires=%j", (expires, message) => {
    const request = withQueryParam(presignedGet, "X-Amz-Expires", expires);
    expect(errorOf(() => parseSignature(request))).toEqual({ code: "IncompleteSignature", message, status: 400 });
  });

  it.each([
    ["1", 1],
    ["604800", 604800],
  ])("reads X-Amz-Expires=%s", (expires, seconds) => {
    expect(parseSignature(withQueryParam(presignedGet, "X-Amz-Expires", expires)).expiresSeconds).toBe(seconds);
  });

  it.each([
    ["AWS4-HMAC-SHA512", "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'."],
    ["AWS4-ECDSA-P256-SHA256", "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'."],
  ])("rejects X-Amz-Algorithm=%s", (algorithm, message) => {
    const request = withQueryParam(presignedGet, "X-Amz-Algorithm", algorithm);
    expect(errorOf(() => parseSignature(request))).toEqual({ code: "IncompleteSignature", message, status: 400 });
  });

  it.each(["X-Amz-Date", "x-amz-date", "X-Amz-Signature", "x-amz-signature"])(
    "rejects a presigned request that repeats the auth parameter as %s",
    (name) => {
      const base = name.toLowerCase() === "x-amz-date" ? "X-Amz-Date" : "X-Amz-Signature";
      const request = withChanges(presignedGet, {
        rawQuery: `${presignedGet.rawQuery}&${name}=${encodeURIComponent(queryParam(presignedGet, base)!)}`,
      });
      expect(errorOf(() => parseSignature(request)).code).toBe("IncompleteSignature");
    },
  );
});
