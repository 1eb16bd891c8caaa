import { X509Certificate } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";
import { ServiceError } from "../protocol/errors.js";

/** IAM accepts at most ten signing certificates in the metadata of one SAML provider. */
export const SIGNING_CERTIFICATES_PER_SAML_PROVIDER = 10;

/**
 * The smallest RSA modulus accepted in a signing certificate at registration: 1,024 bits, as IAM
 * documents. Signatures with keys under 2,048 bits verify only for a provider that opts into
 * legacy signatures, which the assertion verifier enforces.
 */
export const MIN_SIGNING_KEY_BITS = 1024;

const METADATA_NS = "urn:oasis:names:tc:SAML:2.0:metadata";
const DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A certificate that signs the identity provider's assertions, as the verifier needs it. */
export interface SigningCertificate {
  /** The certificate as PEM, re-encoded from its DER bytes. */
  pem: string;
  /** Start of the validity period, ISO-8601. */
  notBefore: string;
  /**
   * End of the validity period, ISO-8601. Metadata whose certificates have expired is accepted,
   * as in IAM, so the verifier must reject signatures made with a certificate past this time.
   */
  notAfter: string;
  /** SHA-256 of the DER bytes as lower-case hexadecimal without separators, which identifies the certificate. */
  fingerprintSha256: string;
}

/** The parts of an identity provider's SAML 2.0 metadata that IAM and the assertion verifier use. */
export interface IdpMetadata {
  /** The `entityID` of the EntityDescriptor, which assertions carry as their Issuer. */
  entityId: string;
  /** Distinct signing certificates in document order, one to ten. */
  signingCertificates: SigningCertificate[];
  /** The EntityDescriptor's `validUntil` as ISO-8601, when the document has one. */
  validUntil?: string;
}

/**
 * Parses the SAML 2.0 metadata of an identity provider: the root must be an `md:EntityDescriptor`
 * with an `entityID` and at least one `md:IDPSSODescriptor`. Every `ds:X509Certificate` under a
 * KeyDescriptor of those descriptors whose `use` is `signing` or absent becomes a signing
 * certificate. Each must be an X.509 certificate with an RSA key of at least 2,048 bits.
 * Repeats count once, and at most ten may remain.
 *
 * Expiry is not checked here, so the result does not depend on the time of the call. A document
 * type declaration or an entity declaration anywhere in the text is rejected before parsing, so
 * no entity is ever expanded.
 *
 * @throws ServiceError InvalidInput for a document that breaks these rules, LimitExceeded for
 * more than ten signing certificates.
 */
export function parseIdpMetadata(xml: string): IdpMetadata {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw invalidMetadata("it contains a document type declaration or an entity declaration, which are not accepted");
  }
  const root = parseXml(xml).documentElement;
  if (!root || root.namespaceURI !== METADATA_NS || root.localName !== "EntityDescriptor") {
    throw invalidMetadata(`the root element must be an EntityDescriptor in the namespace ${METADATA_NS}`);
  }

  const entityId = root.getAttribute("entityID") ?? "";
  if (entityId.trim() === "") throw invalidMetadata("the EntityDescriptor has no entityID");

  const idpDescriptors = childElements(root, METADATA_NS, "IDPSSODescriptor");
  if (idpDescriptors.length === 0) throw invalidMetadata("the EntityDescriptor has no IDPSSODescriptor");

  const signingCertificates = readSigningCertificates(idpDescriptors);
  const validUntil = readValidUntil(root);
  return { entityId, signingCertificates, ...(validUntil === undefined ? {} : { validUntil }) };
}

function invalidMetadata(reason: string): ServiceError {
  return new ServiceError("InvalidInput", `Invalid SAML metadata document: ${reason}.`);
}

/** Parses well-formed XML or throws InvalidInput. Parser messages stay out of the error. */
function parseXml(xml: string): Document {
  let wellFormed = true;
  const parser = new DOMParser({
    locator: {},
    errorHandler: {
      warning: () => {},
      error: () => {
        wellFormed = false;
      },
      fatalError: () => {
        wellFormed = false;
      },
    },
  });
  let document: Document | undefined;
  try {
    // xmldom does not skip a byte order mark, which some identity providers write.
    document = parser.parseFromString(xml.replace(/^\uFEFF/, ""), "text/xml") as unknown as Document;
  } catch {
    wellFormed = false;
  }
  if (!wellFormed || !document?.documentElement) throw invalidMetadata("it is not well-formed XML");
  return document;
}

function readSigningCertificates(idpDescriptors: readonly Element[]): SigningCertificate[] {
  const certificates = new Map<string, SigningCertificate>();
  for (const descriptor of idpDescriptors) {
    for (const keyDescriptor of childElements(descriptor, METADATA_NS, "KeyDescriptor")) {
      const use = keyDescriptor.getAttribute("use");
      // An absent `use` means the key both signs and encrypts.
      if (use !== null && use !== "" && use !== "signing") continue;
      const elements = keyDescriptor.getElementsByTagNameNS(DSIG_NS, "X509Certificate");
      for (let index = 0; index < elements.length; index++) {
        const certificate = readCertificate(elements.item(index)!.textContent ?? "");
        if (!certificates.has(certificate.fingerprintSha256)) certificates.set(certificate.fingerprintSha256, certificate);
      }
    }
  }
  if (certificates.size === 0) {
    throw invalidMetadata("the IDPSSODescriptor has no KeyDescriptor with a signing X509Certificate");
  }
  if (certificates.size > SIGNING_CERTIFICATES_PER_SAML_PROVIDER) {
    throw new ServiceError(
      "LimitExceeded",
      `Cannot exceed quota for SigningCertificatesPerSamlProvider: ${SIGNING_CERTIFICATES_PER_SAML_PROVIDER}. The metadata document has ${certificates.size} distinct signing certificates.`,
    );
  }
  return [...certificates.values()];
}

/** Decodes one `ds:X509Certificate`, whose base64 may be wrapped over several lines. */
function readCertificate(text: string): SigningCertificate {
  const base64 = text.replace(/\s+/g, "");
  if (!BASE64.test(base64) || base64.length % 4 !== 0) {
    throw invalidMetadata("an X509Certificate is not valid base64");
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(base64, "base64"));
  } catch {
    throw invalidMetadata("an X509Certificate is not a valid X.509 certificate");
  }

  const key = certificate.publicKey;
  if (key.asymmetricKeyType !== "rsa") {
    throw invalidMetadata(`a signing certificate has a key of type ${key.asymmetricKeyType ?? "unknown"}; only RSA keys are accepted`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_SIGNING_KEY_BITS) {
    throw invalidMetadata(`a signing certificate has a ${bits}-bit RSA key; the minimum is ${MIN_SIGNING_KEY_BITS} bits`);
  }
  return {
    pem: certificate.toString(),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    fingerprintSha256: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
  };
}

function readValidUntil(root: Element): string | undefined {
  const value = root.getAttribute("validUntil");
  if (value === null || value === "") return undefined;
  // An xs:dateTime without a zone is read as UTC, because SAML 2.0 core specifies UTC for its times.
  const withZone = /(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`;
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(withZone) ? Date.parse(withZone) : Number.NaN;
  if (Number.isNaN(time)) throw invalidMetadata(`validUntil ${value} is not an xs:dateTime`);
  return new Date(time).toISOString();
}

function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName) {
      found.push(node as Element);
    }
  }
  return found;
}
