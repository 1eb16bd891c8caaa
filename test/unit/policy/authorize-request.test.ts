import { describe, expect, it } from "vitest";
import { authorizeRequest } from "../../../shared/policy/index.js";
import type {
  AuthorizationInput,
  ContextKeys,
  Decision,
  GrantScope,
  PolicyType,
  PrincipalIdentity,
} from "../../../shared/policy/index.js";
import {
  ALICE,
  ALICE_ARN,
  ALICE_ID,
  BUILDER_ROLE_ARN,
  BUILDER_ROLE_ID,
  BUILDER_SESSION,
  BUILDER_SESSION_ARN,
  CALLER_ACCOUNT,
  CALLER_ROOT_ARN,
  OTHER_ACCOUNT,
  OUTSIDER,
  policyOf,
  ROLE_ACCOUNT,
} from "./fixtures.js";

const GET = "s3:GetObject";
const OBJECT = "arn:aws:s3:::reports/q1.csv";
const ASSUME = "sts:AssumeRole";
const SAME_ACCOUNT_ROLE = `arn:aws:iam::${CALLER_ACCOUNT}:role/Deploy`;
const OTHER_ACCOUNT_ROLE = `arn:aws:iam::${ROLE_ACCOUNT}:role/Deploy`;
const FEDERATED_USER_ARN = `arn:aws:sts::${CALLER_ACCOUNT}:federated-user/carol`;
const FEDERATED_USER: PrincipalIdentity = { type: "AWS", accountId: CALLER_ACCOUNT, names: [FEDERATED_USER_ARN] };

function allow(Action: string = GET, Resource = "*"): object {
  return { Effect: "Allow", Action, Resource };
}

function deny(Action: string = GET, Resource = "*"): object {
  return { Effect: "Deny", Action, Resource };
}

/** Builds a resource policy statement that allows `principal` to perform the action. */
function grantTo(principal: unknown, Action: string = GET, extra: object = {}): object {
  return { Effect: "Allow", Principal: principal === "*" ? "*" : { AWS: principal }, Action, ...extra };
}

/** Builds a resource policy statement that denies the action to `principal`. */
function denyTo(principal: unknown, Action: string = GET): object {
  return { ...grantTo(principal, Action), Effect: "Deny" };
}

interface CombinationCase {
  caller: PrincipalIdentity;
  /** Account that owns the resource, the caller's account when absent. */
  resourceAccount?: string;
  identity?: readonly object[];
  boundary?: readonly object[];
  /** Statements of one session policy. An empty array passes an empty list of session policies. */
  session?: readonly object[];
  resource?: readonly object[];
  mode?: "resource" | "trust";
  action?: string;
  keys?: ContextKeys;
  expected: Decision;
  deciding?: PolicyType;
}

function inputFor(testCase: CombinationCase): AuthorizationInput {
  const action = testCase.action ?? GET;
  const resourceAccount = testCase.resourceAccount ?? CALLER_ACCOUNT;
  let resource = OBJECT;
  if (testCase.mode === "trust") resource = resourceAccount === CALLER_ACCOUNT ? SAME_ACCOUNT_ROLE : OTHER_ACCOUNT_ROLE;
  const session = testCase.session;

  return {
    request: { action, resource, principal: testCase.caller, keys: testCase.keys ?? {} },
    callerAccountId: testCase.caller.accountId!,
    resourceAccountId: resourceAccount,
    identityPolicies: testCase.identity === undefined ? [] : [policyOf("identity", testCase.identity)],
    ...(testCase.boundary === undefined ? {} : { permissionsBoundary: policyOf("identity", testCase.boundary) }),
    ...(session === undefined ? {} : { sessionPolicies: session.length === 0 ? [] : [policyOf("session", session)] }),
    ...(testCase.resource === undefined ? {} : { resourcePolicy: policyOf("trust", testCase.resource) }),
    ...(testCase.mode === undefined ? {} : { resourcePolicyMode: testCase.mode }),
  };
}

