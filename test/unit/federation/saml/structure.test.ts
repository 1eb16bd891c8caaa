import { beforeAll, describe, expect, it } from "vitest";
import { checkSamlStructure } from "../../../../shared/federation/saml/structure.js";
import { decodeSamlResponse } from "../../../../shared/federation/saml/xml-document.js";
import { createTestSamlIdp, generateCertificate } from "../../../support/saml-idp.js";

const ATTRIBUTES = { "https://aws.amazon.com/SAML/Attributes/RoleSessionName": ["alice"] };

describe("checkSamlStructure", () => {
  let signedAssertion: string;
  let signedBoth: string;
  let encrypted: string;

  beforeAll(async () => {
    const keys = generateCertificate();
    const respond = (signing: "assertion" | "both", encryptTo?: string) =>
      createTestSamlIdp({ entityId: "https://idp.example.com", signing, keys, ...(encryptTo ? { encryptTo } : {}) })
        .respond({ nameId: "alice", attributes: ATTRIBUTES })
        .then(decodeSamlResponse);
    signedAssertion = await respond("assertion");
    signedBoth = await respond("both");
    encrypted = await respond("assertion", generateCertificate("sp").certificate);
  });

  it("accepts samlify's responses", () => {
    expect(() => checkSamlStructure(signedAssertion)).not.toThrow();
    expect(() => checkSamlStructure(signedBoth)).not.toThrow();
    expect(() => checkSamlStructure(encrypted)).not.toThrow();
  });

  it.each([
    ["Status after the Assertion", (xml: string) => moveStatusToEnd(xml), "Status"],
    ["an unknown assertion element", (xml: string) => xml.replace("<saml:Conditions", "<saml:Unknown/><saml:Conditions"), "Unknown"],
    ["two NameIDs", (xml: string) => xml.replace(/(<saml:NameID[^>]*>[^<]*<\/saml:NameID>)/, "$1$1"), "NameID"],
    ["an empty AudienceRestriction", (xml: string) => xml.replace(/<saml:AudienceRestriction>.*?<\/saml:AudienceRestriction>/, "<saml:AudienceRestriction/>"), "Audience"],
    ["a Response without Version", (xml: string) => xml.replace(' Version="2.0"', ""), "Version"],
    ["an element inside NameID", (xml: string) => xml.replace(/(<saml:NameID[^>]*>)/, "$1<b>x</b>"), "NameID"],
    ["text between elements", (xml: string) => xml.replace("<saml:Subject>", "<saml:Subject>stray text"), "text"],
    ["a second Signature in SignedInfo's place", (xml: string) => xml.replace("<ds:SignedInfo>", "<ds:Signature/><ds:SignedInfo>"), "Signature"],
    ["a root other than Response", (xml: string) => xml.replace(/samlp:Response/g, "samlp:LogoutResponse"), "not a SAML 2.0 Response"],
  ])("rejects %s", (_name, mutate, message) => {
    let thrown: unknown;
    try {
      checkSamlStructure(mutate(signedAssertion));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "InvalidIdentityToken" });
    expect((thrown as Error).message).toContain(message);
  });
});

function moveStatusToEnd(xml: string): string {
  const status = /<samlp:Status>.*?<\/samlp:Status>/.exec(xml)![0];
  return xml.replace(status, "").replace("</samlp:Response>", `${status}</samlp:Response>`);
}
