/** The IAM entities we store, in the shapes the rest of the code uses. Times are ISO-8601 strings. */

export interface Tag {
  Key: string;
  Value: string;
}

export interface UserRecord {
  accountId: string;
  userName: string;
  userId: string;
  path: string;
  arn: string;
  createDate: string;
  tags: Tag[];
  /** Inline policies by name, each the JSON document as submitted. */
  policies: Record<string, string>;
}

export interface RoleRecord {
  accountId: string;
  roleName: string;
  roleId: string;
  path: string;
  arn: string;
  createDate: string;
  description?: string;
  trustPolicy: string;
  /** Unique ids of the users and roles the trust policy names by ARN, resolved when it was stored. */
  trustPrincipalIds: Record<string, string>;
  maxSessionDuration: number;
  tags: Tag[];
  policies: Record<string, string>;
}

export type AccessKeyStatus = "Active" | "Inactive";

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** The owning IAM user; absent for an account's root key. */
  userName?: string;
  status: AccessKeyStatus;
  createDate: string;
}

/** An access key with its secret opened, as authentication needs it. Never rendered or logged. */
export interface AccessKeyWithSecret extends AccessKeyRecord {
  secretAccessKey: string;
}

/** An OpenID Connect identity provider registered in an account. */
export interface OidcProviderRecord {
  accountId: string;
  arn: string;
  /** The issuer URL as registered, scheme included, so that a verifier can compare it with `iss`. */
  url: string;
  /** Host, port and path: the URL without its scheme, as IAM returns it and as the ARN names it. */
  urlWithoutScheme: string;
  /** Audiences accepted in tokens, sorted. */
  clientIds: string[];
  thumbprints: string[];
  createDate: string;
  /** Sorted by key, ignoring case. */
  tags: Tag[];
}

/** Setting of a SAML provider for encrypted assertions: `Required` rejects plaintext ones. */
export type AssertionEncryptionMode = "Required" | "Allowed";

/** A signing certificate of a SAML identity provider, read from its metadata. */
export interface SamlSigningCertificate {
  pem: string;
  notBefore: string;
  /** Certificates past this time stay stored, but signatures made with them must be rejected. */
  notAfter: string;
  /** Lower-case hexadecimal SHA-256 of the DER bytes. */
  fingerprintSha256: string;
}

/** A private key that decrypts a SAML provider's assertions, stored sealed under the key ring. */
export interface SamlPrivateKeyRecord {
  /** Derived from the key's public half, so one key always gets the same id. */
  keyId: string;
  /** When the key was added, ISO-8601. */
  timestamp: string;
  /** The PEM sealed as a compact JWE under the key ring's `secret-at-rest` key. */
  sealedPem: string;
}

/** A private key with its PEM opened, as assertion decryption needs it. Never rendered or logged. */
export interface SamlPrivateKey {
  keyId: string;
  timestamp: string;
  pem: string;
}

/** A SAML 2.0 identity provider registered in an account. */
export interface SamlProviderRecord {
  accountId: string;
  /** The name as created. Names are unique within an account regardless of case. */
  name: string;
  arn: string;
  /** `SAMLProviderUUID`: 32 upper-case hexadecimal characters. */
  uuid: string;
  /** The metadata document exactly as submitted, which GetSAMLProvider returns. */
  metadataDocument: string;
  /** The metadata's entityID, which assertions carry as their Issuer. */
  entityId: string;
  signingCertificates: SamlSigningCertificate[];
  /** The metadata's validUntil, ISO-8601, when it has one. */
  validUntil?: string;
  createDate: string;
  /** Absent until a request sets it. A provider without a mode behaves as `Allowed`. */
  assertionEncryptionMode?: AssertionEncryptionMode;
  /** At most two, sorted by timestamp. */
  privateKeys: SamlPrivateKeyRecord[];
  /** Sorted by key, ignoring case. */
  tags: Tag[];
}

/** A SAML provider with its private keys opened, for the assertion verifier. */
export interface SamlProviderWithKeys extends Omit<SamlProviderRecord, "privateKeys"> {
  privateKeys: SamlPrivateKey[];
}

/** One version of a customer managed policy, without its document. */
export interface ManagedPolicyVersionRecord {
  /** `v1`, `v2`, ...: numbers rise with each new version and are never reused. */
  versionId: string;
  createDate: string;
  /** The random id in the sort key of the item that contains the version's document. */
  documentId: string;
}

/** A customer managed policy. Its versions' documents are separate items, read on demand. */
export interface ManagedPolicyRecord {
  accountId: string;
  /** The name as created. Names are unique within an account regardless of case and path. */
  policyName: string;
  policyId: string;
  path: string;
  arn: string;
  description?: string;
  defaultVersionId: string;
  /** Sorted by version number, oldest first. */
  versions: ManagedPolicyVersionRecord[];
  createDate: string;
  /** When the default version last changed. */
  updateDate: string;
  tags: Tag[];
}