describe("authorizeRequest within one account", () => {
  const cases: Record<string, CombinationCase> = {
    "identity allows": { caller: ALICE, identity: [allow()], expected: "Allow" },
    "nothing allows": { caller: ALICE, expected: "ImplicitDeny", deciding: "identity" },
    "identity allows for another action": { caller: ALICE, identity: [allow("s3:PutObject")], expected: "ImplicitDeny", deciding: "identity" },
    "identity allows beside a resource policy for others": { caller: ALICE, identity: [allow()], resource: [grantTo(`arn:aws:iam::${CALLER_ACCOUNT}:user/bob`)], expected: "Allow" },
    "resource names the user ARN": { caller: ALICE, resource: [grantTo(ALICE_ARN)], expected: "Allow" },
    "resource names the user id": { caller: ALICE, resource: [grantTo(ALICE_ID)], expected: "Allow" },
    "resource names everyone": { caller: ALICE, resource: [grantTo("*")], expected: "Allow" },
    "resource names the account root": { caller: ALICE, resource: [grantTo(CALLER_ROOT_ARN)], expected: "ImplicitDeny", deciding: "identity" },
    "resource names the account id": { caller: ALICE, resource: [grantTo(CALLER_ACCOUNT)], expected: "ImplicitDeny", deciding: "identity" },
    "resource names the account and identity allows": { caller: ALICE, identity: [allow()], resource: [grantTo(CALLER_ACCOUNT)], expected: "Allow" },
    "resource allows another action": { caller: ALICE, resource: [grantTo(ALICE_ARN, "s3:PutObject")], expected: "ImplicitDeny", deciding: "identity" },
    "resource denies the user": { caller: ALICE, identity: [allow()], resource: [denyTo(ALICE_ARN)], expected: "ExplicitDeny", deciding: "resource" },
    "resource denies everyone": { caller: ALICE, identity: [allow()], resource: [grantTo(ALICE_ARN), denyTo("*")], expected: "ExplicitDeny", deciding: "resource" },
    "resource denies another user": { caller: ALICE, identity: [allow()], resource: [denyTo(`arn:aws:iam::${CALLER_ACCOUNT}:user/bob`)], expected: "Allow" },
    "identity denies a resource grant": { caller: ALICE, identity: [deny()], resource: [grantTo(ALICE_ARN)], expected: "ExplicitDeny", deciding: "identity" },
    "identity and resource both deny": { caller: ALICE, identity: [deny()], resource: [denyTo(ALICE_ARN)], expected: "ExplicitDeny", deciding: "resource" },
    // Permissions boundary of an IAM user.
    "boundary allows": { caller: ALICE, identity: [allow()], boundary: [allow("s3:*")], expected: "Allow" },
    "boundary lacks the action": { caller: ALICE, identity: [allow()], boundary: [allow("ec2:*")], expected: "ImplicitDeny", deciding: "boundary" },
    "boundary alone grants nothing": { caller: ALICE, boundary: [allow("s3:*")], expected: "ImplicitDeny", deciding: "identity" },
    "boundary denies": { caller: ALICE, identity: [allow()], boundary: [allow("*"), deny()], expected: "ExplicitDeny", deciding: "boundary" },
    "boundary lacks, resource names the user": { caller: ALICE, boundary: [allow("ec2:*")], resource: [grantTo(ALICE_ARN)], expected: "Allow" },
    "boundary lacks, resource names the account": { caller: ALICE, identity: [allow()], boundary: [allow("ec2:*")], resource: [grantTo(CALLER_ROOT_ARN)], expected: "ImplicitDeny", deciding: "boundary" },
    "boundary denies a resource grant": { caller: ALICE, boundary: [allow("*"), deny()], resource: [grantTo(ALICE_ARN)], expected: "ExplicitDeny", deciding: "boundary" },
    // Role sessions and session policies.
    "role session without session policy": { caller: BUILDER_SESSION, identity: [allow()], expected: "Allow" },
    "session policy allows": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:Get*")], expected: "Allow" },
    "session policy lacks the action": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:List*")], expected: "ImplicitDeny", deciding: "session" },
    "session policy alone grants nothing": { caller: BUILDER_SESSION, session: [allow()], expected: "ImplicitDeny", deciding: "identity" },
    "session policy list without policies": { caller: BUILDER_SESSION, identity: [allow()], session: [], expected: "ImplicitDeny", deciding: "session" },
    "session policy denies": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("*"), deny()], expected: "ExplicitDeny", deciding: "session" },
    "session lacks, resource names the session": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:List*")], resource: [grantTo(BUILDER_SESSION_ARN)], expected: "Allow" },
    "session lacks, resource names the role": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:List*")], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "ImplicitDeny", deciding: "session" },
    "session lacks, resource names the role id": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:List*")], resource: [grantTo(BUILDER_ROLE_ID)], expected: "ImplicitDeny", deciding: "session" },
    "session lacks, resource names the account": { caller: BUILDER_SESSION, identity: [allow()], session: [allow("s3:List*")], resource: [grantTo(CALLER_ACCOUNT)], expected: "ImplicitDeny", deciding: "session" },
    "session lacks, resource names everyone": { caller: BUILDER_SESSION, session: [allow("s3:List*")], resource: [grantTo("*")], expected: "Allow" },
    "session allows, resource names the role": { caller: BUILDER_SESSION, session: [allow()], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "Allow" },
    "no session policy, resource names the role": { caller: BUILDER_SESSION, resource: [grantTo(BUILDER_ROLE_ARN)], expected: "Allow" },
    "session and role both named": { caller: BUILDER_SESSION, session: [allow("s3:List*")], resource: [grantTo([BUILDER_ROLE_ARN, BUILDER_SESSION_ARN])], expected: "Allow" },
    "session denies a session grant": { caller: BUILDER_SESSION, session: [allow("*"), deny()], resource: [grantTo(BUILDER_SESSION_ARN)], expected: "ExplicitDeny", deciding: "session" },
    "role boundary lacks, resource names the role": { caller: BUILDER_SESSION, boundary: [allow("ec2:*")], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "ImplicitDeny", deciding: "identity" },
    "role boundary lacks, identity allows, resource names the role": { caller: BUILDER_SESSION, identity: [allow()], boundary: [allow("ec2:*")], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "ImplicitDeny", deciding: "boundary" },
    "role boundary lacks, resource names the session": { caller: BUILDER_SESSION, boundary: [allow("ec2:*")], resource: [grantTo(BUILDER_SESSION_ARN)], expected: "Allow" },
    "role boundary and session allow, resource names the role": { caller: BUILDER_SESSION, boundary: [allow("s3:*")], session: [allow()], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "Allow" },
    "federated user without session policy": { caller: FEDERATED_USER, identity: [allow()], session: [], expected: "ImplicitDeny", deciding: "session" },
    "federated user named by the resource": { caller: FEDERATED_USER, identity: [allow()], session: [], resource: [grantTo(FEDERATED_USER_ARN)], expected: "Allow" },
    // Conditions of the resource policy.
    "resource condition holds": { caller: ALICE, resource: [grantTo(ALICE_ARN, GET, { Condition: { Bool: { "aws:SecureTransport": "true" } } })], keys: { "aws:SecureTransport": "true" }, expected: "Allow" },
    "resource condition fails": { caller: ALICE, resource: [grantTo(ALICE_ARN, GET, { Condition: { Bool: { "aws:SecureTransport": "true" } } })], keys: { "aws:SecureTransport": "false" }, expected: "ImplicitDeny", deciding: "identity" },
  };

  it("has at least 40 cases", () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(40);
  });

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const result = authorizeRequest(inputFor(testCase));

    expect(result.decision).toBe(testCase.expected);
    expect(result.deciding).toBe(testCase.deciding);
  });
});

