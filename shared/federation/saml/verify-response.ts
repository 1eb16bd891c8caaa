import { ServiceError } from "../../protocol/errors.js";
import { invalid } from "../oidc/token-shape.js";
import { decryptAssertion } from "./decrypt.js";
import { type SigningCertificate, verifyEnvelopedSignature } from "./signature.js";
import { allElements, childElements, NS, onlyChild, parseSamlXml, textOnly } from "./xml-document.js";

const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

/** AWS's sign-in endpoint, the Recipient that existing IdP configurations for AWS name. */
export const AWS_SIGNIN_ENDPOINT = "https://signin.aws.amazon.com/saml";
/** The regional forms of the sign-in endpoint, such as `https://eu-west-1.signin.aws.amazon.com/saml`. */
const AWS_REGIONAL_SIGNIN = /^https:\/\/[a-z]{2}(-[a-z]+)+-\d\.signin\.aws\.amazon\.com\/saml$/;
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

/** The parts of a SAML provider's record that verification uses. */
export interface SamlProviderKeys {
  /** The entityID of the provider's metadata, which the assertion's Issuer must equal. */
  entityId: string;
  signingCertificates: readonly SigningCertificate[];
  /** Accepts an unsigned assertion inside a signed Response (for IdPs that sign only the message). */
  allowResponseOnlySigning?: boolean;
  /** Accepts RSA-SHA1 and 1024-bit keys (for IdPs that cannot sign otherwise). */
  allowLegacySignatures?: boolean;
  /** PEM private keys that decrypt the provider's encrypted assertions. */
  decryptionKeys?: readonly string[];
  /** Rejects plaintext assertions (IAM's AssertionEncryptionMode `Required`). */
  requireEncryption?: boolean;
}

export interface SamlExpectations {
  /** Accepted values of Audience: the service provider's entity IDs. */
  audiences: readonly string[];
  /**
   * Accepted values of the SubjectConfirmationData Recipient and the Response Destination. When
   * the list has AWS's sign-in endpoint, its regional forms are accepted too.
   */
  recipients: readonly string[];
  clockSkewSeconds: number;
  now: Date;
}

export interface VerifiedAssertion {
  assertionId: string;
  issuer: string;
  nameId: string;
  /** NameID Format, `urn:oasis:names:tc:SAML:2.0:nameid-format:persistent` and the like; undefined when absent. */
  nameIdFormat?: string;
  /** The Recipient of the subject confirmation: AWS's `saml:aud` and Audience. */
  recipient: string;
  /** The end of the assertion's validity: the earlier of the subject confirmation's and the Conditions' NotOnOrAfter. */
  notOnOrAfter: Date;
  /** SessionNotOnOrAfter of the AuthnStatement, which caps the session. */
  sessionNotOnOrAfter?: Date;
  /** Attribute values by attribute Name, in document order. */
  attributes: Map<string, string[]>;
  /** The private key that decrypted the assertion; undefined for a plaintext assertion. */
  decryptedWith?: string;
}

/**
 * Verifies a SAML Response by structure, signature, issuer, audience, recipient and time, and
 * reads the assertion from the same DOM. Identity is taken only from the single Assertion that
 * is a direct child of the Response and is covered by a verified signature: its own, or, when
 * the provider allows it, the Response's. Anything else that looks like an assertion, a second
 * signature or a duplicate ID makes the response invalid.
 */
