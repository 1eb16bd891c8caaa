import { createHash } from "node:crypto";
import type { Tag } from "../../store/entities.js";
import { invalid } from "../oidc/token-shape.js";
import { isValidSourceIdentity, type SessionTagSet, sessionTagProblem } from "../session-attributes.js";
import type { VerifiedAssertion } from "./verify-response.js";

/** The attributes AWS reads from a SAML assertion. */
export const AWS_ATTRIBUTE = {
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
  principalTagPrefix: "https://aws.amazon.com/SAML/Attributes/PrincipalTag:",
  transitiveTagKeys: "https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys",
  sourceIdentity: "https://aws.amazon.com/SAML/Attributes/SourceIdentity",
} as const;

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:[^:]+:iam::\d{12}:role\/.+$/;
const SAML_PROVIDER_ARN = /^arn:[^:]+:iam::\d{12}:saml-provider\/[\w.-]+$/;

export interface RolePair {
  roleArn: string;
  providerArn: string;
}

/**
 * Reads the Role attribute: values of `role-arn,provider-arn`, in either order as AWS accepts.
 * Throws InvalidIdentityToken when the attribute is missing or a value is not such a pair.
 */
export function readRolePairs(assertion: VerifiedAssertion): RolePair[] {
  const values = assertion.attributes.get(AWS_ATTRIBUTE.role);
  if (!values || values.length === 0) throw invalid(`The SAML assertion has no ${AWS_ATTRIBUTE.role} attribute.`);
  return values.map((value) => {
    const parts = value.split(",").map((part) => part.trim());
    const roleArn = parts.find((part) => ROLE_ARN.test(part));
    const providerArn = parts.find((part) => SAML_PROVIDER_ARN.test(part));
    if (parts.length !== 2 || !roleArn || !providerArn) {
      throw invalid("A value of the Role attribute of the SAML assertion is not a role ARN and a SAML provider ARN separated by a comma.");
    }
    return { roleArn, providerArn };
  });
}

/** Reads the RoleSessionName attribute, which AWS requires. */
export function readRoleSessionName(assertion: VerifiedAssertion): string {
  const values = assertion.attributes.get(AWS_ATTRIBUTE.roleSessionName);
  if (!values || values.length === 0) throw invalid("RoleSessionName is required in AuthnResponse");
  if (values.length !== 1 || !SESSION_NAME.test(values[0]!)) throw invalid("RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}");
  return values[0]!;
}

/** Reads the SessionDuration attribute (900 to 43200 seconds), or undefined without one. */
export function readSessionDuration(assertion: VerifiedAssertion): number | undefined {
  const values = assertion.attributes.get(AWS_ATTRIBUTE.sessionDuration);
  if (values === undefined) return undefined;
  const seconds = values.length === 1 && /^\d{1,6}$/.test(values[0]!) ? Number(values[0]) : Number.NaN;
  if (!(seconds >= 900 && seconds <= 43200)) throw invalid("SessionDuration in AuthnResponse must be a number of seconds from 900 to 43200.");
  return seconds;
}

/** Reads session tags from `PrincipalTag:<key>` attributes (one value each) and TransitiveTagKeys. */
export function readSessionTags(assertion: VerifiedAssertion): SessionTagSet {
  const tags: Tag[] = [];
  for (const [name, values] of assertion.attributes) {
    if (!name.startsWith(AWS_ATTRIBUTE.principalTagPrefix)) continue;
    const key = name.slice(AWS_ATTRIBUTE.principalTagPrefix.length);
    if (values.length !== 1) throw invalid(`The session tag attribute PrincipalTag:${key} must have exactly one value.`);
    tags.push({ Key: key, Value: values[0]! });
  }
  const set = { tags, transitiveTagKeys: assertion.attributes.get(AWS_ATTRIBUTE.transitiveTagKeys) ?? [] };
  const problem = sessionTagProblem(set);
  if (problem) throw invalid(problem);
  return set;
}

/** Reads the SourceIdentity attribute, or undefined without one. */
export function readSourceIdentity(assertion: VerifiedAssertion): string | undefined {
  const values = assertion.attributes.get(AWS_ATTRIBUTE.sourceIdentity);
  if (values === undefined) return undefined;
  if (values.length !== 1 || !isValidSourceIdentity(values[0]!)) {
    throw invalid('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"');
  }
  return values[0]!;
}

