import type { CallContext } from "../api/action.js";
import { type Caller, sessionFacts } from "../auth/principal.js";
import { generateAccessKeyId, generateSecretAccessKey } from "../credentials/ids.js";
import { type SessionAttributes, type SessionPrincipalClaims, sealSessionToken } from "../credentials/session-token.js";
import type { SessionTagSet } from "../federation/session-attributes.js";
import { assumedRoleArn } from "../iam/arn.js";
import type { XmlObject } from "../protocol/xml.js";
import type { RoleRecord } from "../store/entities.js";

export interface NewSession {
  role: RoleRecord;
  sessionName: string;
  durationSeconds: number;
  /** The account of the principal that asked; the role's own account for federated callers. */
  sourceAccountId: string;
  /** True when the session was obtained with temporary credentials (role chaining). */
  chained: boolean;
  attributes?: SessionAttributes;
}

export interface IssuedSession {
  credentials: XmlObject;
  assumedRoleUser: { AssumedRoleId: string; Arn: string };
  /** The audit copy: the key id and expiry, never the secret or the token. */
  audit: Record<string, unknown>;
}

/** Temporary credentials of any kind, before they are sealed. */
export interface NewCredentials {
  accountId: string;
  principal: SessionPrincipalClaims;
  durationSeconds: number;
  chained: boolean;
  attributes?: SessionAttributes;
}

export interface IssuedCredentials {
  credentials: XmlObject;
  /** The audit copy: the key id and expiry, never the secret or the token. */
  audit: { accessKeyId: string; expiration: string };
}

/** Mints a temporary key pair and the sealed session token that carries it. */
export async function issueCredentials(context: Pick<CallContext, "facts" | "ring">, request: NewCredentials): Promise<IssuedCredentials> {
  const issuedAt = Math.floor(context.facts.now.getTime() / 1000);
  const expiresAt = issuedAt + request.durationSeconds;
  const accessKeyId = generateAccessKeyId("ASIA", request.accountId);
  const secretAccessKey = generateSecretAccessKey();
  const sessionToken = await sealSessionToken(context.ring, {
    accessKeyId,
    secretAccessKey,
    accountId: request.accountId,
    principal: request.principal,
    issuedAt,
    expiresAt,
    chained: request.chained,
    ...(request.attributes && Object.keys(request.attributes).length > 0 ? { attributes: request.attributes } : {}),
  });
  const expiration = new Date(expiresAt * 1000);
  return {
    credentials: { AccessKeyId: accessKeyId, SecretAccessKey: secretAccessKey, SessionToken: sessionToken, Expiration: expiration },
    audit: { accessKeyId, expiration: expiration.toISOString() },
  };
}

/** Mints the key pair and sealed session token of a role session. */
export async function issueSession(context: Pick<CallContext, "facts" | "ring" | "config">, session: NewSession): Promise<IssuedSession> {
  const { role, sessionName } = session;
  const issued = await issueCredentials(context, {
    accountId: role.accountId,
    principal: {
      type: "assumed-role",
      roleArn: role.arn,
      roleId: role.roleId,
      roleName: role.roleName,
      sessionName,
      sourceAccountId: session.sourceAccountId,
    },
    durationSeconds: session.durationSeconds,
    chained: session.chained,
    ...(session.attributes ? { attributes: session.attributes } : {}),
  });
  const assumedRoleUser = {
    AssumedRoleId: `${role.roleId}:${sessionName}`,
    Arn: assumedRoleArn(context.config.partition, role.accountId, role.roleName, sessionName),
  };
  return {
    credentials: issued.credentials,
    assumedRoleUser,
    audit: {
      credentials: issued.audit,
      assumedRoleUser: { assumedRoleId: assumedRoleUser.AssumedRoleId, arn: assumedRoleUser.Arn },
    },
  };
}

/**
 * Returns what a session passes on to the next session of a chain: its transitive tags and its
 * source identity, which the caller cannot change or drop, and the time of its MFA sign-in.
 */
export function inheritedAttributes(caller: Caller): { tags: SessionTagSet; sourceIdentity?: string; mfaAuthenticatedAt?: number } {
  const attributes = sessionFacts(caller.principal)?.attributes;
  const transitive = new Set((attributes?.transitiveTagKeys ?? []).map((key) => key.toLowerCase()));
  const tags = (attributes?.tags ?? []).filter((tag) => transitive.has(tag.Key.toLowerCase()));
  return {
    tags: { tags, transitiveTagKeys: tags.map((tag) => tag.Key) },
    ...(attributes?.sourceIdentity !== undefined ? { sourceIdentity: attributes.sourceIdentity } : {}),
    ...(attributes?.mfaAuthenticatedAt !== undefined ? { mfaAuthenticatedAt: attributes.mfaAuthenticatedAt } : {}),
  };
}

/** Session attributes from tags and a source identity, leaving out what is empty. */
export function sessionAttributes(tags: SessionTagSet, sourceIdentity: string | undefined): SessionAttributes {
  return {
    ...(tags.tags.length > 0 ? { tags: tags.tags } : {}),
    ...(tags.transitiveTagKeys.length > 0 ? { transitiveTagKeys: tags.transitiveTagKeys } : {}),
    ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
  };
}