export function verifySamlResponse(xml: string, provider: SamlProviderKeys, expect: SamlExpectations): VerifiedAssertion {
  const document = parseSamlXml(xml);
  const response = document.documentElement!;
  if (response.namespaceURI !== NS.protocol || response.localName !== "Response") {
    throw invalid("The SAML document is not a SAML 2.0 Response.");
  }
  if (response.getAttribute("Version") !== "2.0") throw invalid("The SAML response is not version 2.0.");

  const elements = allElements(response);
  checkUniqueIds(elements);
  const isAssertion = (element: Element) => element.namespaceURI === NS.assertion && element.localName === "Assertion";
  const isEncrypted = (element: Element) => element.namespaceURI === NS.assertion && element.localName === "EncryptedAssertion";
  const direct = childElements(response, NS.assertion, "Assertion");
  const directEncrypted = childElements(response, NS.assertion, "EncryptedAssertion");
  const anywhere = elements.filter((element) => isAssertion(element) || isEncrypted(element));
  if (anywhere.length !== 1 || direct.length + directEncrypted.length !== 1) {
    throw invalid("The SAML response must contain exactly one assertion, as a direct child of the Response.");
  }

  const signatureOptions = { allowLegacy: provider.allowLegacySignatures === true };
  const responseSigned = verifyEnvelopedSignature(xml, response, provider.signingCertificates, expect.now, "response", signatureOptions);
  const outerSignatures = elements.filter(isSignature).length;
  let assertion: Element;
  let assertionSigned: boolean;
  let decryptedWith: string | undefined;
  if (directEncrypted.length === 1) {
    const keys = provider.decryptionKeys ?? [];
    if (keys.length === 0) throw invalid("The SAML assertion is encrypted, but the provider has no private key to decrypt it.");
    const decrypted = decryptAssertion(directEncrypted[0]!, keys);
    decryptedWith = decrypted.privateKey;
    // The plaintext is a new document, checked like the outer one: IDs unique across both, one assertion, signatures only on it.
    assertion = parseSamlXml(decrypted.xml).documentElement!;
    const inner = allElements(assertion);
    checkUniqueIds([...elements, ...inner]);
    if (!isAssertion(assertion) || inner.filter((element) => isAssertion(element) || isEncrypted(element)).length !== 1) {
      throw invalid("The encrypted SAML assertion does not contain exactly one assertion.");
    }
    assertionSigned = verifyEnvelopedSignature(decrypted.xml, assertion, provider.signingCertificates, expect.now, "assertion", signatureOptions);
    if (inner.filter(isSignature).length !== Number(assertionSigned) || outerSignatures !== Number(responseSigned)) {
      throw invalid("The SAML response contains a signature outside the Response and the Assertion.");
    }
  } else {
    if (provider.requireEncryption) throw invalid("The SAML provider requires encrypted assertions.");
    assertion = direct[0]!;
    assertionSigned = verifyEnvelopedSignature(xml, assertion, provider.signingCertificates, expect.now, "assertion", signatureOptions);
    if (outerSignatures !== Number(responseSigned) + Number(assertionSigned)) {
      throw invalid("The SAML response contains a signature outside the Response and the Assertion.");
    }
  }
  if (!assertionSigned && !(responseSigned && provider.allowResponseOnlySigning)) {
    throw invalid(
      responseSigned
        ? "The SAML assertion is not signed, and the provider does not accept a signature on the Response alone."
        : "The SAML response is not signed.",
    );
  }

  const responseIssuer = onlyChild(response, NS.assertion, "Issuer", "Issuer on the Response");
  if (responseIssuer && textOnly(responseIssuer, "Issuer") !== provider.entityId) {
    throw invalid("Issuer not present in specified provider");
  }
  const status = onlyChild(response, NS.protocol, "Status", "Status");
  const statusCode = status && onlyChild(status, NS.protocol, "StatusCode", "StatusCode");
  if (statusCode?.getAttribute("Value") !== SUCCESS) throw invalid("The SAML response does not report success.");
  const destination = response.getAttribute("Destination");
  if (destination && !acceptsRecipient(destination, expect)) {
    throw invalid("The SAML response is addressed to another destination.");
  }

  const verified = readAssertion(assertion, provider, expect);
  return decryptedWith === undefined ? verified : { ...verified, decryptedWith };
}

function isSignature(element: Element): boolean {
  return element.namespaceURI === NS.dsig && element.localName === "Signature";
}