describe("authorizeRequest across accounts", () => {
  const cases: Record<string, CombinationCase> = {
    "both allow": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo(ALICE_ARN)], expected: "Allow" },
    "identity alone": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], expected: "ImplicitDeny", deciding: "resource" },
    "resource alone": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, resource: [grantTo(ALICE_ARN)], expected: "ImplicitDeny", deciding: "identity" },
    "resource names the caller account": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo(CALLER_ROOT_ARN)], expected: "Allow" },
    "resource names another account": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo(`arn:aws:iam::${ROLE_ACCOUNT}:root`)], expected: "ImplicitDeny", deciding: "resource" },
    "resource names everyone": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo("*")], expected: "Allow" },
    "resource names everyone, identity lacks": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, resource: [grantTo("*")], expected: "ImplicitDeny", deciding: "identity" },
    "boundary lacks": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], boundary: [allow("ec2:*")], resource: [grantTo(ALICE_ARN)], expected: "ImplicitDeny", deciding: "boundary" },
    "session lacks, resource names the session": { caller: BUILDER_SESSION, resourceAccount: OTHER_ACCOUNT, identity: [allow()], session: [allow("s3:List*")], resource: [grantTo(BUILDER_SESSION_ARN)], expected: "ImplicitDeny", deciding: "session" },
    "session allows": { caller: BUILDER_SESSION, resourceAccount: OTHER_ACCOUNT, identity: [allow()], session: [allow()], resource: [grantTo(BUILDER_ROLE_ARN)], expected: "Allow" },
    "resource denies": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo(CALLER_ACCOUNT), denyTo(ALICE_ARN)], expected: "ExplicitDeny", deciding: "resource" },
    "resource denies, identity lacks": { caller: OUTSIDER, resourceAccount: CALLER_ACCOUNT, resource: [denyTo(OTHER_ACCOUNT)], expected: "ExplicitDeny", deciding: "resource" },
    "resource condition fails": { caller: ALICE, resourceAccount: OTHER_ACCOUNT, identity: [allow()], resource: [grantTo(ALICE_ARN, GET, { Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } })], expected: "ImplicitDeny", deciding: "resource" },
    "outsider to the caller account": { caller: OUTSIDER, resourceAccount: CALLER_ACCOUNT, identity: [allow()], resource: [grantTo(OTHER_ACCOUNT)], expected: "Allow" },
  };

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const result = authorizeRequest(inputFor(testCase));

    expect(result.decision).toBe(testCase.expected);
    expect(result.deciding).toBe(testCase.deciding);
  });
});

