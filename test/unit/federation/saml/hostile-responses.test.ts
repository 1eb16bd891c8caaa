import { createHash, X509Certificate } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import samlify from "samlify";
import { SignedXml } from "xml-crypto";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { confirmWithSamlify } from "../../../../shared/federation/saml/samlify-check.js";
import type { SigningCertificate } from "../../../../shared/federation/saml/signature.js";
import {
  type SamlExpectations,
  type SamlProviderKeys,
  type VerifiedAssertion,
  verifySamlResponse,
} from "../../../../shared/federation/saml/verify-response.js";
import { decodeSamlResponse, NS } from "../../../../shared/federation/saml/xml-document.js";
import { type ErrorCode, ServiceError } from "../../../../shared/protocol/errors.js";
import { AWS_SAML_ENDPOINT, AWS_SP_ENTITY_ID, createTestSamlIdp, generateCertificate, type KeyPair } from "../../../support/saml-idp.js";

/**
 * A corpus of hostile SAML responses, each decoded and verified with the clock fixed at NOW.
 * A response that passes our checks also goes through samlify, as AssumeRoleWithSAML does.
 * Valid responses are part of the table, so a verifier that rejects everything fails it.
 */

const NOW = new Date("2026-05-01T12:00:00Z");
const SKEW_SECONDS = 120;
const EXPECTATIONS: SamlExpectations = {
  audiences: [AWS_SP_ENTITY_ID],
  recipients: [AWS_SAML_ENDPOINT],
  clockSkewSeconds: SKEW_SECONDS,
  now: NOW,
};

const ENTITY_ID = "https://idp.example.com/saml";
const ALICE = "alice@example.com";
/** The NameID an attacker wants read. No error message may repeat it. */
const EVIL = "mallory@evil.example";
const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";
const ROLE_PAIR = "arn:aws:iam::111122223333:role/saml-target,arn:aws:iam::111122223333:saml-provider/corp";
const POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
const BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

const RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
const HMAC_SHA1 = "http://www.w3.org/2000/09/xmldsig#hmac-sha1";
const RSA_MD5 = "http://www.w3.org/2001/04/xmldsig-more#rsa-md5";
const SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256";
const SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const EXC_C14N_WITH_COMMENTS = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
const XPATH_TRANSFORM = "http://www.w3.org/TR/1999/REC-xpath-19991116";
const XSLT_TRANSFORM = "http://www.w3.org/TR/1999/REC-xslt-19991116";

/** The exclusive canonicalization transform as xml-crypto writes it, for edits of signed text. */
const EXC_C14N_TRANSFORM_XML = `<ds:Transform Algorithm="${EXC_C14N}"/>`;

/** Returns NOW moved by `seconds`, as an xs:dateTime. */
function at(seconds: number): string {
  return new Date(NOW.getTime() + seconds * 1000).toISOString();
}

