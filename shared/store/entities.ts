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
