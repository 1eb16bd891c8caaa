import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type SigningCertificate, verifyEnvelopedSignature } from "../../../../shared/federation/saml/signature.js";
import { type SamlProviderKeys, verifySamlResponse } from "../../../../shared/federation/saml/verify-response.js";
import { NS, parseSamlXml } from "../../../../shared/federation/saml/xml-document.js";
import { parseIdpMetadata } from "../../../../shared/iam/saml-metadata.js";
import type { ServiceError } from "../../../../shared/protocol/errors.js";

/**
 * Signed SAML documents and metadata published by xml-crypto and python3-saml, checked against
 * our verifier. They sit beside the repository, not in it.
 */

const fixturesDir = fileURLToPath(new URL("../../../../../shared/testdata/saml/", import.meta.url));
const present = existsSync(fixturesDir);
if (!present) console.log(`skipping the SAML fixture checks: the reference folder beside the repository is missing (${fixturesDir})`);

/** A time inside the validity of the xml-crypto responses, which were issued at 2012-07-03T11:32:20Z. */
const ISSUED_NOW = new Date("2012-07-03T11:33:00Z");
const FEIDE_ENTITY_ID = "https://openidp.feide.no";
const CALLBACK = "http://localhost:3000/login/callback";

function read(path: string): string {
  return readFileSync(fixturesDir + path, "utf8");
}

/** Returns the Feide test certificate, valid until its own end date in 2035. */
function feideCertificate(): SigningCertificate {
  const pem = read("xml-crypto/feide_public.pem");
  return { pem, notAfter: new Date(new X509Certificate(pem).validTo).toISOString() };
}

function feideProvider(allowLegacySignatures: boolean): SamlProviderKeys {
  return { entityId: FEIDE_ENTITY_ID, signingCertificates: [feideCertificate()], allowLegacySignatures };
}

const FEIDE_EXPECTATIONS = { audiences: ["passport-saml"], recipients: [CALLBACK], clockSkewSeconds: 120, now: ISSUED_NOW };

/** Returns the Response element and the first Assertion in document order. */
function elementsOf(xml: string): { response: Element; assertion: Element } {
  const response = parseSamlXml(xml).documentElement!;
  const assertion = response.getElementsByTagNameNS(NS.assertion, "Assertion").item(0)!;
  return { response, assertion };
}

function failureOf(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("expected the verification to fail, but it succeeded");
}

describe.skipIf(!present)("SAML reference fixtures", () => {
  it("valid_saml.xml verifies as legacy", () => {
    const xml = read("xml-crypto/valid_saml.xml");
    const { response, assertion } = elementsOf(xml);
    const legacy = { allowLegacy: true };

    expect(verifyEnvelopedSignature(xml, response, [feideCertificate()], ISSUED_NOW, "response", legacy)).toBe(true);
    expect(verifyEnvelopedSignature(xml, assertion, [feideCertificate()], ISSUED_NOW, "assertion", legacy)).toBe(true);
  });

  it("valid_saml.xml rejected without legacy", () => {
    const xml = read("xml-crypto/valid_saml.xml");
    const { response, assertion } = elementsOf(xml);
    const strict = { allowLegacy: false };

    const onResponse = failureOf(() => verifyEnvelopedSignature(xml, response, [feideCertificate()], ISSUED_NOW, "response", strict));
    expect(onResponse.code).toBe("InvalidIdentityToken");
    expect(onResponse.message).toMatch(/signature algorithm/);
    const onAssertion = failureOf(() => verifyEnvelopedSignature(xml, assertion, [feideCertificate()], ISSUED_NOW, "assertion", strict));
    expect(onAssertion.code).toBe("InvalidIdentityToken");
    expect(onAssertion.message).toMatch(/signature algorithm/);
  });

  it("valid_saml.xml passes full verification", () => {
    const verified = verifySamlResponse(read("xml-crypto/valid_saml.xml"), feideProvider(true), FEIDE_EXPECTATIONS);

    expect(verified.nameId).toBe("_6c5dcaa3053321ff4d63785fbc3f67c59a129cde82");
    expect(verified.issuer).toBe(FEIDE_ENTITY_ID);
    expect(verified.recipient).toBe(CALLBACK);
    expect(verified.attributes.get("uid")).toEqual(["bergie"]);
  });

  it("full verification rejects SHA-1 by default", () => {
    const failure = failureOf(() => verifySamlResponse(read("xml-crypto/valid_saml.xml"), feideProvider(false), FEIDE_EXPECTATIONS));

    expect(failure.code).toBe("InvalidIdentityToken");
  });

  it("DigestValue comment fails both modes", () => {
    const xml = read("xml-crypto/valid_saml_with_digest_comment.xml");
    const { assertion } = elementsOf(xml);

    for (const allowLegacy of [true, false]) {
      const direct = failureOf(() => verifyEnvelopedSignature(xml, assertion, [feideCertificate()], ISSUED_NOW, "assertion", { allowLegacy }));
      expect(direct.code, `allowLegacy ${allowLegacy}`).toBe("InvalidIdentityToken");
      const full = failureOf(() => verifySamlResponse(xml, feideProvider(allowLegacy), FEIDE_EXPECTATIONS));
      expect(full.code, `allowLegacy ${allowLegacy}`).toBe("InvalidIdentityToken");
      expect(full.message).not.toContain("test@example.com");
    }
  });

  it("signature wrapping fails both modes", () => {
    const xml = read("xml-crypto/valid_saml_signature_wrapping.xml");

    for (const allowLegacy of [true, false]) {
      const failure = failureOf(() => verifySamlResponse(xml, feideProvider(allowLegacy), FEIDE_EXPECTATIONS));
      expect(failure.code, `allowLegacy ${allowLegacy}`).toBe("InvalidIdentityToken");
      expect(failure.message, `allowLegacy ${allowLegacy}`).toMatch(/same ID twice/);
    }
  });

  it("reads line-wrapped metadata certificate", () => {
    const metadata = parseIdpMetadata(read("python3-saml/idp_metadata.xml"));

    expect(metadata.entityId).toBe("https://app.onelogin.com/saml/metadata/383123");
    expect(metadata.signingCertificates).toHaveLength(1);
    const certificate = metadata.signingCertificates[0]!;
    expect(new X509Certificate(certificate.pem).subject).toContain("CN=app.onelogin.com");
    expect(certificate.notAfter.slice(0, 10)).toBe("2018-06-05");
  });

  it("expired metadata certificate verifies nothing", () => {
    // Metadata with an expired certificate is accepted, so the verifier must reject signatures it made.
    const [expired] = parseIdpMetadata(read("python3-saml/idp_metadata.xml")).signingCertificates;
    const xml = read("xml-crypto/valid_saml.xml");
    const { response } = elementsOf(xml);

    const failure = failureOf(() => verifyEnvelopedSignature(xml, response, [expired!], new Date("2026-05-01T12:00:00Z"), "response", { allowLegacy: true }));
    expect(failure.code).toBe("InvalidIdentityToken");
    expect(failure.message).toMatch(/expired/);
  });
});
