import type { KeyRing } from "../credentials/keyring.js";
import { openSessionToken, type SessionClaims } from "../credentials/session-token.js";
import { assumedRoleArn, federatedUserArn, rootArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import { type HttpRequestView, parseSignature, verifySignature } from "../sigv4/index.js";
import type { IamStore } from "../store/iam-store.js";
import type { Caller, Principal, SessionFacts } from "./principal.js";

export interface AuthenticationOptions {
  store: IamStore;
  ring: KeyRing;
  partition: string;
  /** Signing names accepted in the credential scope. */
  services: readonly string[];
  maxSkewSeconds: number;
  now: Date;
}

const INVALID_TOKEN = "The security token included in the request is invalid.";

/**
 * Authenticates a SigV4-signed request. Long-term (AKIA) keys are looked up in the store. A
 * temporary (ASIA) key must come with its session token, which carries the secret and the
 * principal, so no table is read for it. The signature is verified before the token's expiry
 * is reported, so an unauthenticated caller learns nothing about a token.
 */
export async function authenticate(request: HttpRequestView, options: AuthenticationOptions): Promise<Caller> {
  const signature = parseSignature(request);
  const verify = (secretAccessKey: string) =>
    verifySignature(request, signature, {
      now: options.now,
      secretAccessKey,
      services: options.services,
      maxSkewSeconds: options.maxSkewSeconds,
    });

  if (signature.sessionToken !== undefined) {
    const claims = await openSessionToken(options.ring, signature.sessionToken, signature.accessKeyId);
    if (!claims) throw new ServiceError("InvalidClientTokenId", INVALID_TOKEN);
    await verify(claims.secretAccessKey);
    if (claims.expiresAt * 1000 <= options.now.getTime()) {
      throw new ServiceError("ExpiredToken", "The security token included in the request is expired");
    }
    return {
      accessKeyId: claims.accessKeyId,
      temporary: true,
      signingRegion: signature.region,
      principal: sessionPrincipal(claims, options.partition),
    };
  }

  if (signature.accessKeyId.startsWith("ASIA")) {
    // Temporary keys are useless without the token that carries their secret.
    throw new ServiceError("InvalidClientTokenId", INVALID_TOKEN);
  }
  const key = await options.store.getAccessKey(signature.accessKeyId);
  if (key?.status !== "Active") throw new ServiceError("InvalidClientTokenId", INVALID_TOKEN);
  await verify(key.secretAccessKey);

  if (key.userName === undefined) {
    return {
      accessKeyId: key.accessKeyId,
      temporary: false,
      signingRegion: signature.region,
      principal: {
        kind: "root",
        accountId: key.accountId,
        arn: rootArn(options.partition, key.accountId),
        userId: key.accountId,
      },
    };
  }
  const user = await options.store.getUser(key.accountId, key.userName);
  if (!user) throw new ServiceError("InvalidClientTokenId", INVALID_TOKEN);
  return {
    accessKeyId: key.accessKeyId,
    temporary: false,
    signingRegion: signature.region,
    principal: { kind: "user", accountId: key.accountId, arn: user.arn, userId: user.userId, userName: user.userName },
  };
}

/** Builds the principal of temporary credentials from the claims their session token carries. */
function sessionPrincipal(claims: SessionClaims, partition: string): Principal {
  const facts: SessionFacts = {
    issuedAt: new Date(claims.issuedAt * 1000),
    expiresAt: new Date(claims.expiresAt * 1000),
    ...(claims.attributes ? { attributes: claims.attributes } : {}),
  };
  const accountId = claims.accountId;
  const principal = claims.principal;
  switch (principal.type) {
    case "assumed-role":
      return {
        kind: "assumed-role",
        accountId,
        arn: assumedRoleArn(partition, accountId, principal.roleName, principal.sessionName),
        userId: `${principal.roleId}:${principal.sessionName}`,
        roleArn: principal.roleArn,
        roleName: principal.roleName,
        roleId: principal.roleId,
        sessionName: principal.sessionName,
        ...facts,
      };
    case "federated-user":
      return {
        kind: "federated-user",
        accountId,
        arn: federatedUserArn(partition, accountId, principal.name),
        userId: `${accountId}:${principal.name}`,
        name: principal.name,
        ...(principal.parentUser ? { parentUser: principal.parentUser } : {}),
        ...facts,
      };
    case "user-session": {
      const user = principal.user;
      if (!user) return { kind: "root", accountId, arn: rootArn(partition, accountId), userId: accountId, session: facts };
      return { kind: "user", accountId, arn: user.arn, userId: user.userId, userName: user.userName, session: facts };
    }
  }
}
