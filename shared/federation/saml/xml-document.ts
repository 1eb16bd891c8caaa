import { DOMParser } from "@xmldom/xmldom";
import { invalid } from "../oidc/token-shape.js";

/** Namespaces of SAML 2.0 and XML Signature. */
export const NS = {
  protocol: "urn:oasis:names:tc:SAML:2.0:protocol",
  assertion: "urn:oasis:names:tc:SAML:2.0:assertion",
  dsig: "http://www.w3.org/2000/09/xmldsig#",
  xsi: "http://www.w3.org/2001/XMLSchema-instance",
} as const;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes the SAMLAssertion parameter: the base64 of a SAML Response, as the POST binding
 * sends it. Line breaks and spaces between base64 characters are tolerated because identity
 * providers wrap long values. The URL-safe alphabet and DEFLATE compression are not part of the
 * POST binding, so a value that is not plain base64 of XML is rejected, and nothing is inflated.
 */
export function decodeSamlResponse(encoded: string): string {
  const compact = encoded.replace(/[\r\n\t ]+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw invalid("The SAML assertion is not valid base64.");
  }
  const xml = Buffer.from(compact, "base64").toString("utf8");
  if (!xml.trimStart().startsWith("<")) throw invalid("The SAML assertion is not an XML document.");
  return xml;
}

/**
 * Parses a SAML Response once, into the DOM that every later check and read uses. Document
 * type declarations, entities and processing instructions are rejected by a byte-level check
 * before parsing, so no entity is ever expanded. Parser errors give one generic
 * message, because their text could describe the server's files.
 */
export function parseSamlXml(xml: string): Document {
  if (/<!DOCTYPE|<!ENTITY|<!\[CDATA\[/i.test(xml)) {
    throw invalid("The SAML response contains a document type declaration, an entity or a CDATA section, which are not accepted.");
  }
  if (/<\?(?!xml[\s?])/i.test(xml)) throw invalid("The SAML response contains a processing instruction, which is not accepted.");
  let failed = false;
  const parser = new DOMParser({
    locator: {},
    errorHandler: {
      warning: () => {},
      error: () => {
        failed = true;
      },
      fatalError: () => {
        failed = true;
      },
    },
  });
  let document: Document;
  try {
    document = parser.parseFromString(xml, "text/xml") as unknown as Document;
  } catch {
    throw invalid("The SAML response is not well-formed XML.");
  }
  if (failed || !document?.documentElement) throw invalid("The SAML response is not well-formed XML.");
  return document;
}

/** Returns the child elements of `parent` with the given namespace and local name. */
export function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName) {
      found.push(node as Element);
    }
  }
  return found;
}

/** Returns the only such child element, undefined when there is none, and rejects several. */
export function onlyChild(parent: Element, namespace: string, localName: string, what: string): Element | undefined {
  const found = childElements(parent, namespace, localName);
  if (found.length > 1) throw invalid(`The SAML response has more than one ${what}.`);
  return found[0];
}

/**
 * Returns the text of an element that must hold text only. An element with comments, child
 * elements or several text nodes is rejected, so that a comment cannot split a value such as
 * `admin@example.com<!---->.evil.com` into a shorter one for any reader.
 */
export function textOnly(element: Element, what: string): string {
  let text = "";
  let textNodes = 0;
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 3) {
      text += node.nodeValue ?? "";
      textNodes++;
    } else {
      throw invalid(`The ${what} of the SAML response must contain text only.`);
    }
  }
  if (textNodes > 1) throw invalid(`The ${what} of the SAML response must be a single text node.`);
  return text;
}

/** Lists every element of the document in document order. */
export function allElements(root: Element): Element[] {
  const elements: Element[] = [];
  const stack: Element[] = [root];
  while (stack.length > 0) {
    const element = stack.pop()!;
    elements.push(element);
    const children: Element[] = [];
    for (let node = element.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) children.push(node as Element);
    for (let index = children.length - 1; index >= 0; index--) stack.push(children[index]!);
  }
  return elements;
}
