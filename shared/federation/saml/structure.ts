import { invalid } from "../oidc/token-shape.js";
import { NS, parseSamlXml } from "./xml-document.js";

const XENC = "http://www.w3.org/2001/04/xmlenc#";

/**
 * The content models of the SAML 2.0 protocol and assertion schemas for the elements a SAML
 * Response to AWS uses: each element's children in schema order, with how often each may
 * appear, and its required attributes. Elements of other namespaces are accepted only where
 * the schemas allow any content (`Extensions`, `Advice`, `AttributeValue`, statements' own
 * extension points are not used by AWS and are rejected).
 */
interface ContentModel {
  children: ReadonlyArray<{ name: string; namespace: string; min: number; max: number }>;
  required: readonly string[];
  /** Child elements of any namespace are allowed, in any order. */
  any?: boolean;
}

const P = NS.protocol;
const A = NS.assertion;
const D = NS.dsig;
const MANY = Number.POSITIVE_INFINITY;

const one = (namespace: string, name: string) => ({ namespace, name, min: 1, max: 1 });
const optional = (namespace: string, name: string) => ({ namespace, name, min: 0, max: 1 });
const many = (namespace: string, name: string, min = 0) => ({ namespace, name, min, max: MANY });

const MODELS = new Map<string, ContentModel>([
  [
    `${P} Response`,
    {
      children: [optional(A, "Issuer"), optional(D, "Signature"), optional(P, "Extensions"), one(P, "Status"), many(A, "Assertion|EncryptedAssertion")],
      required: ["ID", "Version", "IssueInstant"],
    },
  ],
  [`${P} Status`, { children: [one(P, "StatusCode"), optional(P, "StatusMessage"), optional(P, "StatusDetail")], required: [] }],
  [`${P} StatusCode`, { children: [optional(P, "StatusCode")], required: ["Value"] }],
  [`${P} StatusMessage`, { children: [], required: [] }],
  [`${P} StatusDetail`, { children: [], required: [], any: true }],
  [`${P} Extensions`, { children: [], required: [], any: true }],
  [
    `${A} Assertion`,
    {
      children: [
        one(A, "Issuer"),
        optional(D, "Signature"),
        optional(A, "Subject"),
        optional(A, "Conditions"),
        optional(A, "Advice"),
        many(A, "AuthnStatement|AttributeStatement|AuthzDecisionStatement"),
      ],
      required: ["ID", "Version", "IssueInstant"],
    },
  ],
  [`${A} EncryptedAssertion`, { children: [one(XENC, "EncryptedData"), many(XENC, "EncryptedKey")], required: [] }],
  // The decryption step reads these itself, with its own rules.
  [`${XENC} EncryptedData`, { children: [], required: [], any: true }],
  [`${XENC} EncryptedKey`, { children: [], required: [], any: true }],
  [`${A} Issuer`, { children: [], required: [] }],
  [`${A} Subject`, { children: [optional(A, "NameID|BaseID|EncryptedID"), many(A, "SubjectConfirmation")], required: [] }],
  [`${A} NameID`, { children: [], required: [] }],
  [`${A} SubjectConfirmation`, { children: [optional(A, "NameID|BaseID|EncryptedID"), optional(A, "SubjectConfirmationData")], required: ["Method"] }],
  [`${A} SubjectConfirmationData`, { children: [], required: [], any: true }],
  [`${A} Conditions`, { children: [many(A, "AudienceRestriction|OneTimeUse|ProxyRestriction|Condition")], required: [] }],
  [`${A} AudienceRestriction`, { children: [many(A, "Audience", 1)], required: [] }],
  [`${A} Audience`, { children: [], required: [] }],
  [`${A} OneTimeUse`, { children: [], required: [] }],
  [`${A} ProxyRestriction`, { children: [many(A, "Audience")], required: [] }],
  [`${A} Advice`, { children: [], required: [], any: true }],
  [`${A} AuthnStatement`, { children: [optional(A, "SubjectLocality"), one(A, "AuthnContext")], required: ["AuthnInstant"] }],
  [`${A} SubjectLocality`, { children: [], required: [] }],
  [`${A} AuthnContext`, { children: [optional(A, "AuthnContextClassRef"), optional(A, "AuthnContextDecl|AuthnContextDeclRef"), many(A, "AuthenticatingAuthority")], required: [] }],
  [`${A} AuthnContextClassRef`, { children: [], required: [] }],
  [`${A} AuthnContextDeclRef`, { children: [], required: [] }],
  [`${A} AuthnContextDecl`, { children: [], required: [], any: true }],
  [`${A} AuthenticatingAuthority`, { children: [], required: [] }],
  [`${A} AttributeStatement`, { children: [many(A, "Attribute|EncryptedAttribute", 1)], required: [] }],
  [`${A} Attribute`, { children: [many(A, "AttributeValue")], required: ["Name"] }],
  [`${A} AttributeValue`, { children: [], required: [], any: true }],
  [`${D} Signature`, { children: [one(D, "SignedInfo"), one(D, "SignatureValue"), optional(D, "KeyInfo"), many(D, "Object")], required: [] }],
  [`${D} SignedInfo`, { children: [one(D, "CanonicalizationMethod"), one(D, "SignatureMethod"), many(D, "Reference", 1)], required: [] }],
  [`${D} CanonicalizationMethod`, { children: [], required: ["Algorithm"], any: true }],
  [`${D} SignatureMethod`, { children: [], required: ["Algorithm"], any: true }],
  [`${D} Reference`, { children: [optional(D, "Transforms"), one(D, "DigestMethod"), one(D, "DigestValue")], required: [] }],
  [`${D} Transforms`, { children: [many(D, "Transform", 1)], required: [] }],
  [`${D} Transform`, { children: [], required: ["Algorithm"], any: true }],
  [`${D} DigestMethod`, { children: [], required: ["Algorithm"], any: true }],
  [`${D} DigestValue`, { children: [], required: [] }],
  [`${D} SignatureValue`, { children: [], required: [] }],
  [`${D} KeyInfo`, { children: [], required: [], any: true }],
  [`${D} Object`, { children: [], required: [], any: true }],
]);