function encode(xml: string): string {
  return Buffer.from(xml, "utf8").toString("base64");
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Replaces the only occurrence of `search`, so that an edit of signed text cannot miss silently. */
function replaceOnce(text: string, search: string, replacement: string): string {
  const first = text.indexOf(search);
  if (first < 0 || text.indexOf(search, first + 1) >= 0) throw new Error(`expected exactly one occurrence of ${search}`);
  return text.slice(0, first) + replacement + text.slice(first + search.length);
}

// ---------------------------------------------------------------------------------------------
// Hand-made responses, signed with xml-crypto where a case needs a specific algorithm or shape.

let idCounter = 0;
function nextId(kind: string): string {
  idCounter += 1;
  return `_${kind}-${idCounter}`;
}

interface ResponseParts {
  responseId: string;
  assertionId: string;
  /** Escaped text of the Response's Issuer, or undefined to leave the element out. */
  responseIssuer: string | undefined;
  assertionIssuer: string;
  destination: string | undefined;
  statusCode: string;
  /** Content of NameID as XML, so that a case can place comments or elements in it. Undefined leaves NameID out. */
  nameIdXml: string | undefined;
  confirmationsXml: string;
  conditionsXml: string;
  /** Content of an Advice element of the assertion, or undefined to leave Advice out. */
  adviceXml: string | undefined;
  attributesXml: string;
  /** Elements after the Assertion, as direct children of the Response. */
  afterAssertionXml: string;
}

interface ConfirmationOptions {
  method?: string;
  notBefore?: string;
  /** A time, or null to leave the attribute out. */
  notOnOrAfter?: string | null;
  recipient?: string;
}

function confirmation(options: ConfirmationOptions = {}): string {
  const notBefore = options.notBefore === undefined ? "" : ` NotBefore="${options.notBefore}"`;
  const notOnOrAfter = options.notOnOrAfter === null ? "" : ` NotOnOrAfter="${options.notOnOrAfter ?? at(300)}"`;
  const recipient = escapeXml(options.recipient ?? AWS_SAML_ENDPOINT);
  return (
    `<saml:SubjectConfirmation Method="${options.method ?? BEARER}">` +
    `<saml:SubjectConfirmationData${notBefore}${notOnOrAfter} Recipient="${recipient}"/></saml:SubjectConfirmation>`
  );
}

interface ConditionsOptions {
  /** A time, or null to leave the attribute out. */
  notBefore?: string | null;
  notOnOrAfter?: string | null;
  /** Audiences of each AudienceRestriction. */
  audiences?: string[][];
}

function conditions(options: ConditionsOptions = {}): string {
  const notBefore = options.notBefore === null ? "" : ` NotBefore="${options.notBefore ?? at(-60)}"`;
  const notOnOrAfter = options.notOnOrAfter === null ? "" : ` NotOnOrAfter="${options.notOnOrAfter ?? at(300)}"`;
  const restrictions = (options.audiences ?? [[AWS_SP_ENTITY_ID]])
    .map((list) => `<saml:AudienceRestriction>${list.map((audience) => `<saml:Audience>${escapeXml(audience)}</saml:Audience>`).join("")}</saml:AudienceRestriction>`)
    .join("");
  return `<saml:Conditions${notBefore}${notOnOrAfter}>${restrictions}</saml:Conditions>`;
}

function attribute(name: string, values: string[]): string {
  const valueXml = values.map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue>`).join("");
  return `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${valueXml}</saml:Attribute>`;
}

const DEFAULT_ATTRIBUTES = attribute(ROLE_ATTRIBUTE, [ROLE_PAIR]) + attribute(SESSION_NAME_ATTRIBUTE, ["alice"]);

/** Returns the parts of a valid response for ALICE, with `changes` applied. */
function parts(changes: Partial<ResponseParts> = {}): ResponseParts {
  return {
    responseId: nextId("response"),
    assertionId: nextId("assertion"),
    responseIssuer: escapeXml(ENTITY_ID),
    assertionIssuer: escapeXml(ENTITY_ID),
    destination: AWS_SAML_ENDPOINT,
    statusCode: SUCCESS,
    nameIdXml: escapeXml(ALICE),
    confirmationsXml: confirmation(),
    conditionsXml: conditions(),
    adviceXml: undefined,
    attributesXml: DEFAULT_ATTRIBUTES,
    afterAssertionXml: "",
    ...changes,
  };
}

/** Renders an assertion in schema order: Issuer, Subject, Conditions, Advice and the statements. */
function renderAssertion(content: ResponseParts): string {
  const nameId = content.nameIdXml === undefined ? "" : `<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${content.nameIdXml}</saml:NameID>`;
  return (
    `<saml:Assertion xmlns:xsi="${NS.xsi}" xmlns:xs="http://www.w3.org/2001/XMLSchema" ID="${content.assertionId}" Version="2.0" IssueInstant="${at(0)}">` +
    `<saml:Issuer>${content.assertionIssuer}</saml:Issuer>` +
    `<saml:Subject>${nameId}${content.confirmationsXml}</saml:Subject>` +
    content.conditionsXml +
    (content.adviceXml === undefined ? "" : `<saml:Advice>${content.adviceXml}</saml:Advice>`) +
    `<saml:AuthnStatement AuthnInstant="${at(0)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${content.attributesXml}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

function renderResponse(content: ResponseParts): string {
  const destination = content.destination === undefined ? "" : ` Destination="${escapeXml(content.destination)}"`;
  return (
    `<samlp:Response xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${content.responseId}" Version="2.0" IssueInstant="${at(0)}"${destination}>` +
    (content.responseIssuer === undefined ? "" : `<saml:Issuer>${content.responseIssuer}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${content.statusCode}"/></samlp:Status>` +
    renderAssertion(content) +
    content.afterAssertionXml +
    `</samlp:Response>`
  );
}

type SignedElement = "Assertion" | "Response";

const ELEMENT_PATH: Record<SignedElement, string> = {
  Response: "/*[local-name(.)='Response']",
  Assertion: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
};

interface SignOptions {
  /** The key that signs. For HMAC, its private key text is the shared secret. */
  key: KeyPair;
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  canonicalization?: string;
  transforms?: string[];
  /** Certificate written into KeyInfo, the signing key's own unless set. Null writes no KeyInfo. */
  keyInfoCertificate?: string | null;
  /** The element the Reference points at, when it is not the element that carries the signature. */
  reference?: SignedElement;
  /** A second Reference, to this element. */
  secondReference?: SignedElement;
  emptyUri?: boolean;
}

/** Signs `target` with an enveloped signature placed right after its Issuer, as SAML's schema orders it. */
function sign(xml: string, target: SignedElement, options: SignOptions): string {
  const hmac = options.signatureAlgorithm === HMAC_SHA1;
  const keyInfoCertificate = options.keyInfoCertificate === undefined ? options.key.certificate : options.keyInfoCertificate;
  const signer = new SignedXml({
    privateKey: options.key.privateKey,
    ...(keyInfoCertificate === null || hmac ? {} : { publicCert: keyInfoCertificate }),
    signatureAlgorithm: options.signatureAlgorithm ?? RSA_SHA256,
    canonicalizationAlgorithm: options.canonicalization ?? EXC_C14N,
  });
  if (hmac) signer.enableHMAC();
  const transforms = options.transforms ?? [ENVELOPED, EXC_C14N];
  const digestAlgorithm = options.digestAlgorithm ?? SHA256;
  signer.addReference({ xpath: ELEMENT_PATH[options.reference ?? target], transforms, digestAlgorithm, isEmptyUri: options.emptyUri ?? false });
  if (options.secondReference) signer.addReference({ xpath: ELEMENT_PATH[options.secondReference], transforms, digestAlgorithm });
  signer.computeSignature(xml, { prefix: "ds", location: { reference: `${ELEMENT_PATH[target]}/*[local-name(.)='Issuer']`, action: "after" } });
  return signer.getSignedXml();
}

/** Renders a response from `changes` and signs its assertion with `options` (the main key unless set). */
function signedAssertion(kit: Kit, changes: Partial<ResponseParts> = {}, options: Partial<SignOptions> = {}): string {
  return encode(signedAssertionXml(kit, changes, options));
}

function signedAssertionXml(kit: Kit, changes: Partial<ResponseParts> = {}, options: Partial<SignOptions> = {}): string {
  return sign(renderResponse(parts(changes)), "Assertion", { key: kit.main, ...options });
}

// ---------------------------------------------------------------------------------------------
// DOM edits of signed responses.

function parseXml(xml: string): Document {
  return new DOMParser().parseFromString(xml, "text/xml") as unknown as Document;
}

function serialize(node: Node): string {
  return new XMLSerializer().serializeToString(node as never);
}

function childOf(parent: Element, namespace: string, localName: string): Element | undefined {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName) return node as Element;
  }
  return undefined;
}

function requireChild(parent: Element, namespace: string, localName: string): Element {
  const found = childOf(parent, namespace, localName);
  if (!found) throw new Error(`${parent.localName} has no ${localName} child`);
  return found;
}

function descendants(root: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  const list = root.getElementsByTagNameNS(namespace, localName);
  for (let index = 0; index < list.length; index++) found.push(list.item(index)!);
  return found;
}

/** Inserts `node` as the next sibling of `element`'s Issuer, where a signature belongs. */
function insertAfterIssuer(element: Element, node: Node): void {
  const issuer = requireChild(element, NS.assertion, "Issuer");
  element.insertBefore(node, issuer.nextSibling);
}

/** Replaces `original` by `replacement` in its parent, which may be the document. */
function replaceNode(original: Element, replacement: Element): void {
  original.parentNode!.replaceChild(replacement, original);
}

/** Copies `element` deeply without its own signature, keeping its ID. */
function unsignedCopy(element: Element): Element {
  const copy = element.cloneNode(true) as Element;
  const signature = childOf(copy, NS.dsig, "Signature");
  if (signature) copy.removeChild(signature);
  return copy;
}

/**
 * Copies a signed element as an attacker would: unsigned, with new IDs and EVIL as every NameID,
 * so that a reader who takes the first or the outermost assertion reads EVIL.
 */
function evilCopy(element: Element): Element {
  const copy = unsignedCopy(element);
  copy.setAttribute("ID", nextId("evil"));
  for (const assertion of descendants(copy, NS.assertion, "Assertion")) {
    assertion.setAttribute("ID", nextId("evil-assertion"));
    const signature = childOf(assertion, NS.dsig, "Signature");
    if (signature) assertion.removeChild(signature);
  }
  for (const nameId of [...descendants(copy, NS.assertion, "NameID")]) nameId.textContent = EVIL;
  return copy;
}

/**
 * Places of the original, signed element and of the attacker's copy in signature wrapping. The
 * numbers are this corpus's own, and WRAPPING_SHAPES describes each.
 */
type WrappingShape = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const WRAPPING_SHAPES: Record<WrappingShape, string> = {
  1: "the evil element carries the signature, which contains the unsigned original",
  2: "the evil element carries the signature, with the unsigned original just before it",
  3: "the evil element comes first, the signed original after it",
  4: "the evil element wraps the signed original",
  5: "the evil element carries the signature, the unsigned original ends the document",
  6: "the evil element carries the signature, the unsigned original is inside KeyInfo",
  7: "the evil element stands unsigned, the signed original is inside Extensions",
  8: "the evil element carries the signature, the unsigned original is inside a ds:Object",
};

/**
 * Applies one signature wrapping shape to the signed `target` of a samlify response: the evil
 * copy takes the place a naive reader looks at, and the original, whose signature still verifies
 * over it, moves elsewhere.
 */
function wrapSignedElement(xml: string, target: SignedElement, shape: WrappingShape): string {
  const document = parseXml(xml);
  const response = document.documentElement!;
  const original = target === "Response" ? response : requireChild(response, NS.assertion, "Assertion");
  const signature = requireChild(original, NS.dsig, "Signature");
  const evil = evilCopy(original);
  const stripped = unsignedCopy(original);

  switch (shape) {
    case 1:
      replaceNode(original, evil);
      insertAfterIssuer(evil, signature);
      signature.appendChild(stripped);
      break;
    case 2:
      replaceNode(original, evil);
      insertAfterIssuer(evil, signature);
      evil.insertBefore(stripped, signature);
      break;
    case 3:
      // A document has one root, so a Response placed before the signed Response makes two roots.
      if (target === "Response") return serialize(evil) + serialize(original);
      response.insertBefore(evil, original);
      break;
    case 4:
      replaceNode(original, evil);
      evil.appendChild(original);
      break;
    case 5:
      replaceNode(original, evil);
      insertAfterIssuer(evil, signature);
      document.documentElement!.appendChild(stripped);
      break;
    case 6:
      replaceNode(original, evil);
      insertAfterIssuer(evil, signature);
      requireChild(signature, NS.dsig, "KeyInfo").appendChild(stripped);
      break;
    case 7: {
      replaceNode(original, evil);
      const root = document.documentElement!;
      const extensions = document.createElementNS(NS.protocol, "samlp:Extensions");
      extensions.appendChild(original);
      insertAfterIssuer(root, extensions);
      break;
    }
    case 8: {
      replaceNode(original, evil);
      insertAfterIssuer(evil, signature);
      const object = document.createElementNS(NS.dsig, "ds:Object");
      object.appendChild(stripped);
      signature.appendChild(object);
      break;
    }
  }
  return serialize(document);
}

/** Inserts the element `fragment` into the Response right after its Issuer, or after its signature when it has one. */
function insertIntoResponse(xml: string, fragment: string): string {
  const document = parseXml(xml);
  const response = document.documentElement!;
  const node = parseXml(fragment).documentElement!;
  const imported = document.importNode(node as never, true) as unknown as Node;
  const anchor = childOf(response, NS.dsig, "Signature") ?? requireChild(response, NS.assertion, "Issuer");
  response.insertBefore(imported, anchor.nextSibling);
  return serialize(document);
}

/** Adds an unsigned copy of the assertion, naming EVIL, before or after the signed one. */
function withExtraAssertion(xml: string, position: "before" | "after"): string {
  const document = parseXml(xml);
  const response = document.documentElement!;
  const original = requireChild(response, NS.assertion, "Assertion");
  const evil = evilCopy(original);
  response.insertBefore(evil, position === "before" ? original : original.nextSibling);
  return serialize(document);
}

/** Moves the signed assertion into the Advice of an unsigned evil assertion that takes its place. */
function signedAssertionInAdvice(xml: string): string {
  const document = parseXml(xml);
  const response = document.documentElement!;
  const original = requireChild(response, NS.assertion, "Assertion");
  const evil = evilCopy(original);
  replaceNode(original, evil);
  const advice = document.createElementNS(NS.assertion, "saml:Advice");
  advice.appendChild(original);
  evil.insertBefore(advice, requireChild(evil, NS.assertion, "AuthnStatement"));
  return serialize(document);
}

/**
 * Signs a response for the NameID `admin@corp.com.evil.com` and then inserts `insertion` after
 * `admin@corp.com`, replacing `replaced`. Canonicalization drops comments and CDATA markup, so the
 * signature still verifies, while a reader of the first text node would see `admin@corp.com`.
 */
function splitSignedNameId(kit: Kit, insertion: string, replaced = ""): string {
  const signed = signedAssertionXml(kit, { nameIdXml: "admin@corp.com.evil.com" });
  return replaceOnce(signed, `admin@corp.com${replaced}`, `admin@corp.com${insertion}`);
}

/** Computes the SHA-256 digest of `element` under the enveloped signature and exclusive c14n transforms. */
function digestOf(element: Element): string {
  const canonical = new SignedXml().getCanonXml([ENVELOPED, EXC_C14N], element.cloneNode(true) as Node);
  return createHash("sha256").update(canonical).digest("base64");
}

/**
 * Changes the NameID of the signed assertion to EVIL and puts the digest of the changed
 * assertion in a comment before the original DigestValue text. A verifier that reads the first
 * child of DigestValue finds a matching digest, while the signature over SignedInfo, which is
 * canonicalized without comments, still verifies.
 */
function digestValueCommentAttack(xml: string): string {
  const document = parseXml(xml);
  const assertion = requireChild(document.documentElement!, NS.assertion, "Assertion");
  const digestValue = descendants(assertion, NS.dsig, "DigestValue")[0]!;
  const originalDigest = digestValue.textContent!;
  if (digestOf(assertion) !== originalDigest) throw new Error("the digest helper does not reproduce the signed DigestValue");
  descendants(assertion, NS.assertion, "NameID")[0]!.textContent = EVIL;
  digestValue.insertBefore(document.createComment(digestOf(assertion)), digestValue.firstChild);
  return serialize(document);
}

// ---------------------------------------------------------------------------------------------
// Providers and the corpus.

interface Kit {
  main: KeyPair;
  /** The next key of the same provider, for certificate rollover. */
  next: KeyPair;
  /** A key that no provider trusts. */
  attacker: KeyPair;
  rsa1024: KeyPair;
  rsa512: KeyPair;
  /** samlify responses for ALICE, signed on the assertion, on the Response, or on both. */
  assertionSignedXml: string;
  responseSignedXml: string;
  bothSignedXml: string;
}

interface ProviderSetup {
  keys: SamlProviderKeys;
  /** Metadata of the same certificates, which samlify verifies against. */
  metadata: string;
}

/** Returns the certificate with the end of its validity, as the provider record stores it. */
function current(pair: KeyPair): SigningCertificate {
  return { pem: pair.certificate, notAfter: new Date(new X509Certificate(pair.certificate).validTo).toISOString() };
}

function expired(pair: KeyPair): SigningCertificate {
  return { pem: pair.certificate, notAfter: at(-86_400) };
}

function trusting(certificates: SigningCertificate[], flags: Partial<SamlProviderKeys> = {}): ProviderSetup {
  const entityId = flags.entityId ?? ENTITY_ID;
  const metadata = samlify
    .IdentityProvider({
      entityID: entityId,
      signingCert: certificates.map((certificate) => certificate.pem),
      singleSignOnService: [{ Binding: POST_BINDING, Location: "https://idp.example.com/saml/sso" }],
      singleLogoutService: [{ Binding: POST_BINDING, Location: "https://idp.example.com/saml/slo" }],
    })
    .getMetadata();
  return { keys: { entityId, signingCertificates: certificates, ...flags }, metadata };
}

interface HostileCase {
  name: string;
  /** Returns the SAMLAssertion parameter: a base64 SAML Response. */
  build(kit: Kit): string;
  /** The error code, or `accepted` for a response that both verifications must accept. */
  expected: ErrorCode | "accepted";
  /** The provider record, the main key with default options unless set. */
  provider?: (kit: Kit) => ProviderSetup;
  /** The NameID read from an accepted response, ALICE unless set. */
  nameId?: string;
  /** The issuer read from an accepted response, ENTITY_ID unless set. */
  issuer?: string;
  /** A NameID that the error message must not repeat, EVIL unless set. */
  evilNameId?: string;
  /** The rejection must come before any XML parser parses the document. */
  beforeParsing?: boolean;
  /**
   * Part of the error message that names the rule, for cases whose edit also breaks the
   * signature: without it, a rejection for the broken digest would pass the case.
   */
  reason?: RegExp;
}

const MAIN_KEY_ONLY = (kit: Kit) => trusting([current(kit.main)]);
const RESPONSE_ONLY = (kit: Kit) => trusting([current(kit.main)], { allowResponseOnlySigning: true });
const LEGACY = (kit: Kit) => trusting([current(kit.main)], { allowLegacySignatures: true });

function wrappingCases(target: SignedElement): HostileCase[] {
  return ([1, 2, 3, 4, 5, 6, 7, 8] as const).map((shape) => ({
    name: `XSW${shape} on ${target.toLowerCase()} signature`,
    expected: "InvalidIdentityToken",
    build: (kit: Kit) => encode(wrapSignedElement(target === "Response" ? kit.responseSignedXml : kit.assertionSignedXml, target, shape)),
    ...(target === "Response" ? { provider: RESPONSE_ONLY } : {}),
  }));
}

/** Builds one case per side of the clock skew boundary for a time attribute. */
function boundaryCases(label: string, accepted: Partial<ResponseParts>, rejected: Partial<ResponseParts>, code: ErrorCode): HostileCase[] {
  return [
    { name: `${label} at skew edge`, expected: "accepted", build: (kit) => signedAssertion(kit, accepted) },
    { name: `${label} past skew edge`, expected: code, build: (kit) => signedAssertion(kit, rejected) },
  ];
}

const MARKUP_NAME_ID = "o'brien&co<admin>]]>@example.com";
const MARKUP_ENTITY_ID = "https://idp.example.com/saml?realm=a&b<c>]]>";
const OTHER_SP = "https://sp.example.org/saml/acs";

const CASES: HostileCase[] = [
  // Valid responses: without them a verifier that rejects everything would pass.
  { name: "assertion-signed response accepted", expected: "accepted", build: (kit) => encode(kit.assertionSignedXml) },
  { name: "response signing when allowed", expected: "accepted", provider: RESPONSE_ONLY, build: (kit) => encode(kit.responseSignedXml) },
  { name: "doubly signed response accepted", expected: "accepted", build: (kit) => encode(kit.bothSignedXml) },
  { name: "hand-signed response accepted", expected: "accepted", build: (kit) => signedAssertion(kit) },
  {
    name: "audience list including ours",
    expected: "accepted",
    build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ audiences: [[OTHER_SP, AWS_SP_ENTITY_ID]] }) }),
  },
  {
    name: "regional sign-in recipient accepted",
    expected: "accepted",
    build: (kit) =>
      signedAssertion(kit, {
        destination: "https://eu-west-1.signin.aws.amazon.com/saml",
        confirmationsXml: confirmation({ recipient: "https://eu-west-1.signin.aws.amazon.com/saml" }),
      }),
  },

  // Signature wrapping, once with the signature on the assertion and once on the Response.
  ...wrappingCases("Assertion"),
  ...wrappingCases("Response"),

  // Signatures over the wrong reference.
  {
    name: "reference to the response",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, {}, { reference: "Response" }),
  },
  { name: "empty reference URI", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, {}, { emptyUri: true }) },
  { name: "two references", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, {}, { secondReference: "Response" }) },
  {
    name: "response and assertion share ID",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { responseId: "_shared-id", assertionId: "_shared-id" }),
  },
  {
    name: "assertion ID on injected element",
    expected: "InvalidIdentityToken",
    build: (kit) => {
      const id = parseXml(kit.assertionSignedXml).getElementsByTagNameNS(NS.assertion, "Assertion").item(0)!.getAttribute("ID")!;
      return encode(insertIntoResponse(kit.assertionSignedXml, `<samlp:Extensions xmlns:samlp="${NS.protocol}"><x:Claim xmlns:x="urn:example:evil" ID="${id}">${EVIL}</x:Claim></samlp:Extensions>`));
    },
  },
  {
    name: "assertion ID as Id attribute",
    expected: "InvalidIdentityToken",
    build: (kit) => {
      const id = parseXml(kit.assertionSignedXml).getElementsByTagNameNS(NS.assertion, "Assertion").item(0)!.getAttribute("ID")!;
      return encode(insertIntoResponse(kit.assertionSignedXml, `<samlp:Extensions xmlns:samlp="${NS.protocol}"><x:Claim xmlns:x="urn:example:evil" Id="${id}">${EVIL}</x:Claim></samlp:Extensions>`));
    },
  },

  // Unsigned assertions and extra assertions.
  { name: "unsigned assertion by default", expected: "InvalidIdentityToken", build: (kit) => encode(kit.responseSignedXml) },
  { name: "unsigned response and assertion", expected: "InvalidIdentityToken", provider: RESPONSE_ONLY, build: () => encode(renderResponse(parts())) },
  { name: "extra unsigned assertion before", expected: "InvalidIdentityToken", build: (kit) => encode(withExtraAssertion(kit.assertionSignedXml, "before")) },
  { name: "extra unsigned assertion after", expected: "InvalidIdentityToken", build: (kit) => encode(withExtraAssertion(kit.assertionSignedXml, "after")) },
  {
    name: "signed response with two assertions",
    expected: "InvalidIdentityToken",
    provider: RESPONSE_ONLY,
    build: (kit) => {
      const evil = renderAssertion(parts({ nameIdXml: EVIL }));
      return encode(sign(renderResponse(parts({ afterAssertionXml: evil })), "Response", { key: kit.main }));
    },
  },
  { name: "signed assertion inside Advice", expected: "InvalidIdentityToken", build: (kit) => encode(signedAssertionInAdvice(kit.assertionSignedXml)) },
  {
    name: "evil assertion inside signed Advice",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { adviceXml: renderAssertion(parts({ nameIdXml: EVIL })) }),
  },
  {
    name: "Assertion plus EncryptedAssertion",
    expected: "InvalidIdentityToken",
    build: (kit) =>
      signedAssertion(kit, {
        afterAssertionXml:
          `<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">` +
          `<xenc:CipherData><xenc:CipherValue>AAAA</xenc:CipherValue></xenc:CipherData></xenc:EncryptedData></saml:EncryptedAssertion>`,
      }),
  },

  // NameID injection: the signed text is the whole value, and no reader may see a shorter one.
  {
    name: "NameID comment injection",
    expected: "InvalidIdentityToken",
    evilNameId: "admin@corp.com",
    build: (kit) => encode(splitSignedNameId(kit, "<!---->")),
  },
  {
    name: "NameID with child element",
    expected: "InvalidIdentityToken",
    evilNameId: "admin@corp.com",
    build: (kit) => signedAssertion(kit, { nameIdXml: `admin@corp.com<x:tail xmlns:x="urn:example:evil">.evil.com</x:tail>` }),
  },
  {
    name: "NameID split by CDATA",
    expected: "InvalidIdentityToken",
    evilNameId: "admin@corp.com",
    beforeParsing: true,
    reason: /CDATA/,
    build: (kit) => encode(splitSignedNameId(kit, "<![CDATA[.evil.com]]>", ".evil.com")),
  },

  // Transforms and canonicalization outside the allow-list.
  {
    name: "WithComments transform",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, {}, { transforms: [ENVELOPED, EXC_C14N_WITH_COMMENTS] }),
  },
  {
    name: "WithComments canonicalization method",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, {}, { canonicalization: EXC_C14N_WITH_COMMENTS }),
  },
  {
    name: "XPath transform",
    expected: "InvalidIdentityToken",
    reason: /transform/,
    build: (kit) =>
      encode(
        replaceOnce(
          signedAssertionXml(kit),
          EXC_C14N_TRANSFORM_XML,
          `<ds:Transform Algorithm="${XPATH_TRANSFORM}"><ds:XPath>not(ancestor-or-self::*[local-name()='NameID'])</ds:XPath></ds:Transform>`,
        ),
      ),
  },
  {
    name: "XSLT transform",
    expected: "InvalidIdentityToken",
    reason: /transform/,
    build: (kit) =>
      encode(
        replaceOnce(
          signedAssertionXml(kit),
          EXC_C14N_TRANSFORM_XML,
          `<ds:Transform Algorithm="${XSLT_TRANSFORM}"><xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"><xsl:template match="/"/></xsl:stylesheet></ds:Transform>`,
        ),
      ),
  },
  {
    name: "unknown transform",
    expected: "InvalidIdentityToken",
    reason: /transform/,
    build: (kit) => encode(replaceOnce(signedAssertionXml(kit), EXC_C14N_TRANSFORM_XML, `<ds:Transform Algorithm="urn:example:identity-transform"/>`)),
  },
  { name: "DigestValue with a comment", expected: "InvalidIdentityToken", build: (kit) => encode(digestValueCommentAttack(kit.assertionSignedXml)) },

  // Weak algorithms and short keys.
  { name: "RSA-SHA1 signature by default", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, {}, { signatureAlgorithm: RSA_SHA1 }) },
  { name: "SHA-1 digest by default", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, {}, { digestAlgorithm: SHA1 }) },
  {
    name: "RSA-SHA1 accepted as legacy",
    expected: "accepted",
    provider: LEGACY,
    build: (kit) => signedAssertion(kit, {}, { signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1 }),
  },
  { name: "SHA-1 digest accepted as legacy", expected: "accepted", provider: LEGACY, build: (kit) => signedAssertion(kit, {}, { digestAlgorithm: SHA1 }) },
  {
    name: "HMAC-SHA1 even as legacy",
    expected: "InvalidIdentityToken",
    provider: LEGACY,
    build: (kit) => signedAssertion(kit, {}, { signatureAlgorithm: HMAC_SHA1, key: { privateKey: kit.main.certificate, certificate: "" } }),
  },
  {
    name: "RSA-MD5 even as legacy",
    expected: "InvalidIdentityToken",
    reason: /signature algorithm/,
    provider: LEGACY,
    build: (kit) => encode(replaceOnce(signedAssertionXml(kit), `Algorithm="${RSA_SHA256}"`, `Algorithm="${RSA_MD5}"`)),
  },
  {
    name: "RSA-1024 key by default",
    expected: "InvalidIdentityToken",
    provider: (kit) => trusting([current(kit.rsa1024)]),
    build: (kit) => signedAssertion(kit, {}, { key: kit.rsa1024 }),
  },
  {
    name: "RSA-1024 key as legacy",
    expected: "accepted",
    provider: (kit) => trusting([current(kit.rsa1024)], { allowLegacySignatures: true }),
    build: (kit) => signedAssertion(kit, {}, { key: kit.rsa1024, signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1 }),
  },
  {
    name: "RSA-512 key even as legacy",
    expected: "InvalidIdentityToken",
    provider: (kit) => trusting([current(kit.rsa512)], { allowLegacySignatures: true }),
    build: (kit) => signedAssertion(kit, {}, { key: kit.rsa512 }),
  },

  // Keys: only the provider's certificates verify, and only until they expire.
  {
    name: "attacker certificate in KeyInfo",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { nameIdXml: EVIL }, { key: kit.attacker }),
  },
  {
    name: "attacker key without KeyInfo",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { nameIdXml: EVIL }, { key: kit.attacker, keyInfoCertificate: null }),
  },
  {
    name: "attacker key, trusted KeyInfo",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { nameIdXml: EVIL }, { key: kit.attacker, keyInfoCertificate: kit.main.certificate }),
  },
  { name: "expired signing certificate", expected: "InvalidIdentityToken", provider: (kit) => trusting([expired(kit.main)]), build: (kit) => signedAssertion(kit) },
  {
    name: "rollover: second certificate signs",
    expected: "accepted",
    provider: (kit) => trusting([current(kit.main), current(kit.next)]),
    build: (kit) => signedAssertion(kit, {}, { key: kit.next }),
  },
  {
    name: "rollover: first expired, second signs",
    expected: "accepted",
    provider: (kit) => trusting([expired(kit.main), current(kit.next)]),
    build: (kit) => signedAssertion(kit, {}, { key: kit.next }),
  },
  {
    name: "rollover: expired certificate signs",
    expected: "InvalidIdentityToken",
    provider: (kit) => trusting([expired(kit.main), current(kit.next)]),
    build: (kit) => signedAssertion(kit),
  },

  // Document type declarations and processing instructions, rejected before parsing.
  {
    name: "DOCTYPE with external entity",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: () =>
      encode(
        `<?xml version="1.0"?><!DOCTYPE samlp:Response [<!ENTITY who SYSTEM "http://169.254.169.254/latest/meta-data/iam/security-credentials/">]>` +
          renderResponse(parts({ nameIdXml: "&who;" })),
      ),
  },
  {
    name: "DOCTYPE with file entity",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: () => encode(`<!DOCTYPE samlp:Response [<!ENTITY who SYSTEM "file:///etc/passwd">]>${renderResponse(parts({ nameIdXml: "&who;" }))}`),
  },
  {
    name: "billion laughs entity bomb",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: () => {
      const levels = ['<!ENTITY lol0 "lol">'];
      for (let level = 1; level <= 9; level++) levels.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
      return encode(`<!DOCTYPE samlp:Response [${levels.join("")}]>${renderResponse(parts({ nameIdXml: "&lol9;" }))}`);
    },
  },
  {
    name: "parameter entity",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: () => encode(`<!DOCTYPE samlp:Response [<!ENTITY % remote SYSTEM "http://169.254.169.254/evil.dtd"> %remote;]>${renderResponse(parts())}`),
  },
  {
    name: "UTF-16 encoded DOCTYPE",
    expected: "InvalidIdentityToken",
    build: () => {
      const xml = `<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE samlp:Response [<!ENTITY who SYSTEM "file:///etc/passwd">]>${renderResponse(parts({ nameIdXml: "&who;" }))}`;
      return Buffer.from(xml, "utf16le").toString("base64");
    },
  },
  {
    name: "processing instruction",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: (kit) => encode(`<?xml-stylesheet type="text/xsl" href="http://169.254.169.254/evil.xsl"?>${signedAssertionXml(kit)}`),
  },

  // Time windows: the skew is 120 seconds on both sides.
  ...boundaryCases(
    "Conditions NotBefore",
    { conditionsXml: conditions({ notBefore: at(SKEW_SECONDS) }) },
    { conditionsXml: conditions({ notBefore: at(SKEW_SECONDS + 1) }) },
    "InvalidIdentityToken",
  ),
  ...boundaryCases(
    "Conditions NotOnOrAfter",
    { conditionsXml: conditions({ notBefore: at(-600), notOnOrAfter: at(-SKEW_SECONDS + 1) }) },
    { conditionsXml: conditions({ notBefore: at(-600), notOnOrAfter: at(-SKEW_SECONDS) }) },
    "ExpiredTokenException",
  ),
  ...boundaryCases(
    "confirmation NotBefore",
    { confirmationsXml: confirmation({ notBefore: at(SKEW_SECONDS) }) },
    { confirmationsXml: confirmation({ notBefore: at(SKEW_SECONDS + 1) }) },
    "InvalidIdentityToken",
  ),
  ...boundaryCases(
    "confirmation NotOnOrAfter",
    { confirmationsXml: confirmation({ notOnOrAfter: at(-SKEW_SECONDS + 1) }) },
    { confirmationsXml: confirmation({ notOnOrAfter: at(-SKEW_SECONDS) }) },
    "ExpiredTokenException",
  ),
  {
    name: "confirmation without NotOnOrAfter",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { confirmationsXml: confirmation({ notOnOrAfter: null }) }),
  },
  {
    name: "Conditions without NotOnOrAfter",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ notOnOrAfter: null }) }),
  },
  { name: "assertion without Conditions", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { conditionsXml: "" }) },
  {
    name: "time without time zone",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ notOnOrAfter: at(300).replace("Z", "") }) }),
  },

  // Audience, recipient, destination, issuer and status: exact comparison.
  { name: "wrong Audience", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ audiences: [[OTHER_SP]] }) }) },
  {
    name: "audience list without ours",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ audiences: [[OTHER_SP, "urn:example:other"]] }) }),
  },
  {
    name: "second AudienceRestriction lacks ours",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { conditionsXml: conditions({ audiences: [[AWS_SP_ENTITY_ID], [OTHER_SP]] }) }),
  },
  { name: "wrong Recipient", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { confirmationsXml: confirmation({ recipient: OTHER_SP }) }) },
  { name: "wrong Destination", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { destination: OTHER_SP }) },
  {
    name: "wrong Issuer on assertion",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { responseIssuer: "https://evil.example/saml", assertionIssuer: "https://evil.example/saml" }),
  },
  { name: "Response Issuer differs", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { responseIssuer: "https://evil.example/saml" }) },
  { name: "Issuer with trailing slash", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { assertionIssuer: `${ENTITY_ID}/` }) },
  {
    name: "Status not Success",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { statusCode: "urn:oasis:names:tc:SAML:2.0:status:Requester" }),
  },

  // Subject confirmation, subject and attributes.
  { name: "no SubjectConfirmation", expected: "InvalidIdentityToken", build: (kit) => signedAssertion(kit, { confirmationsXml: "" }) },
  {
    name: "two SubjectConfirmations",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { confirmationsXml: confirmation() + confirmation({ recipient: OTHER_SP }) }),
  },
  {
    name: "holder-of-key confirmation method",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { confirmationsXml: confirmation({ method: "urn:oasis:names:tc:SAML:2.0:cm:holder-of-key" }) }),
  },
  { name: "Subject without NameID", expected: "AccessDenied", build: (kit) => signedAssertion(kit, { nameIdXml: undefined }) },
  {
    name: "attribute named twice",
    expected: "InvalidIdentityToken",
    build: (kit) => signedAssertion(kit, { attributesXml: DEFAULT_ATTRIBUTES + attribute(ROLE_ATTRIBUTE, ["arn:aws:iam::999999999999:role/evil,arn:aws:iam::999999999999:saml-provider/evil"]) }),
  },

  // Encoding of the SAMLAssertion parameter.
  { name: "invalid base64", expected: "InvalidIdentityToken", beforeParsing: true, build: () => "PHNhbWxwOlJlc3BvbnNl!!!=" },
  {
    name: "base64 without padding",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: (kit) => {
      // White space after the root element is allowed, and it makes the base64 end in padding.
      let xml = signedAssertionXml(kit);
      if (Buffer.byteLength(xml) % 3 === 0) xml += " ";
      return encode(xml).replace(/=+$/, "");
    },
  },
  {
    name: "URL-safe base64 alphabet",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: (kit) => {
      const encoded = signedAssertion(kit);
      const urlSafe = encoded.replace(/\+/g, "-").replace(/\//g, "_");
      if (urlSafe === encoded) throw new Error("the response has no + or / in its base64, so the URL-safe form is the same");
      return urlSafe;
    },
  },
  {
    name: "DEFLATE-compressed payload",
    expected: "InvalidIdentityToken",
    beforeParsing: true,
    build: (kit) => deflateRawSync(Buffer.from(signedAssertionXml(kit), "utf8")).toString("base64"),
  },
  {
    name: "base64 wrapped at 76 columns",
    expected: "accepted",
    build: (kit) => signedAssertion(kit).replace(/.{76}/g, "$&\r\n"),
  },

  // Markup characters in values, escaped as text, are read back exactly.
  {
    name: "NameID with markup characters",
    expected: "accepted",
    nameId: MARKUP_NAME_ID,
    build: (kit) => signedAssertion(kit, { nameIdXml: escapeXml(MARKUP_NAME_ID) }),
  },
  {
    name: "Issuer with markup characters",
    expected: "accepted",
    issuer: MARKUP_ENTITY_ID,
    provider: (kit) => trusting([current(kit.main)], { entityId: MARKUP_ENTITY_ID }),
    build: (kit) => signedAssertion(kit, { responseIssuer: escapeXml(MARKUP_ENTITY_ID), assertionIssuer: escapeXml(MARKUP_ENTITY_ID) }),
  },
];

