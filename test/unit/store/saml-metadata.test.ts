import { execFileSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import samlify from "samlify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdpMetadata } from "../../../shared/iam/saml-metadata.js";
import type { ServiceError } from "../../../shared/protocol/errors.js";

const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
const ENTITY_ID = "https://idp.example.com/saml/metadata";

/** Returns the base64 body of a PEM certificate, on one line. */
function base64Of(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
}

function fingerprintOf(pem: string): string {
  return createHash("sha256").update(new X509Certificate(pem).raw).digest("hex");
}

function keyDescriptor(certificateBase64: string, use: string | undefined = "signing"): string {
  const useAttribute = use === undefined ? "" : ` use="${use}"`;
  return `<md:KeyDescriptor${useAttribute}><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
}

/** Builds the metadata of an identity provider whose IDPSSODescriptor contains `keyDescriptors`. */
function idpMetadata(keyDescriptors: string, rootAttributes = ""): string {
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<md:EntityDescriptor xmlns:md="${MD}" xmlns:ds="${DS}" entityID="${ENTITY_ID}"${rootAttributes}>`,
    `  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    `    ${keyDescriptors}`,
    `    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>`,
    `  </md:IDPSSODescriptor>`,
    `</md:EntityDescriptor>`,
  ].join("\n");
}

function failureOf(xml: string): ServiceError {
  try {
    parseIdpMetadata(xml);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("parseIdpMetadata accepted the document");
}

describe("parseIdpMetadata", () => {
  let folder: string;
  const certificates: Record<string, string> = {};

  /** Runs openssl in the temporary folder, which afterAll removes with the test keys in it. */
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: folder, stdio: "ignore" });
  const read = (file: string) => readFileSync(join(folder, file), "utf8");

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "open-sts-saml-metadata-"));
    for (const [name, key] of [
      ["first", "rsa:2048"],
      ["second", "rsa:2048"],
      ["short", "rsa:768"],
      ["legacy", "rsa:1024"],
      ["elliptic", "ec"],
    ] as const) {
      const curve = key === "ec" ? ["-pkeyopt", "ec_paramgen_curve:P-256"] : [];
      openssl("req", "-x509", "-newkey", key, ...curve, "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", `/CN=${name}`);
      certificates[name] = read(`${name}.pem`);
    }

    // openssl 3.0's req cannot set past dates, so a one-off self-signing CA writes the expired certificate.
    writeFileSync(join(folder, "index.txt"), "");
    writeFileSync(join(folder, "serial"), "01\n");
    writeFileSync(
      join(folder, "ca.cnf"),
      ["[ca]", "default_ca = expired", "[expired]", `database = ${join(folder, "index.txt")}`, `new_certs_dir = ${folder}`,
        `serial = ${join(folder, "serial")}`, "default_md = sha256", "policy = any", "[any]", "commonName = supplied"].join("\n"),
    );
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=expired");
    openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "expired.key", "-in", "expired.csr", "-out", "expired.pem",
      "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-notext");
    certificates.expired = read("expired.pem");

    // Eleven distinct certificates of one key, for the limit of ten.
    for (let index = 0; index < 11; index++) {
      openssl("req", "-x509", "-key", "first.key", "-out", `many-${index}.pem`, "-days", "30", "-subj", `/CN=many-${index}`);
      certificates[`many-${index}`] = read(`many-${index}.pem`);
    }
  });
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("reads one signing certificate", () => {
    const pem = certificates.first!;
    const parsed = parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(pem))));

    expect(parsed.entityId).toBe(ENTITY_ID);
    expect(parsed.validUntil).toBeUndefined();
    expect(parsed.signingCertificates).toHaveLength(1);
    const [certificate] = parsed.signingCertificates;
    expect(certificate!.pem).toBe(new X509Certificate(pem).toString());
    expect(certificate!.fingerprintSha256).toBe(fingerprintOf(pem));
    expect(certificate!.notAfter).toBe(new Date(new X509Certificate(pem).validTo).toISOString());
    expect(Date.parse(certificate!.notBefore)).toBeLessThan(Date.parse(certificate!.notAfter));
  });

  it("reads two certificates during rollover", () => {
    const xml = idpMetadata(keyDescriptor(base64Of(certificates.first!)) + keyDescriptor(base64Of(certificates.second!)));
    const fingerprints = parseIdpMetadata(xml).signingCertificates.map((certificate) => certificate.fingerprintSha256);

    expect(fingerprints).toEqual([fingerprintOf(certificates.first!), fingerprintOf(certificates.second!)]);
  });

  it("reads line-wrapped base64", () => {
    const wrapped = `\n        ${base64Of(certificates.first!).match(/.{1,64}/g)!.join("\n        ")}\n      `;
    const parsed = parseIdpMetadata(idpMetadata(keyDescriptor(wrapped)));

    expect(parsed.signingCertificates.map((certificate) => certificate.fingerprintSha256)).toEqual([fingerprintOf(certificates.first!)]);
  });

  it("counts a repeated certificate once", () => {
    const body = base64Of(certificates.first!);
    const parsed = parseIdpMetadata(idpMetadata(keyDescriptor(body) + keyDescriptor(body, undefined)));

    expect(parsed.signingCertificates).toHaveLength(1);
  });

  it("takes keys without use and skips encryption keys", () => {
    const xml = idpMetadata(keyDescriptor(base64Of(certificates.first!), "encryption") + keyDescriptor(base64Of(certificates.second!), undefined));
    const fingerprints = parseIdpMetadata(xml).signingCertificates.map((certificate) => certificate.fingerprintSha256);

    expect(fingerprints).toEqual([fingerprintOf(certificates.second!)]);
  });

  it("rejects metadata with only an encryption key", () => {
    const error = failureOf(idpMetadata(keyDescriptor(base64Of(certificates.first!), "encryption")));

    expect(error.code).toBe("InvalidInput");
    expect(error.message).toContain("no KeyDescriptor with a signing X509Certificate");
  });

  it("accepts ten certificates and rejects eleven", () => {
    const descriptors = (count: number) =>
      Array.from({ length: count }, (_, index) => keyDescriptor(base64Of(certificates[`many-${index}`]!))).join("");

    expect(parseIdpMetadata(idpMetadata(descriptors(10))).signingCertificates).toHaveLength(10);
    const error = failureOf(idpMetadata(descriptors(11)));
    expect(error.code).toBe("LimitExceeded");
    expect(error.message).toContain("SigningCertificatesPerSamlProvider: 10");
  });

  it("keeps an expired certificate with its end date", () => {
    const parsed = parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(certificates.expired!))));

    expect(parsed.signingCertificates).toHaveLength(1);
    expect(parsed.signingCertificates[0]!.notBefore).toBe("2020-01-01T00:00:00.000Z");
    expect(parsed.signingCertificates[0]!.notAfter).toBe("2021-01-01T00:00:00.000Z");
  });

  it("reads validUntil", () => {
    expect(parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(certificates.first!)), ` validUntil="2031-02-03T04:05:06Z"`)).validUntil).toBe(
      "2031-02-03T04:05:06.000Z",
    );
    expect(parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(certificates.first!)), ` validUntil="2031-02-03T04:05:06.5+01:00"`)).validUntil).toBe(
      "2031-02-03T03:05:06.500Z",
    );
    expect(parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(certificates.first!)), ` validUntil="2031-02-03T04:05:06"`)).validUntil).toBe(
      "2031-02-03T04:05:06.000Z",
    );
  });

  it("rejects a validUntil that is not a dateTime", () => {
    const error = failureOf(idpMetadata(keyDescriptor(base64Of(certificates.first!)), ` validUntil="next year"`));

    expect(error.code).toBe("InvalidInput");
    expect(error.message).toContain("validUntil next year is not an xs:dateTime");
  });

  it("reads metadata that samlify writes", () => {
    const idp = samlify.IdentityProvider({
      entityID: "https://samlify.example.com/idp",
      signingCert: certificates.second!,
      singleSignOnService: [{ Binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", Location: "https://samlify.example.com/sso" }],
      singleLogoutService: [{ Binding: "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST", Location: "https://samlify.example.com/slo" }],
    });
    const parsed = parseIdpMetadata(idp.getMetadata());

    expect(parsed.entityId).toBe("https://samlify.example.com/idp");
    expect(parsed.signingCertificates.map((certificate) => certificate.fingerprintSha256)).toEqual([fingerprintOf(certificates.second!)]);
  });

  it("accepts a byte order mark", () => {
    expect(parseIdpMetadata(`\uFEFF${idpMetadata(keyDescriptor(base64Of(certificates.first!)))}`).entityId).toBe(ENTITY_ID);
  });

  it.each([
    ["a DOCTYPE", `<!DOCTYPE md:EntityDescriptor>`],
    ["an ENTITY", `<!DOCTYPE x [<!ENTITY name "value">]>`],
    ["a lower-case doctype", `<!doctype md:EntityDescriptor>`],
  ])("rejects %s before parsing", (_name, declaration) => {
    const xml = idpMetadata(keyDescriptor(base64Of(certificates.first!))).replace("?>\n", `?>\n${declaration}\n`);
    const error = failureOf(xml);

    expect(error.code).toBe("InvalidInput");
    expect(error.message).toContain("document type declaration or an entity declaration");
  });

  it.each([
    ["a missing IDPSSODescriptor", () => idpMetadata("").replaceAll("IDPSSODescriptor", "SPSSODescriptor"), "has no IDPSSODescriptor"],
    ["an EntitiesDescriptor root", () => `<md:EntitiesDescriptor xmlns:md="${MD}">${idpMetadata("").split("\n").slice(1).join("\n")}</md:EntitiesDescriptor>`, "root element must be an EntityDescriptor"],
    ["a root in another namespace", () => idpMetadata("").replace(`xmlns:md="${MD}"`, `xmlns:md="urn:example:other"`), "root element must be an EntityDescriptor"],
    ["a missing entityID", () => idpMetadata(keyDescriptor(base64Of(certificates.first!))).replace(`entityID="${ENTITY_ID}"`, ""), "has no entityID"],
    ["broken XML", () => idpMetadata(keyDescriptor(base64Of(certificates.first!))).replace("</md:EntityDescriptor>", ""), "not well-formed XML"],
    ["text that is not XML", () => "x".repeat(1000), "not well-formed XML"],
    ["base64 with other characters", () => idpMetadata(keyDescriptor("MIIB*not*base64")), "not valid base64"],
    ["base64 that is no certificate", () => idpMetadata(keyDescriptor(Buffer.from("garbage, not DER").toString("base64"))), "not a valid X.509 certificate"],
    ["a 768-bit RSA key", () => idpMetadata(keyDescriptor(base64Of(certificates.short!))), "768-bit RSA key; the minimum is 1024 bits"],
    ["an elliptic curve key", () => idpMetadata(keyDescriptor(base64Of(certificates.elliptic!))), "has a key of type ec; only RSA keys are accepted"],
  ])("rejects %s", (_name, build, message) => {
    const error = failureOf(build());

    expect(error.code).toBe("InvalidInput");
    expect(error.message).toContain(message);
  });

  it("accepts a 1024-bit key", () => {
    const parsed = parseIdpMetadata(idpMetadata(keyDescriptor(base64Of(certificates.legacy!))));

    expect(parsed.signingCertificates).toHaveLength(1);
  });

  it("rejects a short key next to a good one", () => {
    const error = failureOf(idpMetadata(keyDescriptor(base64Of(certificates.first!)) + keyDescriptor(base64Of(certificates.short!))));

    expect(error.code).toBe("InvalidInput");
  });
});
