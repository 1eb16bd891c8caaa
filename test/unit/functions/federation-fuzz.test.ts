import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleQueryRequest } from "../../../shared/api/query-service.js";
import { parseIdpMetadata } from "../../../shared/iam/saml-metadata.js";
import { createTestSamlIdp } from "../../support/saml-idp.js";
import { STS_SERVICE, startWebIdentityHarness, type WebIdentityHarness } from "../../support/web-identity.js";

const CLIENT = { sourceIp: "127.0.0.1", userAgent: "fuzz", secureTransport: true };
const T0 = new Date("2026-03-01T10:00:00Z");

/** Sends random parameters to an unsigned federation action and returns the response. */
function send(harness: WebIdentityHarness, params: Record<string, string>) {
  return handleQueryRequest(
    STS_SERVICE,
    {
      method: "POST",
      path: "/",
      rawQuery: "",
      headers: { "content-type": "application/x-www-form-urlencoded", host: "127.0.0.1" },
      body: Buffer.from(new URLSearchParams(params).toString()),
    },
    CLIENT,
    { ...harness.service, oidcKeys: harness.keys },
    T0,
  );
}

describe("federation actions under random input", () => {
  let harness: WebIdentityHarness;

  beforeAll(async () => {
    harness = await startWebIdentityHarness(T0);
    // A registered provider, so that random assertions reach decoding, parsing and verification.
    const idp = createTestSamlIdp({ entityId: "https://idp.example.com", signing: "assertion" });
    await harness.service.store.ensureAccount("000000000000", T0);
    await (await harness.service.store.samlProviders()).createSamlProvider(
      "000000000000",
      { name: "p", metadata: { document: idp.metadata, parsed: parseIdpMetadata(idp.metadata) }, tags: [] },
      T0,
    );
  });
  afterAll(async () => {
    await harness.close();
  });

  const text = fc.string({ unit: "binary", maxLength: 400 });
  const base64Text = fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes).toString("base64"));
  const xmlish = fc
    .array(fc.constantFrom("<samlp:Response>", "</samlp:Response>", "<saml:Assertion ID=\"a\">", "<!DOCTYPE x>", "<![CDATA[", "&amp;", "x", "<ds:Signature/>"), {
      maxLength: 30,
    })
    .map((parts) => Buffer.from(parts.join("")).toString("base64"));
  const jwtish = fc
    .tuple(fc.json(), fc.json(), text)
    .map(([header, claims, signature]) => [header, claims, signature].map((part) => Buffer.from(part).toString("base64url")).join("."));

  it("never fails AssumeRoleWithSAML with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          RoleArn: fc.oneof(text, fc.constant("arn:aws:iam::000000000000:role/r")),
          PrincipalArn: fc.oneof(text, fc.constant("arn:aws:iam::000000000000:saml-provider/p")),
          SAMLAssertion: fc.oneof(text, base64Text, xmlish),
        }),
        async (params) => {
          const response = await send(harness, { Action: "AssumeRoleWithSAML", Version: "2011-06-15", ...params });
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it("never fails AssumeRoleWithWebIdentity with a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          RoleArn: fc.oneof(text, fc.constant("arn:aws:iam::000000000000:role/r")),
          RoleSessionName: fc.oneof(text, fc.constant("session")),
          WebIdentityToken: fc.oneof(text, jwtish),
        }),
        async (params) => {
          const response = await send(harness, { Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15", ...params });
          expect(response.statusCode).toBeGreaterThanOrEqual(400);
          expect(response.statusCode).toBeLessThan(500);
        },
      ),
      { seed: 20261204, numRuns: 300 },
    );
  });
});