describe("authorizeRequest with a trust policy", () => {
  const trust = (testCase: Omit<CombinationCase, "mode" | "action">): CombinationCase => ({ ...testCase, mode: "trust", action: ASSUME });
  const cases: Record<string, CombinationCase> = {
    "trust names the user": trust({ caller: ALICE, resource: [grantTo(ALICE_ARN, ASSUME)], expected: "Allow" }),
    "trust names the account": trust({ caller: ALICE, resource: [grantTo(CALLER_ACCOUNT, ASSUME)], expected: "ImplicitDeny", deciding: "identity" }),
    "trust names the account, identity allows": trust({ caller: ALICE, identity: [allow(ASSUME)], resource: [grantTo(CALLER_ACCOUNT, ASSUME)], expected: "Allow" }),
    "identity allows, trust names others": trust({ caller: ALICE, identity: [allow(ASSUME)], resource: [grantTo(`arn:aws:iam::${CALLER_ACCOUNT}:user/bob`, ASSUME)], expected: "ImplicitDeny", deciding: "resource" }),
    "identity allows, no trust policy": trust({ caller: ALICE, identity: [allow(ASSUME)], expected: "ImplicitDeny", deciding: "resource" }),
    "trust denies the user": trust({ caller: ALICE, identity: [allow(ASSUME)], resource: [grantTo(CALLER_ACCOUNT, ASSUME), denyTo(ALICE_ARN, ASSUME)], expected: "ExplicitDeny", deciding: "resource" }),
    "identity denies": trust({ caller: ALICE, identity: [deny(ASSUME)], resource: [grantTo(ALICE_ARN, ASSUME)], expected: "ExplicitDeny", deciding: "identity" }),
    "other account, trust names the user": trust({ caller: ALICE, resourceAccount: ROLE_ACCOUNT, identity: [allow(ASSUME)], resource: [grantTo(ALICE_ARN, ASSUME)], expected: "Allow" }),
    "other account, identity lacks": trust({ caller: ALICE, resourceAccount: ROLE_ACCOUNT, resource: [grantTo(ALICE_ARN, ASSUME)], expected: "ImplicitDeny", deciding: "identity" }),
    "other account, trust names the account": trust({ caller: ALICE, resourceAccount: ROLE_ACCOUNT, identity: [allow(ASSUME)], resource: [grantTo(CALLER_ROOT_ARN, ASSUME)], expected: "Allow" }),
    "other account, trust lacks": trust({ caller: ALICE, resourceAccount: ROLE_ACCOUNT, identity: [allow(ASSUME)], resource: [grantTo(OTHER_ACCOUNT, ASSUME)], expected: "ImplicitDeny", deciding: "resource" }),
    "chained, session lacks, trust names the role": trust({ caller: BUILDER_SESSION, identity: [allow(ASSUME)], session: [allow("s3:*")], resource: [grantTo(BUILDER_ROLE_ARN, ASSUME)], expected: "ImplicitDeny", deciding: "session" }),
    "chained, session lacks, trust names the session": trust({ caller: BUILDER_SESSION, session: [allow("s3:*")], resource: [grantTo(BUILDER_SESSION_ARN, ASSUME)], expected: "Allow" }),
    "ExternalId present": trust({ caller: OUTSIDER, resourceAccount: CALLER_ACCOUNT, identity: [allow(ASSUME)], resource: [grantTo(OTHER_ACCOUNT, ASSUME, { Condition: { StringEquals: { "sts:ExternalId": "Unique-3f9a" } } })], keys: { "sts:ExternalId": "Unique-3f9a" }, expected: "Allow" }),
    "ExternalId missing": trust({ caller: OUTSIDER, resourceAccount: CALLER_ACCOUNT, identity: [allow(ASSUME)], resource: [grantTo(OTHER_ACCOUNT, ASSUME, { Condition: { StringEquals: { "sts:ExternalId": "Unique-3f9a" } } })], expected: "ImplicitDeny", deciding: "resource" }),
  };

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const result = authorizeRequest(inputFor(testCase));

    expect(result.decision).toBe(testCase.expected);
    expect(result.deciding).toBe(testCase.deciding);
  });
});