/**
 * Checks a SAML Response against the structure of the SAML 2.0 schemas: known elements only,
 * children in schema order and number, and required attributes. samlify runs it in place of
 * a schema validator (see samlify-check.ts for why). It parses with the same hardened parser as
 * the first verification, and throws InvalidIdentityToken naming the element that breaks the
 * structure.
 */
export function checkSamlStructure(xml: string): void {
  const root = parseSamlXml(xml).documentElement!;
  if (root.namespaceURI !== P || root.localName !== "Response") throw invalid("The SAML document is not a SAML 2.0 Response.");
  checkElement(root);
}

function checkElement(element: Element): void {
  const model = MODELS.get(`${element.namespaceURI} ${element.localName}`);
  if (!model) throw invalid(`The SAML response contains an element the SAML schemas do not allow here: ${element.localName}.`);
  for (const attribute of model.required) {
    if (!element.hasAttribute(attribute)) throw invalid(`The ${element.localName} element of the SAML response has no ${attribute} attribute.`);
  }
  if (model.any) return;

  const children: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1) children.push(node as Element);
    else if (node.nodeType === 3 && model.children.length > 0 && (node.nodeValue ?? "").trim() !== "") {
      throw invalid(`The ${element.localName} element of the SAML response contains text where the schemas allow only elements.`);
    }
  }
  let index = 0;
  for (const slot of model.children) {
    const names = slot.name.split("|");
    let count = 0;
    while (index < children.length && children[index]!.namespaceURI === slot.namespace && names.includes(children[index]!.localName)) {
      count++;
      index++;
    }
    if (count < slot.min || count > slot.max) {
      throw invalid(`The ${element.localName} element of the SAML response has ${count} ${slot.name} elements where the schemas allow ${slot.min} to ${slot.max}.`);
    }
  }
  if (index < children.length) {
    throw invalid(`The ${element.localName} element of the SAML response contains ${children[index]!.localName} where the schemas do not allow it.`);
  }
  for (const child of children) checkElement(child);
}
