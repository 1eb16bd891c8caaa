/** Shared accounts, principals and builders for the policy engine tests. */

import { parsePolicy } from "../../../shared/policy/index.js";
import type { Policy, PolicyKind, PrincipalIdentity } from "../../../shared/policy/index.js";

export const CALLER_ACCOUNT = "111122223333";
export const ROLE_ACCOUNT = "444455556666";
export const OTHER_ACCOUNT = "999988887777";

export const ROLE_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:role/Deploy`;
export const ALICE_ARN = `arn:aws:iam::${CALLER_ACCOUNT}:user/alice`;
export const ALICE_ID = "AIDAEXAMPLEALICE00001";
export const CALLER_ROOT_ARN = `arn:aws:iam::${CALLER_ACCOUNT}:root`;
export const BUILDER_ROLE_ARN = `arn:aws:iam::${CALLER_ACCOUNT}:role/Builder`;
export const BUILDER_ROLE_ID = "AROAEXAMPLEBUILDER001";
export const BUILDER_SESSION_ARN = `arn:aws:sts::${CALLER_ACCOUNT}:assumed-role/Builder/ci`;
export const GITHUB_PROVIDER_ARN = `arn:aws:iam::${ROLE_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

export const ALICE: PrincipalIdentity = { type: "AWS", accountId: CALLER_ACCOUNT, names: [ALICE_ARN, ALICE_ID] };
export const CALLER_ROOT: PrincipalIdentity = { type: "AWS", accountId: CALLER_ACCOUNT, names: [CALLER_ROOT_ARN] };
export const BUILDER_SESSION: PrincipalIdentity = {
  type: "AWS",
  accountId: CALLER_ACCOUNT,
  names: [BUILDER_ROLE_ARN, BUILDER_ROLE_ID, BUILDER_SESSION_ARN],
};
export const OUTSIDER: PrincipalIdentity = {
  type: "AWS",
  accountId: OTHER_ACCOUNT,
  names: [`arn:aws:iam::${OTHER_ACCOUNT}:user/mallory`],
};
export const GITHUB_WORKFLOW: PrincipalIdentity = { type: "Federated", names: [GITHUB_PROVIDER_ARN] };
export const EC2_SERVICE: PrincipalIdentity = { type: "Service", names: ["ec2.amazonaws.com"] };

/** Serializes statements into a policy document with Version 2012-10-17. */
export function documentOf(statements: object | readonly object[], extra: object = {}): string {
  return JSON.stringify({ Version: "2012-10-17", ...extra, Statement: statements });
}

/** Parses statements as a policy of the given kind. */
export function policyOf(kind: PolicyKind, statements: object | readonly object[]): Policy {
  return parsePolicy(documentOf(statements), kind);
}

/** Runs `action` and returns the error it throws, failing when it throws nothing. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but none was thrown");
}