/** Runs the checks of AssumeRoleWithSAML: decode, our verification, then samlify's. */
async function verifyEncoded(encoded: string, setup: ProviderSetup): Promise<VerifiedAssertion | ServiceError> {
  try {
    const xml = decodeSamlResponse(encoded);
    const ours = verifySamlResponse(xml, setup.keys, EXPECTATIONS);
    const samlifyProvider = { metadata: setup.metadata, allowResponseOnlySigning: setup.keys.allowResponseOnlySigning === true };
    await confirmWithSamlify(encoded, samlifyProvider, EXPECTATIONS, ours);
    return ours;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
}

describe("hostile SAML responses", () => {
  let kit: Kit;
  let parseSpy: MockInstance;

  beforeAll(async () => {
    const main = generateCertificate("idp-main");
    const respondAs = (signing: "assertion" | "response" | "both") =>
      createTestSamlIdp({ entityId: ENTITY_ID, signing, keys: main })
        .respond({ nameId: ALICE, attributes: { [ROLE_ATTRIBUTE]: [ROLE_PAIR], [SESSION_NAME_ATTRIBUTE]: ["alice"] }, now: NOW })
        .then(decodeSamlResponse);
    kit = {
      main,
      next: generateCertificate("idp-next"),
      attacker: generateCertificate("attacker"),
      rsa1024: generateCertificate("idp-rsa-1024", 1024),
      rsa512: generateCertificate("idp-rsa-512", 512),
      assertionSignedXml: await respondAs("assertion"),
      responseSignedXml: await respondAs("response"),
      bothSignedXml: await respondAs("both"),
    };
    // samlify checks times against the system clock, so the clock reads NOW for it too.
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    parseSpy = vi.spyOn(DOMParser.prototype, "parseFromString");
  });

  afterAll(() => {
    parseSpy.mockRestore();
    vi.useRealTimers();
  });

  it("covers enough cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((testCase) => testCase.name)).size).toBe(CASES.length);
  });

  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const encoded = testCase.build(kit);
      const setup = (testCase.provider ?? MAIN_KEY_ONLY)(kit);
      parseSpy.mockClear();
      const outcome = await verifyEncoded(encoded, setup);

      if (testCase.expected === "accepted") {
        if (outcome instanceof ServiceError) expect.fail(`rejected with ${outcome.code}: ${outcome.message}`);
        expect(outcome.nameId).toBe(testCase.nameId ?? ALICE);
        expect(outcome.issuer).toBe(testCase.issuer ?? ENTITY_ID);
        // Shows that the spy observes the verifier's parser, so its silence in other cases means something.
        expect(parseSpy).toHaveBeenCalled();
        return;
      }
      if (!(outcome instanceof ServiceError)) return expect.fail(`accepted with NameID ${outcome.nameId}`);
      expect(outcome.code).toBe(testCase.expected);
      expect(outcome.message).not.toContain(testCase.evilNameId ?? EVIL);
      expect(outcome.message).not.toMatch(/<[A-Za-z!?/]/);
      if (testCase.reason) expect(outcome.message).toMatch(testCase.reason);
      if (testCase.beforeParsing) expect(parseSpy).not.toHaveBeenCalled();
    });
  }

  it("wrapped signatures still verify", () => {
    // Each wrapping case keeps a signature that xml-crypto alone accepts, so the cases above
    // test which element the signature covers, not a broken digest.
    for (const target of ["Assertion", "Response"] as const) {
      const source = target === "Response" ? kit.responseSignedXml : kit.assertionSignedXml;
      for (const shape of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
        // Two root elements are not XML, so that case has no signature to check.
        if (target === "Response" && shape === 3) continue;
        const xml = wrapSignedElement(source, target, shape);
        expect(firstSignatureVerifies(xml, kit.main), `XSW${shape} on the ${target}: ${WRAPPING_SHAPES[shape]}`).toBe(true);
      }
    }
  });

  it("NameID comment keeps signature", () => {
    expect(firstSignatureVerifies(splitSignedNameId(kit, "<!---->"), kit.main)).toBe(true);
    expect(firstSignatureVerifies(replaceOnce(splitSignedNameId(kit, "<!---->"), "evil.com", "evil.net"), kit.main)).toBe(false);
  });
});

/** Checks the first signature of the document with xml-crypto alone and `key`'s certificate. */
function firstSignatureVerifies(xml: string, key: KeyPair): boolean {
  const signature = parseXml(xml).getElementsByTagNameNS(NS.dsig, "Signature").item(0)!;
  const verifier = new SignedXml({ publicCert: key.certificate, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature as unknown as Node);
  return verifier.checkSignature(xml);
}
