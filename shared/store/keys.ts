/**
 * Key layout of the single table. Names are stored lower-cased in sort keys because IAM names
 * are unique regardless of case; the item keeps the name as created.
 *
 * | item       | pk                  | sk                  | gsi1pk                             |
 * |------------|---------------------|---------------------|------------------------------------|
 * | account    | ACCOUNT#<id>        | #ACCOUNT            |                                    |
 * | user       | ACCOUNT#<id>        | USER#<name>         |                                    |
 * | role       | ACCOUNT#<id>        | ROLE#<name>         |                                    |
 * | access key | ACCESSKEY#<key id>  | #KEY                | ACCOUNT#<id>#KEYS#<user or #root>  |
 * | OIDC idp   | ACCOUNT#<id>        | OIDC#<host/path>    |                                    |
 * | OIDC count | ACCOUNT#<id>        | #OIDC-COUNT         |                                    |
 * | SAML idp   | ACCOUNT#<id>        | SAML#<name>         |                                    |
 * | SAML count | ACCOUNT#<id>        | #SAML-COUNT         |                                    |
 * | policy     | ACCOUNT#<id>        | POLICY#<name>       |                                    |
 * | policy doc | ACCOUNT#<id>        | POLICYDOC#<name>#<document id>                           |
 * | MFA device | ACCOUNT#<id>        | MFA#<name>          |                                    |
 * | outbound   | ACCOUNT#<id>        | #OUTBOUND-FEDERATION |                                   |
 * | issuer     | ISSUER#<issuer id>  | #ISSUER             |                                    |
 *
 * An OIDC identity provider's sort key is its URL without the scheme, case kept, because token
 * issuers are compared as exact strings. AssumeRoleWithWebIdentity can then find the provider
 * for an `iss` claim with one GetItem.
 *
 * A customer managed policy item lists its versions, and each version's document is an item of
 * its own, because five documents of up to 131,072 characters do not fit in one item. A
 * document's sort key ends in a random id rather than the version id. A create that writes its
 * document and then loses a race therefore never overwrites another version's document.
 *
 * An account's outbound identity federation item contains its issuer id, and the issuer item maps
 * that id back to the account, so the discovery endpoint finds an account with one GetItem.
 */
export const accountPk = (accountId: string): string => `ACCOUNT#${accountId}`;
export const ACCOUNT_SK = "#ACCOUNT";
export const userSk = (userName: string): string => `USER#${userName.toLowerCase()}`;
export const roleSk = (roleName: string): string => `ROLE#${roleName.toLowerCase()}`;
export const accessKeyPk = (accessKeyId: string): string => `ACCESSKEY#${accessKeyId}`;
export const ACCESS_KEY_SK = "#KEY";
export const ownerKeysGsi = (accountId: string, userName: string | undefined): string =>
  `ACCOUNT#${accountId}#KEYS#${userName === undefined ? "#root" : userName.toLowerCase()}`;
export const oidcProviderSk = (urlWithoutScheme: string): string => `OIDC#${urlWithoutScheme}`;
export const OIDC_PROVIDER_PREFIX = "OIDC#";
export const OIDC_PROVIDER_COUNT_SK = "#OIDC-COUNT";
export const samlProviderSk = (name: string): string => `SAML#${name.toLowerCase()}`;
export const SAML_PROVIDER_PREFIX = "SAML#";
export const SAML_PROVIDER_COUNT_SK = "#SAML-COUNT";
export const managedPolicySk = (policyName: string): string => `POLICY#${policyName.toLowerCase()}`;
export const MANAGED_POLICY_PREFIX = "POLICY#";
export const policyDocumentSk = (policyName: string, documentId: string): string =>
  `POLICYDOC#${policyName.toLowerCase()}#${documentId}`;
export const OUTBOUND_FEDERATION_SK = "#OUTBOUND-FEDERATION";
export const issuerPk = (issuerId: string): string => `ISSUER#${issuerId}`;
export const ISSUER_SK = "#ISSUER";
export const mfaDeviceSk = (deviceName: string): string => `MFA#${deviceName.toLowerCase()}`;
export const MFA_DEVICE_PREFIX = "MFA#";
export const GSI1 = "gsi1";