describe("authorizeRequest explanation", () => {
  it.each<[string, PrincipalIdentity, unknown, GrantScope]>([
    ["user ARN", ALICE, ALICE_ARN, "caller"],
    ["user id", ALICE, ALICE_ID, "caller"],
    ["star", ALICE, "*", "caller"],
    ["root ARN", ALICE, CALLER_ROOT_ARN, "account"],
    ["account id", ALICE, CALLER_ACCOUNT, "account"],
    ["session ARN", BUILDER_SESSION, BUILDER_SESSION_ARN, "caller"],
    ["role ARN", BUILDER_SESSION, BUILDER_ROLE_ARN, "role"],
    ["role id", BUILDER_SESSION, BUILDER_ROLE_ID, "role"],
    ["account and role", BUILDER_SESSION, [CALLER_ACCOUNT, BUILDER_ROLE_ARN], "role"],
    ["role and star", BUILDER_SESSION, [BUILDER_ROLE_ARN, "*"], "caller"],
  ])("names the grant to %s", (_name, caller, principal, scope) => {
    const result = authorizeRequest(inputFor({ caller, resource: [grantTo(principal)], expected: "Allow" }));

    expect(result.explanation.resourceGrant).toBe(scope);
  });

  it("takes the widest grant across statements", () => {
    const result = authorizeRequest(
      inputFor({ caller: BUILDER_SESSION, resource: [grantTo(CALLER_ACCOUNT), grantTo(BUILDER_SESSION_ARN), grantTo(BUILDER_ROLE_ARN)], expected: "Allow" }),
    );

    expect(result.explanation.resourceGrant).toBe("caller");
  });

  it("omits the grant without an Allow", () => {
    const result = authorizeRequest(inputFor({ caller: ALICE, identity: [allow()], resource: [grantTo(ALICE_ARN), denyTo("*")], expected: "ExplicitDeny" }));

    expect(result.explanation.resource?.decision).toBe("ExplicitDeny");
    expect(result.explanation.resourceGrant).toBeUndefined();
  });

  it("evaluates every given policy type", () => {
    const result = authorizeRequest(
      inputFor({
        caller: BUILDER_SESSION,
        identity: [{ Sid: "Reports", ...allow() }],
        boundary: [{ Sid: "Ec2Only", ...allow("ec2:*") }],
        session: [{ Sid: "ReadOnly", ...allow("s3:Get*") }],
        resource: [{ Sid: "DenyWithoutTls", ...denyTo("*"), Condition: { Bool: { "aws:SecureTransport": "false" } } }],
        keys: { "aws:SecureTransport": "true" },
        expected: "ImplicitDeny",
      }),
    );

    expect(result.decision).toBe("ImplicitDeny");
    expect(result.deciding).toBe("boundary");
    expect(result.explanation.identity.matched).toEqual([{ policyIndex: 0, statementIndex: 0, sid: "Reports", effect: "Allow" }]);
    expect(result.explanation.boundary?.decision).toBe("ImplicitDeny");
    expect(result.explanation.boundary?.matched).toEqual([]);
    expect(result.explanation.session?.matched).toEqual([{ policyIndex: 0, statementIndex: 0, sid: "ReadOnly", effect: "Allow" }]);
    expect(result.explanation.resource?.decision).toBe("ImplicitDeny");
    expect(result.explanation.resource?.failedConditions.map((failure) => [failure.sid, failure.key])).toEqual([
      ["DenyWithoutTls", "aws:SecureTransport"],
    ]);
  });

  it("leaves out types not given", () => {
    const result = authorizeRequest(inputFor({ caller: ALICE, identity: [allow()], expected: "Allow" }));

    expect(Object.keys(result.explanation)).toEqual(["identity"]);
    expect(result.deciding).toBeUndefined();
  });

  it("substitutes variables in every policy type", () => {
    const own = `arn:aws:s3:::reports/\${aws:username}/*`;
    const input = inputFor({
      caller: ALICE,
      identity: [allow(GET, own)],
      boundary: [allow(GET, own)],
      resource: [{ ...grantTo(ALICE_ARN), Resource: own }],
      keys: { "aws:username": "alice" },
      expected: "Allow",
    });

    const ownObject = authorizeRequest({ ...input, request: { ...input.request, resource: "arn:aws:s3:::reports/alice/a" } });
    const otherObject = authorizeRequest({ ...input, request: { ...input.request, resource: "arn:aws:s3:::reports/bob/a" } });

    expect(ownObject.decision).toBe("Allow");
    expect(ownObject.explanation.resource?.decision).toBe("Allow");
    expect(ownObject.explanation.boundary?.decision).toBe("Allow");
    expect(otherObject.decision).toBe("ImplicitDeny");
    expect(otherObject.explanation.resource?.decision).toBe("ImplicitDeny");
  });
});

describe("authorizeRequest input checks", () => {
  it("requires a principal for a resource policy", () => {
    const input = inputFor({ caller: ALICE, resource: [grantTo(ALICE_ARN)], expected: "Allow" });
    const { principal: _principal, ...request } = input.request;

    expect(() => authorizeRequest({ ...input, request })).toThrow(TypeError);
  });

  it("rejects a resource policy without principals", () => {
    const input = inputFor({ caller: ALICE, expected: "Allow" });

    expect(() => authorizeRequest({ ...input, resourcePolicy: policyOf("identity", allow()) })).toThrow(TypeError);
  });

  it("rejects a trust policy as identity policy", () => {
    const input = inputFor({ caller: ALICE, expected: "Allow" });

    expect(() => authorizeRequest({ ...input, identityPolicies: [policyOf("trust", grantTo(ALICE_ARN))] })).toThrow(TypeError);
  });
});
