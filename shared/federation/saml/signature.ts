import { X509Certificate } from "node:crypto";
import { SignedXml } from "xml-crypto";
import { invalid } from "../oidc/token-shape.js";
import { childElements, NS, onlyChild } from "./xml-document.js";

const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/** Canonicalization and transform algorithms accepted: no comments, no XPath or XSLT. */
const ALLOWED_CANONICALIZATION = new Set([EXC_C14N, C14N]);
const ALLOWED_TRANSFORMS = new Set([ENVELOPED, EXC_C14N, C14N]);
/** SHA-256 and stronger; SHA-1, MD5 and HMAC are rejected. */
const ALLOWED_SIGNATURE_METHODS = new Set([
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
  "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
]);
const ALLOWED_DIGEST_METHODS = new Set([
  "http://www.w3.org/2001/04/xmlenc#sha256",
  "http://www.w3.org/2001/04/xmldsig-more#sha384",
  "http://www.w3.org/2001/04/xmlenc#sha512",
]);

/** SHA-1 forms, accepted only from a provider that opts into legacy signatures. */
const LEGACY_SIGNATURE_METHOD = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const LEGACY_DIGEST_METHOD = "http://www.w3.org/2000/09/xmldsig#sha1";

/** RSA keys shorter than this are not accepted for signatures. */
export const MIN_RSA_KEY_BITS = 2048;
/** IAM's own minimum, accepted only from a provider that opts into legacy signatures. */
export const LEGACY_MIN_RSA_KEY_BITS = 1024;

export interface SignatureOptions {
  /** Accepts RSA-SHA1, SHA-1 digests and RSA keys of 1024 bits, for providers that cannot sign otherwise. */
  allowLegacy: boolean;
}

export interface SigningCertificate {
  pem: string;
  /** ISO 8601 time after which the certificate no longer verifies anything. */
  notAfter: string;
}

/**
 * Verifies the enveloped XML signature of `element`, which must be its direct child, with one
 * of the provider's certificates. The signature must have exactly one Reference, to `#` and the
 * element's ID, allowed transforms and algorithms only, and verify with a certificate from the
 * provider's metadata that has not expired. Certificates in the signature's KeyInfo are ignored.
 * Returns false when the element carries no signature; throws InvalidIdentityToken when it
 * carries one that does not verify.
 *
 * xml-crypto checks the digest and the signature value. It parses `xml` again with the same
 * parser, so it builds the same tree. The checks here pin which element that tree's signature
 * covers, because the values are read from this DOM.
 */
export function verifyEnvelopedSignature(
  xml: string,
  element: Element,
  certificates: readonly SigningCertificate[],
  now: Date,
  what: "assertion" | "response",
  options: SignatureOptions = { allowLegacy: false },
): boolean {
  const signature = onlyChild(element, NS.dsig, "Signature", `signature on the ${what}`);
  if (!signature) return false;

  const id = element.getAttribute("ID");
  if (!id) throw invalid(`The signed ${what} has no ID.`);
  const signedInfo = onlyChild(signature, NS.dsig, "SignedInfo", "SignedInfo");
  if (!signedInfo) throw invalid(`The signature on the ${what} has no SignedInfo.`);
  const canonicalization = onlyChild(signedInfo, NS.dsig, "CanonicalizationMethod", "CanonicalizationMethod")?.getAttribute("Algorithm");
  if (!canonicalization || !ALLOWED_CANONICALIZATION.has(canonicalization)) {
    throw invalid(`The signature on the ${what} uses a canonicalization that is not accepted.`);
  }
  const method = onlyChild(signedInfo, NS.dsig, "SignatureMethod", "SignatureMethod")?.getAttribute("Algorithm");
  const legacyMethod = options.allowLegacy && method === LEGACY_SIGNATURE_METHOD;
  if (!method || !(ALLOWED_SIGNATURE_METHODS.has(method) || legacyMethod)) {
    throw invalid(`The signature on the ${what} uses a signature algorithm that is not accepted; use RSA with SHA-256 or stronger.`);
  }
  const references = childElements(signedInfo, NS.dsig, "Reference");
  if (references.length !== 1) throw invalid(`The signature on the ${what} must have exactly one Reference.`);
  const reference = references[0]!;
  if (reference.getAttribute("URI") !== `#${id}`) {
    throw invalid(`The signature on the ${what} does not reference the ${what} it is attached to.`);
  }
  const transforms = onlyChild(reference, NS.dsig, "Transforms", "Transforms");
  for (const transform of transforms ? childElements(transforms, NS.dsig, "Transform") : []) {
    if (!ALLOWED_TRANSFORMS.has(transform.getAttribute("Algorithm") ?? "")) {
      throw invalid(`The signature on the ${what} uses a transform that is not accepted.`);
    }
  }
  const digest = onlyChild(reference, NS.dsig, "DigestMethod", "DigestMethod")?.getAttribute("Algorithm");
  const legacyDigest = options.allowLegacy && digest === LEGACY_DIGEST_METHOD;
  if (!digest || !(ALLOWED_DIGEST_METHODS.has(digest) || legacyDigest)) {
    throw invalid(`The signature on the ${what} uses a digest algorithm that is not accepted; use SHA-256 or stronger.`);
  }

  const usable = certificates.filter((certificate) => Date.parse(certificate.notAfter) > now.getTime());
  if (usable.length === 0) throw invalid("Every signing certificate of the SAML provider has expired.");
  for (const certificate of usable) {
    if (checkWith(xml, signature, certificate.pem, options.allowLegacy ? LEGACY_MIN_RSA_KEY_BITS : MIN_RSA_KEY_BITS)) return true;
  }
  throw invalid("Response signature invalid");
}

function checkWith(xml: string, signature: Element, pem: string, minimumBits: number): boolean {
  const key = new X509Certificate(pem).publicKey;
  if (key.asymmetricKeyType === "rsa" && (key.asymmetricKeyDetails?.modulusLength ?? 0) < minimumBits) return false;
  const verifier = new SignedXml({ publicCert: pem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature as unknown as Node);
  try {
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}