const NAME_ID_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:";
const UNSPECIFIED_FORMAT = "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified";

/** AWS's `saml:sub_type`: `persistent`, `transient`, or the full Format URI of any other NameID. */
export function subjectType(assertion: VerifiedAssertion): string {
  const format = assertion.nameIdFormat ?? UNSPECIFIED_FORMAT;
  if (format === `${NAME_ID_FORMAT}persistent`) return "persistent";
  if (format === `${NAME_ID_FORMAT}transient`) return "transient";
  return format;
}

/** AWS's `saml:namequalifier`: Base64(SHA1(Issuer + AccountId + "/" + ProviderName)), the formula of the STS API reference. */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash("sha1").update(`${issuer}${accountId}/${providerName}`).digest("base64");
}

/**
 * Attribute names that AWS maps to `saml:` condition keys, and whether the key has one value
 * or a list. The names and keys are those of the IAM condition key reference for SAML.
 */
const NAMED_ATTRIBUTE_KEYS: ReadonlyArray<readonly [string, string, "single" | "list"]> = [
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "saml:edupersonaffiliation", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "saml:edupersonnickname", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "saml:edupersonorgdn", "single"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "saml:edupersonorgunitdn", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "saml:edupersonprimaryaffiliation", "single"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "saml:edupersonprincipalname", "single"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "saml:edupersonentitlement", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "saml:edupersonprimaryorgunitdn", "single"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "saml:edupersonscopedaffiliation", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "saml:edupersontargetedid", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "saml:edupersonassurance", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.2.1.2", "saml:eduorghomepageuri", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.2.1.3", "saml:eduorgidentityauthnpolicyuri", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.2.1.4", "saml:eduorglegalname", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.2.1.5", "saml:eduorgsuperioruri", "list"],
  ["urn:oid:1.3.6.1.4.1.5923.1.2.1.6", "saml:eduorgwhitepagesuri", "list"],
  ["urn:oid:2.5.4.3", "saml:cn", "list"],
  ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "saml:name", "list"],
  ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "saml:givenName", "list"],
  ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "saml:surname", "list"],
  ["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "saml:mail", "list"],
  ["http://schemas.xmlsoap.org/claims/CommonName", "saml:commonName", "list"],
  ["http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid", "saml:primaryGroupSID", "list"],
  ["urn:oid:2.5.4.4", "saml:surname", "list"],
  ["urn:oid:2.5.4.42", "saml:givenName", "list"],
  ["urn:oid:2.5.4.45", "saml:x500UniqueIdentifier", "list"],
  ["urn:oid:0.9.2342.19200300.100.1.1", "saml:uid", "list"],
  ["urn:oid:0.9.2342.19200300.100.1.3", "saml:mail", "list"],
  ["urn:oid:0.9.2342.19200300.100.1.45", "saml:organizationStatus", "list"],
];

export interface SamlProviderName {
  arn: string;
  name: string;
  accountId: string;
}

/**
 * Builds the `saml:` condition keys of an assertion. `saml:aud` is the subject confirmation's
 * Recipient, as in AWS, not the Audience. Only the first attribute that maps to a key is used.
 */
export function samlConditionKeys(assertion: VerifiedAssertion, provider: SamlProviderName): Record<string, string | string[]> {
  const keys: Record<string, string | string[]> = {
    "saml:aud": assertion.recipient,
    "saml:iss": assertion.issuer,
    "saml:sub": assertion.nameId,
    "saml:sub_type": subjectType(assertion),
    "saml:namequalifier": nameQualifier(assertion.issuer, provider.accountId, provider.name),
    "saml:doc": `${provider.accountId}/${provider.name}`,
  };
  for (const [attribute, key, shape] of NAMED_ATTRIBUTE_KEYS) {
    const values = assertion.attributes.get(attribute);
    if (values === undefined || values.length === 0 || keys[key] !== undefined) continue;
    keys[key] = shape === "single" ? values[0]! : [...values];
  }
  return keys;
}