function readAssertion(assertion: Element, provider: SamlProviderKeys, expect: SamlExpectations): VerifiedAssertion {
  if (assertion.getAttribute("Version") !== "2.0") throw invalid("The SAML assertion is not version 2.0.");
  const issuerElement = onlyChild(assertion, NS.assertion, "Issuer", "Issuer on the assertion");
  if (!issuerElement || textOnly(issuerElement, "Issuer") !== provider.entityId) {
    throw invalid("Issuer not present in specified provider");
  }

  const subject = onlyChild(assertion, NS.assertion, "Subject", "Subject");
  const nameIdElement = subject && onlyChild(subject, NS.assertion, "NameID", "NameID");
  if (!subject || !nameIdElement) throw new ServiceError("AccessDenied", "The SAML assertion has no NameID in its Subject.");
  const nameId = textOnly(nameIdElement, "NameID");
  if (nameId.length === 0) throw new ServiceError("AccessDenied", "The SAML assertion has an empty NameID.");

  const confirmations = childElements(subject, NS.assertion, "SubjectConfirmation");
  if (confirmations.length !== 1 || confirmations[0]!.getAttribute("Method") !== BEARER) {
    throw invalid("The SAML assertion must have exactly one bearer SubjectConfirmation.");
  }
  const data = onlyChild(confirmations[0]!, NS.assertion, "SubjectConfirmationData", "SubjectConfirmationData");
  const recipient = data?.getAttribute("Recipient");
  const confirmationEnd = readTime(data?.getAttribute("NotOnOrAfter"), "SubjectConfirmationData NotOnOrAfter");
  if (!data || !recipient || confirmationEnd === undefined) {
    throw invalid("The SAML subject confirmation must carry NotOnOrAfter and Recipient.");
  }
  if (!acceptsRecipient(recipient, expect)) throw invalid("The SAML assertion is addressed to another recipient.");
  checkWindow(readTime(data.getAttribute("NotBefore"), "SubjectConfirmationData NotBefore"), confirmationEnd, expect);

  const conditions = onlyChild(assertion, NS.assertion, "Conditions", "Conditions");
  if (!conditions) throw invalid("The SAML assertion has no Conditions.");
  const conditionsEnd = readTime(conditions.getAttribute("NotOnOrAfter"), "Conditions NotOnOrAfter");
  if (conditionsEnd === undefined) throw invalid("The SAML assertion's Conditions must carry NotOnOrAfter.");
  checkWindow(readTime(conditions.getAttribute("NotBefore"), "Conditions NotBefore"), conditionsEnd, expect);
  const restrictions = childElements(conditions, NS.assertion, "AudienceRestriction");
  if (restrictions.length === 0) throw invalid("Response does not contain the required audience");
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.assertion, "Audience").map((element) => textOnly(element, "Audience"));
    if (!audiences.some((audience) => expect.audiences.includes(audience))) {
      throw invalid("Response does not contain the required audience");
    }
  }

  const authn = onlyChild(assertion, NS.assertion, "AuthnStatement", "AuthnStatement");
  const sessionNotOnOrAfter = authn ? readTime(authn.getAttribute("SessionNotOnOrAfter"), "SessionNotOnOrAfter") : undefined;
  const format = nameIdElement.getAttribute("Format");
  const end = new Date(Math.min(conditionsEnd.getTime(), confirmationEnd.getTime()));
  return {
    assertionId: assertion.getAttribute("ID")!,
    issuer: provider.entityId,
    nameId,
    ...(format ? { nameIdFormat: format } : {}),
    recipient,
    notOnOrAfter: end,
    ...(sessionNotOnOrAfter ? { sessionNotOnOrAfter } : {}),
    attributes: readAttributes(assertion),
  };
}

function readAttributes(assertion: Element): Map<string, string[]> {
  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, NS.assertion, "AttributeStatement")) {
    for (const attribute of childElements(statement, NS.assertion, "Attribute")) {
      const name = attribute.getAttribute("Name");
      if (!name) throw invalid("A SAML attribute has no Name.");
      if (attributes.has(name)) throw invalid(`The SAML attribute ${JSON.stringify(name)} appears twice.`);
      attributes.set(
        name,
        childElements(attribute, NS.assertion, "AttributeValue").map((value) => textOnly(value, `value of attribute ${JSON.stringify(name)}`)),
      );
    }
  }
  return attributes;
}

function acceptsRecipient(value: string, expect: SamlExpectations): boolean {
  return expect.recipients.includes(value) || (expect.recipients.includes(AWS_SIGNIN_ENDPOINT) && AWS_REGIONAL_SIGNIN.test(value));
}

function checkUniqueIds(elements: readonly Element[]): void {
  const seen = new Set<string>();
  for (const element of elements) {
    for (const name of ["ID", "Id", "id"]) {
      const value = element.getAttribute(name);
      if (!value) continue;
      if (seen.has(value)) throw invalid("The SAML response contains the same ID twice.");
      seen.add(value);
    }
  }
}

/** Reads an xs:dateTime; only the UTC forms that SAML requires are accepted. */
function readTime(value: string | null | undefined, what: string): Date | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value)) throw invalid(`${what} of the SAML assertion is not a UTC time.`);
  const time = new Date(value.replace(/(\.\d{3})\d+Z$/, "$1Z"));
  if (Number.isNaN(time.getTime())) throw invalid(`${what} of the SAML assertion is not a valid time.`);
  return time;
}

function checkWindow(notBefore: Date | undefined, notOnOrAfter: Date | undefined, expect: SamlExpectations): void {
  const skew = expect.clockSkewSeconds * 1000;
  const now = expect.now.getTime();
  if (notBefore && notBefore.getTime() - skew > now) throw invalid("The SAML assertion is not valid yet.");
  if (notOnOrAfter && notOnOrAfter.getTime() + skew <= now) {
    throw new ServiceError("ExpiredTokenException", "The SAML assertion has expired: its NotOnOrAfter time has passed.");
  }
}
