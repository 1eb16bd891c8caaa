import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import samlify from "samlify";

export const AWS_SAML_ENDPOINT = "https://signin.aws.amazon.com/saml";
export const AWS_SP_ENTITY_ID = "urn:amazon:webservices";
const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

export interface KeyPair {
  privateKey: string;
  certificate: string;
}

/** Generates an RSA key and a self-signed certificate with openssl, valid for `days` from now. */
export function generateCertificate(commonName = "test-idp", bits = 2048, days = 365): KeyPair {
  const folder = mkdtempSync(join(tmpdir(), "open-sts-saml-"));
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", `rsa:${bits}`, "-keyout", join(folder, "key.pem"), "-out", join(folder, "cert.pem"), "-days", String(days), "-nodes", "-subj", `/CN=${commonName}`],
      { stdio: "ignore" },
    );
    return { privateKey: readFileSync(join(folder, "key.pem"), "utf8"), certificate: readFileSync(join(folder, "cert.pem"), "utf8") };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface AssertionContent {
  nameId: string;
  nameIdFormat?: string;
  /** Attribute values by attribute Name. */
  attributes: Record<string, string[]>;
  now?: Date;
  /** Lifetime of the assertion in seconds (Conditions and subject confirmation). */
  lifetimeSeconds?: number;
  sessionNotOnOrAfter?: Date;
  audience?: string;
  recipient?: string;
  destination?: string;
}

export interface TestSamlIdp {
  entityId: string;
  keys: KeyPair;
  /** The IdP's metadata, to register with CreateSAMLProvider. */
  metadata: string;
  /** Signs a login response with samlify and returns it base64-encoded, as the POST binding carries it. */
  respond(content: AssertionContent): Promise<string>;
}

export interface TestSamlIdpOptions {
  entityId: string;
  signing: "assertion" | "response" | "both";
  keys?: KeyPair;
  /** Encrypts assertions (RSA-OAEP and AES-128-GCM) to this certificate, as Keycloak and Shibboleth can. */
  encryptTo?: string;
}

/**
 * Creates a SAML identity provider with samlify. `signing` chooses what it signs: the assertion
 * (as ADFS and Entra ID do by default), the Response (as Okta does), or both.
 */
export function createTestSamlIdp(options: TestSamlIdpOptions): TestSamlIdp {
  const keys = options.keys ?? generateCertificate();
  const idp = samlify.IdentityProvider({
    entityID: options.entityId,
    privateKey: keys.privateKey,
    signingCert: keys.certificate,
    ...(options.encryptTo
      ? {
          isAssertionEncrypted: true,
          dataEncryptionAlgorithm: "http://www.w3.org/2009/xmlenc11#aes128-gcm",
          keyEncryptionAlgorithm: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
        }
      : {}),
    singleSignOnService: [{ Binding: POST, Location: `${options.entityId}/sso` }],
    nameIDFormat: ["urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"],
  });
  const sp = samlify.ServiceProvider({
    entityID: AWS_SP_ENTITY_ID,
    wantAssertionsSigned: options.signing !== "response",
    wantMessageSigned: options.signing !== "assertion",
    ...(options.encryptTo ? { encryptCert: options.encryptTo } : {}),
    assertionConsumerService: [{ Binding: POST, Location: AWS_SAML_ENDPOINT }],
  });
  return {
    entityId: options.entityId,
    keys,
    metadata: idp.getMetadata(),
    async respond(content) {
      const result = await idp.createLoginResponse(sp, null as never, "post", { email: content.nameId }, {
        // A signed Response must be signed after its assertion is encrypted, or the encryption breaks the signature.
        encryptThenSign: options.encryptTo !== undefined && options.signing !== "assertion",
        customTagReplacement: () => {
          const id = `_${randomUUID()}`;
          return { id, context: renderResponse(id, options.entityId, content) };
        },
      });
      return result.context;
    },
  };
}

function renderResponse(id: string, issuer: string, content: AssertionContent): string {
  const now = content.now ?? new Date();
  const end = new Date(now.getTime() + (content.lifetimeSeconds ?? 300) * 1000).toISOString();
  const attributes = Object.entries(content.attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXmlText(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${values
          .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXmlText(value)}</saml:AttributeValue>`)
          .join("")}</saml:Attribute>`,
    )
    .join("");
  const session = content.sessionNotOnOrAfter ? ` SessionNotOnOrAfter="${content.sessionNotOnOrAfter.toISOString()}"` : "";
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${now.toISOString()}" Destination="${escapeXmlText(content.destination ?? AWS_SAML_ENDPOINT)}">` +
    `<saml:Issuer>${escapeXmlText(issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="_${randomUUID()}" Version="2.0" IssueInstant="${now.toISOString()}">` +
    `<saml:Issuer>${escapeXmlText(issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${escapeXmlText(content.nameIdFormat ?? "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")}">${escapeXmlText(content.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${end}" Recipient="${escapeXmlText(content.recipient ?? AWS_SAML_ENDPOINT)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${now.toISOString()}" NotOnOrAfter="${end}"><saml:AudienceRestriction><saml:Audience>${escapeXmlText(content.audience ?? AWS_SP_ENTITY_ID)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now.toISOString()}"${session}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

function escapeXmlText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
