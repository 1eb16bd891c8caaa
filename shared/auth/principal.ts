import type { SessionAttributes } from "../credentials/session-token.js";

/** The authenticated principal of a request, in the forms GetCallerIdentity and policies see. */

interface PrincipalBase {
  accountId: string;
  /** The ARN GetCallerIdentity returns. */
  arn: string;
  /** The value of `aws:userid`: the account id for root, AIDA… for users, AROA…:session for role sessions. */
  userId: string;
}

export interface RootPrincipal extends PrincipalBase {
  kind: "root";
}

export interface UserPrincipal extends PrincipalBase {
  kind: "user";
  userName: string;
}

export interface AssumedRolePrincipal extends PrincipalBase {
  kind: "assumed-role";
  roleArn: string;
  roleName: string;
  roleId: string;
  sessionName: string;
  issuedAt: Date;
  expiresAt: Date;
  attributes?: SessionAttributes;
}

export type Principal = RootPrincipal | UserPrincipal | AssumedRolePrincipal;

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

export function principalType(principal: Principal): "Account" | "User" | "AssumedRole" {
  if (principal.kind === "root") return "Account";
  return principal.kind === "user" ? "User" : "AssumedRole";
}
