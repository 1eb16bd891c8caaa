import type { Tag } from "../store/entities.js";
import type { KeyRing } from "./keyring.js";
import { open, seal } from "./sealed.js";

/**
 * Everything a verifier needs to authenticate a request signed with temporary credentials,
 * sealed into the session token so that no table is read: the key pair, the principal, and the
 * session's lifetime. Times are epoch seconds.
 */
export interface SessionClaims {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  principal: SessionPrincipalClaims;
  issuedAt: number;
  expiresAt: number;
  /** True when the session was obtained with temporary credentials (role chaining). */
  chained: boolean;
  /** Tags, source identity and federation facts; absent for a plain AssumeRole session. */
  attributes?: SessionAttributes;
}

/** Session facts that the policy evaluations of the session's later requests use. */
export interface SessionAttributes {
  /** Session tags, which become `aws:PrincipalTag/<key>`. */
  tags?: Tag[];
  /** Keys of `tags` that pass on through role chaining. */
  transitiveTagKeys?: string[];
  /** The inline session policy, which limits the session to what it and the role's policies both allow. */
  sessionPolicy?: string;
  /** Managed session policies by ARN, which limit the session together with the inline one. */
  sessionPolicyArns?: string[];
  /** `aws:SourceIdentity`, fixed for the rest of a role chain. */
  sourceIdentity?: string;
  /** `aws:FederatedProvider`: the identity provider's ARN or built-in name, for web identity sessions. */
  federatedProvider?: string;
  /** The provider's condition keys (`<provider>:sub` and the like), which stay available to later requests. */
  federatedKeys?: Record<string, string | string[]>;
  /**
   * When a user proved an MFA code for this session or the one it came from, epoch seconds. It
   * sets `aws:MultiFactorAuthPresent` and `aws:MultiFactorAuthAge`.
   */
  mfaAuthenticatedAt?: number;
}

export interface AssumedRoleClaims {
  type: "assumed-role";
  roleArn: string;
  roleId: string;
  roleName: string;
  sessionName: string;
  /** The account of the principal that called AssumeRole. */
  sourceAccountId: string;
}

/** A GetFederationToken session: the federated user and the user (or root) that asked for it. */
export interface FederatedUserClaims {
  type: "federated-user";
  name: string;
  /** The IAM user that called GetFederationToken; absent when the account's root did. */
  parentUser?: { userName: string; userId: string };
}

/**
 * A GetSessionToken session, which acts as the user (or root) that asked for it with the
 * restrictions of temporary credentials.
 */
export interface UserSessionClaims {
  type: "user-session";
  /** Absent for the account's root. */
  user?: { userName: string; userId: string; arn: string };
}

export type SessionPrincipalClaims = AssumedRoleClaims | FederatedUserClaims | UserSessionClaims;

const TOKEN_VERSION = 1;

/** Seals claims into a session token. The access key id also sits in the protected header, so a
 *  mismatched key/token pair is rejected before any decryption. */
export async function sealSessionToken(ring: KeyRing, claims: SessionClaims): Promise<string> {
  return seal(ring, "session-token", { v: TOKEN_VERSION, ...claims }, { akid: claims.accessKeyId });
}

/**
 * Opens a session token for the access key that signed the request. Returns undefined when it
 * is not a valid token of this deployment or was issued to another key.
 */
export async function openSessionToken(ring: KeyRing, token: string, accessKeyId: string): Promise<SessionClaims | undefined> {
  const opened = await open(ring, "session-token", token);
  if (!opened || opened.header.akid !== accessKeyId) return undefined;
  const payload = opened.payload as Partial<SessionClaims> & { v?: unknown };
  if (payload.v !== TOKEN_VERSION || payload.accessKeyId !== accessKeyId) return undefined;
  if (typeof payload.secretAccessKey !== "string" || typeof payload.expiresAt !== "number") return undefined;
  return payload as SessionClaims;
}
