import type { SessionAttributes } from "../credentials/session-token.js";

/** The authenticated principal of a request, in the forms GetCallerIdentity and policies see. */

interface PrincipalBase {
  accountId: string;
  /** The ARN GetCallerIdentity returns. */
  arn: string;
  /** The value of `aws:userid`: the account id for root, AIDA… for users, AROA…:session for role sessions. */
  userId: string;
}

/** The lifetime and facts of temporary credentials. */
export interface SessionFacts {
  issuedAt: Date;
  expiresAt: Date;
  attributes?: SessionAttributes;
}

export interface RootPrincipal extends PrincipalBase {
  kind: "root";
  /** Present when root signed with GetSessionToken credentials. */
  session?: SessionFacts;
}

export interface UserPrincipal extends PrincipalBase {
  kind: "user";
  userName: string;
  /** Present when the user signed with GetSessionToken credentials. */
  session?: SessionFacts;
}

export interface AssumedRolePrincipal extends PrincipalBase, SessionFacts {
  kind: "assumed-role";
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
}

/** A GetFederationToken session, which acts within the permissions of the user that asked for it. */
export interface FederatedUserPrincipal extends PrincipalBase, SessionFacts {
  kind: "federated-user";
  /** The name given to GetFederationToken. */
  name: string;
  /** The IAM user that called GetFederationToken; absent when the account's root did. */
  parentUser?: { userName: string; userId: string };
}

export type Principal = RootPrincipal | UserPrincipal | AssumedRolePrincipal | FederatedUserPrincipal;

/** The principal and the credential it signed with. */
export interface Caller {
  principal: Principal;
  accessKeyId: string;
  /** True for STS-issued (ASIA) credentials. */
  temporary: boolean;
  /** The region of the request's SigV4 credential scope, which `aws:RequestedRegion` reports. */
  signingRegion: string;
}

/** Returns the ARN that `aws:PrincipalArn` carries, which for a role session is the role's ARN. */
export function principalArn(principal: Principal): string {
  return principal.kind === "assumed-role" ? principal.roleArn : principal.arn;
}

export function principalType(principal: Principal): "Account" | "User" | "AssumedRole" | "FederatedUser" {
  switch (principal.kind) {
    case "root":
      return "Account";
    case "user":
      return "User";
    case "assumed-role":
      return "AssumedRole";
    case "federated-user":
      return "FederatedUser";
  }
}

/** Returns the facts of the temporary credentials the principal signed with, if it did. */
export function sessionFacts(principal: Principal): SessionFacts | undefined {
  return principal.kind === "root" || principal.kind === "user" ? principal.session : principal;
}
