import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type HttpRequestView, parseSignature, type VerifyOptions } from "../../../shared/sigv4/index.js";
import { CLIENT_KEY, type ClientRequest, presign, signWithHeader } from "./client-signer.js";
import { outcomeOf } from "./outcome.js";
import { queryPairs, shiftAmzDate, withChanges, withCredential, withHeader, withQueryPair } from "./request-edits.js";

const NOW = new Date("2026-12-04T10:00:00Z");
const OPTIONS: VerifyOptions = { now: NOW, secretAccessKey: CLIENT_KEY.secretAccessKey, services: ["sts"] };
const RUNS = { seed: 20261204, numRuns: 200 };

/** Names the verifier reads itself; a random query must not collide with them. */
const RESERVED_QUERY_NAME = /^x-amz-(algorithm|credential|date|signedheaders|signature|expires|security-token)$/i;

const printable = fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), fc.constant("\t"));
const headerValue = fc.string({ unit: printable, maxLength: 24 });
const headers = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).map((name) => `x-test-${name}`), headerValue, {
  maxKeys: 4,
});
const queryText = fc.string({ unit: "binary", maxLength: 8 });
const query = fc.dictionary(
  fc.string({ unit: "binary", minLength: 1, maxLength: 8 }).filter((name) => !RESERVED_QUERY_NAME.test(name)),
  fc.oneof(queryText, fc.array(queryText, { minLength: 1, maxLength: 3 })),
  { maxKeys: 4 },
);
const pathSegment = fc.oneof(
  fc.constantFrom("", ".", ".."),
  fc.string({ unit: "binary", minLength: 1, maxLength: 6 }).map(encodeURIComponent),
);
const path = fc.array(pathSegment, { maxLength: 5 }).map((segments) => `/${segments.join("/")}`);

/** A request a real SDK could send, signed in the header or presigned, with or without a session token. */
const signedRequest = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT"),
    path,
    query,
    headers,
    body: fc.uint8Array({ maxLength: 48 }),
    form: fc.constantFrom("header", "query"),
    sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{8,40}$/), { nil: undefined }),
  })
  .map(async ({ form, sessionToken, ...request }): Promise<HttpRequestView> => {
    const client: ClientRequest = { ...request, headers: { ...request.headers, host: "sts.example.com" } };
    const signing = { date: NOW, ...(sessionToken === undefined ? {} : { sessionToken }) };
    return form === "header" ? signWithHeader(client, signing) : presign(client, { ...signing, expiresIn: 300 });
  });

type Mutate = (request: HttpRequestView) => HttpRequestView;
const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];
const suffix = fc.stringMatching(/^[a-z0-9]$/);

/** Changes to signed parts; each one changes what a handler would read. */
const mutation: fc.Arbitrary<[string, Mutate]> = fc.oneof(
  fc.tuple(fc.nat(), suffix).map(([index, extra]): [string, Mutate] => [
    "append to a signed header",
    (request) => {
      const name = pick(parseSignature(request).signedHeaders, index)!;
      return withHeader(request, name, `${request.headers[name]}${extra}`);
    },
  ]),
  fc.nat().map((index): [string, Mutate] => [
    "remove a signed header",
    (request) => withHeader(request, pick(parseSignature(request).signedHeaders, index)!, undefined),
  ]),
  fc.tuple(fc.nat(), suffix).map(([index, extra]): [string, Mutate] => [
    "append to a query value",
    (request) => {
      const pairs = queryPairs(request);
      if (pairs.length === 0) return withChanges(request, { rawQuery: `q=${extra}` });
      const at = index % pairs.length;
      return withQueryPair(request, at, `${pairs[at]!.includes("=") ? pairs[at] : `${pairs[at]}=`}${extra}`);
    },
  ]),
  fc.nat().map((index): [string, Mutate] => [
    "remove a query parameter",
    (request) => {
      const pairs = queryPairs(request);
      return pairs.length === 0 ? withChanges(request, { rawQuery: "q" }) : withQueryPair(request, index % pairs.length, undefined);
    },
  ]),
  fc.tuple(query.filter((extra) => Object.keys(extra).length > 0)).map(([extra]): [string, Mutate] => [
    "add query parameters",
    (request) => {
      const added = Object.entries(extra).flatMap(([name, values]) =>
        [values].flat().map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`),
      );
      return withChanges(request, { rawQuery: [...queryPairs(request), ...added].join("&") });
    },
  ]),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([index, xor]): [string, Mutate] => [
    "change the body",
    (request) => {
      if (request.body.length === 0) return withChanges(request, { body: new Uint8Array([xor]) });
      const body = new Uint8Array(request.body);
      body[index % body.length]! ^= xor;
      return withChanges(request, { body });
    },
  ]),
  fc.constantFrom("GET", "POST", "PUT", "DELETE").map((method): [string, Mutate] => [
    "change the method",
    (request) => withChanges(request, { method: request.method === method ? `${method}X` : method }),
  ]),
  suffix.map((extra): [string, Mutate] => ["extend the path", (request) => withChanges(request, { path: `${request.path}/${extra}` })]),
  fc.tuple(fc.nat({ max: 63 }), fc.integer({ min: 1, max: 15 })).map(([index, delta]): [string, Mutate] => [
    "change one digit of the signature",
    (request) => {
      const edit = (signature: string) =>
        `${signature.slice(0, index)}${((Number.parseInt(signature[index]!, 16) + delta) % 16).toString(16)}${signature.slice(index + 1)}`;
      if (request.headers.authorization !== undefined) {
        return withHeader(request, "authorization", request.headers.authorization.replace(/Signature=(\w+)/, (_, s: string) => `Signature=${edit(s)}`));
      }
      return withChanges(request, { rawQuery: request.rawQuery.replace(/X-Amz-Signature=(\w+)/, (_, s: string) => `X-Amz-Signature=${edit(s)}`) });
    },
  ]),
  fc.constantFrom<[string, (parts: string[]) => string[]]>(
    ["scope date", ([key, , ...rest]) => [key!, "20261205", ...rest]],
    ["scope region", ([key, date, , ...rest]) => [key!, date!, "us-west-2", ...rest]],
    ["scope service", ([key, date, region, , end]) => [key!, date!, region!, "iam", end!]],
  ).map(([label, edit]): [string, Mutate] => [`change the ${label}`, (request) => withCredential(request, edit)]),
  fc.integer({ min: -120, max: 120 }).filter((delta) => delta !== 0).map((delta): [string, Mutate] => [
    "move X-Amz-Date",
    (request) => {
      const parsed = parseSignature(request);
      const amzDate = shiftAmzDate("20261204T100000Z", delta);
      if (parsed.form === "header") return withHeader(request, "x-amz-date", amzDate);
      return withChanges(request, { rawQuery: request.rawQuery.replace(/X-Amz-Date=\w+/, `X-Amz-Date=${amzDate}`) });
    },
  ]),
);

describe("verifySignature properties", () => {
  // Guards the mutation property below against passing vacuously by rejecting everything.
  it("accepts any SDK-signed request", async () => {
    await fc.assert(
      fc.asyncProperty(signedRequest, async (signing) => {
        expect(await outcomeOf(await signing, OPTIONS)).toBe("accepted");
      }),
      RUNS,
    );
  });

  it("rejects any signed-part change", async () => {
    await fc.assert(
      fc.asyncProperty(signedRequest, mutation, async (signing, [label, mutate]) => {
        const request = await signing;
        const outcome = await outcomeOf(mutate(request), OPTIONS);
        expect(outcome, label).not.toBe("accepted");
      }),
      RUNS,
    );
  });
});
