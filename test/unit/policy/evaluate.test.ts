import { describe, expect, it } from "vitest";
import { evaluateIdentityPolicies, evaluateResourcePolicy } from "../../../shared/policy/index.js";
import type { ContextKeys, Decision, PrincipalGrant, PrincipalIdentity } from "../../../shared/policy/index.js";
import {
  ALICE,
  ALICE_ARN,
  ALICE_ID,
  BUILDER_ROLE_ARN,
  BUILDER_ROLE_ID,
  BUILDER_SESSION,
  BUILDER_SESSION_ARN,
  CALLER_ACCOUNT,
  CALLER_ROOT,
  CALLER_ROOT_ARN,
  EC2_SERVICE,
  GITHUB_PROVIDER_ARN,
  GITHUB_WORKFLOW,
  OTHER_ACCOUNT,
  OUTSIDER,
  policyOf,
  ROLE_ARN,
} from "./fixtures.js";

const ASSUME = "sts:AssumeRole";
const DEV_ROLE = "arn:aws:iam::444455556666:role/Dev";
const PROD_ROLE = "arn:aws:iam::444455556666:role/Prod";

function allow(Action: unknown, Resource: unknown = "*", extra: object = {}): object {
  return { Effect: "Allow", Action, Resource, ...extra };
}

function deny(Action: unknown, Resource: unknown = "*", extra: object = {}): object {
  return { Effect: "Deny", Action, Resource, ...extra };
}

interface IdentityCase {
  policies: readonly (readonly object[])[];
  action?: string;
  resource?: string;
  keys?: ContextKeys;
  expected: Decision;
}

describe("evaluateIdentityPolicies", () => {
  const cases: Record<string, IdentityCase> = {
    "no policies": { policies: [], expected: "ImplicitDeny" },
    "policy with only other actions": { policies: [[allow("iam:CreateUser")]], expected: "ImplicitDeny" },
    "exact action and resource": { policies: [[allow(ASSUME, DEV_ROLE)]], expected: "Allow" },
    "other resource": { policies: [[allow(ASSUME, PROD_ROLE)]], expected: "ImplicitDeny" },
    "star action and resource": { policies: [[allow("*")]], expected: "Allow" },
    "allow and deny in one statement list": { policies: [[allow(ASSUME), deny(ASSUME)]], expected: "ExplicitDeny" },
    "deny listed before allow": { policies: [[deny(ASSUME), allow(ASSUME)]], expected: "ExplicitDeny" },
    "deny only": { policies: [[deny(ASSUME)]], expected: "ExplicitDeny" },
    "deny of another action": { policies: [[allow(ASSUME), deny("sts:TagSession")]], expected: "Allow" },
    "deny of another resource": { policies: [[allow(ASSUME), deny(ASSUME, PROD_ROLE)]], expected: "Allow" },
    "deny in a second policy": { policies: [[allow(ASSUME)], [deny(ASSUME, DEV_ROLE)]], expected: "ExplicitDeny" },
    "deny in the first policy": { policies: [[deny("sts:*")], [allow("*")]], expected: "ExplicitDeny" },
    "allow in a second policy": { policies: [[allow("iam:*")], [allow(ASSUME)]], expected: "Allow" },
    "three policies with one deny": {
      policies: [[allow("sts:*")], [allow(ASSUME, DEV_ROLE)], [allow("iam:*"), deny("sts:Assume*", "arn:aws:iam::*:role/D*")]],
      expected: "ExplicitDeny",
    },
    "action in upper case": { policies: [[allow("STS:ASSUMEROLE")]], expected: "Allow" },
    "request action in lower case": { policies: [[allow(ASSUME)]], action: "sts:assumerole", expected: "Allow" },
    "deny pattern in other case": { policies: [[allow("*"), deny("STS:assume*")]], expected: "ExplicitDeny" },
    "action prefix wildcard": { policies: [[allow("sts:Assume*")]], expected: "Allow" },
    "action single-character wildcard": { policies: [[allow("sts:Assume?ole")]], expected: "Allow" },
    "action wildcard not matching": { policies: [[allow("sts:Get*")]], expected: "ImplicitDeny" },
    "action in a list": { policies: [[allow(["iam:CreateUser", ASSUME])]], expected: "Allow" },
    "service wildcard": { policies: [[allow("*:*")]], expected: "Allow" },
    "similar service prefix": { policies: [[allow("stsx:AssumeRole")]], expected: "ImplicitDeny" },
    "action prefix without wildcard": { policies: [[allow("sts:Assume")]], expected: "ImplicitDeny" },
    "NotAction excluding other service": { policies: [[{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }]], expected: "Allow" },
    "NotAction excluding the action": { policies: [[{ Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }]], expected: "ImplicitDeny" },
    "deny NotAction hits the action": {
      policies: [[allow("*"), { Effect: "Deny", NotAction: "sts:GetCallerIdentity", Resource: "*" }]],
      expected: "ExplicitDeny",
    },
    "deny NotAction spares the action": {
      policies: [[allow("*"), { Effect: "Deny", NotAction: ASSUME, Resource: "*" }]],
      expected: "Allow",
    },
    "NotResource excluding other role": { policies: [[{ Effect: "Allow", Action: ASSUME, NotResource: PROD_ROLE }]], expected: "Allow" },
    "NotResource excluding the role": {
      policies: [[{ Effect: "Allow", Action: ASSUME, NotResource: "arn:aws:iam::*:role/D*" }]],
      expected: "ImplicitDeny",
    },
    "deny NotResource outside the allowed roles": {
      policies: [[allow(ASSUME), { Effect: "Deny", Action: ASSUME, NotResource: "arn:aws:iam::*:role/Dev*" }]],
      resource: PROD_ROLE,
      expected: "ExplicitDeny",
    },
    "deny NotResource spares the role": {
      policies: [[allow(ASSUME), { Effect: "Deny", Action: ASSUME, NotResource: "arn:aws:iam::*:role/Dev*" }]],
      expected: "Allow",
    },
    "deny NotAction and NotResource hits": {
      policies: [[allow("*"), { Effect: "Deny", NotAction: "iam:*", NotResource: DEV_ROLE }]],
      resource: PROD_ROLE,
      expected: "ExplicitDeny",
    },
    "deny NotAction and NotResource spares": {
      policies: [[allow("*"), { Effect: "Deny", NotAction: "iam:*", NotResource: DEV_ROLE }]],
      expected: "Allow",
    },
    "resource wildcard": { policies: [[allow(ASSUME, "arn:aws:iam::444455556666:role/*")]], expected: "Allow" },
    "resource wildcard across a path": {
      policies: [[allow(ASSUME, "arn:aws:iam::444455556666:role/team/*")]],
      resource: "arn:aws:iam::444455556666:role/team/sub/Dev",
      expected: "Allow",
    },
    "resource in other case": { policies: [[allow(ASSUME, "arn:aws:iam::444455556666:role/dev")]], expected: "ImplicitDeny" },
    "resource any account": { policies: [[allow(ASSUME, "arn:aws:iam::*:role/Dev")]], expected: "Allow" },
    "resource account with ?": { policies: [[allow(ASSUME, "arn:aws:iam::44445555666?:role/Dev")]], expected: "Allow" },
    "resource in other account": { policies: [[allow(ASSUME, `arn:aws:iam::${OTHER_ACCOUNT}:role/Dev`)]], expected: "ImplicitDeny" },
    "resource in other partition": { policies: [[allow(ASSUME, "arn:aws-cn:iam::444455556666:role/Dev")]], expected: "ImplicitDeny" },
    "request resource not an ARN": {
      policies: [[allow(ASSUME, "arn:aws:iam::*:role/*")]],
      resource: "role/Dev",
      expected: "ImplicitDeny",
    },
    "resource list": { policies: [[allow(ASSUME, [PROD_ROLE, DEV_ROLE])]], expected: "Allow" },
    "allow condition holds": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "ops" } } })]],
      keys: { "aws:PrincipalTag/team": "ops" },
      expected: "Allow",
    },
    "allow condition fails": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "ops" } } })]],
      keys: { "aws:PrincipalTag/team": "dev" },
      expected: "ImplicitDeny",
    },
    "deny condition fails": {
      policies: [[allow(ASSUME), deny(ASSUME, "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "ops" } } })]],
      keys: { "aws:PrincipalTag/team": "dev" },
      expected: "Allow",
    },
    "deny condition holds": {
      policies: [[allow(ASSUME), deny(ASSUME, "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "ops" } } })]],
      keys: { "aws:PrincipalTag/team": "ops" },
      expected: "ExplicitDeny",
    },
    "deny negated condition on missing key": {
      policies: [[allow(ASSUME), deny(ASSUME, "*", { Condition: { StringNotEquals: { "aws:PrincipalTag/team": "ops" } } })]],
      expected: "ExplicitDeny",
    },
    "deny negated IfExists on missing key": {
      policies: [[allow(ASSUME), deny(ASSUME, "*", { Condition: { StringNotEqualsIfExists: { "aws:PrincipalTag/team": "ops" } } })]],
      expected: "ExplicitDeny",
    },
    "allow with MFA present": {
      policies: [[allow(ASSUME, "*", { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })]],
      keys: { "aws:MultiFactorAuthPresent": "true" },
      expected: "Allow",
    },
    "allow with MFA key missing": {
      policies: [[allow(ASSUME, "*", { Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } })]],
      expected: "ImplicitDeny",
    },
    "deny without MFA on long-term keys": {
      policies: [[allow(ASSUME), deny("*", "*", { Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } })]],
      expected: "ExplicitDeny",
    },
    "deny without MFA spares MFA sessions": {
      policies: [[allow(ASSUME), deny("*", "*", { Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } } })]],
      keys: { "aws:MultiFactorAuthPresent": "true" },
      expected: "Allow",
    },
    "conditions are ANDed across operators": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "test:a": "1" }, StringLike: { "test:b": "x*" } } })]],
      keys: { "test:a": "1", "test:b": "yz" },
      expected: "ImplicitDeny",
    },
    "conditions all hold": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "test:a": "1" }, StringLike: { "test:b": "x*" } } })]],
      keys: { "test:a": "1", "test:b": "xyz" },
      expected: "Allow",
    },
    "conditions are ANDed across keys": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "test:a": "1", "test:b": "2" } } })]],
      keys: { "test:a": "1" },
      expected: "ImplicitDeny",
    },
    "condition values are ORed": {
      policies: [[allow(ASSUME, "*", { Condition: { StringEquals: { "test:a": ["1", "2"] } } })]],
      keys: { "test:a": "2" },
      expected: "Allow",
    },
    "source IP outside the range": {
      policies: [[allow(ASSUME), deny("*", "*", { Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })]],
      keys: { "aws:SourceIp": "198.51.100.4" },
      expected: "ExplicitDeny",
    },
    "source IP inside the range": {
      policies: [[allow(ASSUME), deny("*", "*", { Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } } })]],
      keys: { "aws:SourceIp": "203.0.113.4" },
      expected: "Allow",
    },
    "request before an expiry date": {
      policies: [[allow(ASSUME, "*", { Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } } })]],
      keys: { "aws:CurrentTime": "2026-06-01T00:00:00Z" },
      expected: "Allow",
    },
    "request after an expiry date": {
      policies: [[allow(ASSUME, "*", { Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } } })]],
      keys: { "aws:CurrentTime": "2031-06-01T00:00:00Z" },
      expected: "ImplicitDeny",
    },
    "deny all IAM but allow STS": { policies: [[allow("*"), deny("iam:*")]], expected: "Allow" },
    "deny all IAM for an IAM action": { policies: [[allow("*"), deny("iam:*")]], action: "iam:CreateUser", expected: "ExplicitDeny" },
  };

  it("has at least 50 cases", () => {
    expect(Object.keys(cases).length).toBeGreaterThanOrEqual(50);
  });

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const policies = testCase.policies.map((statements) => policyOf("identity", statements));

    const evaluation = evaluateIdentityPolicies(policies, {
      action: testCase.action ?? ASSUME,
      resource: testCase.resource ?? DEV_ROLE,
      keys: testCase.keys ?? {},
    });

    expect(evaluation.decision).toBe(testCase.expected);
    expect(evaluation.grantedVia).toBeUndefined();
  });

  it("evaluates session policies alike", () => {
    const session = policyOf("session", [allow("sts:*", "arn:aws:iam::*:role/Dev")]);

    expect(evaluateIdentityPolicies([session], { action: ASSUME, resource: DEV_ROLE, keys: {} }).decision).toBe("Allow");
    expect(evaluateIdentityPolicies([session], { action: ASSUME, resource: PROD_ROLE, keys: {} }).decision).toBe("ImplicitDeny");
  });

  it("explains matches and failed conditions", () => {
    const first = policyOf("identity", [
      { Sid: "AllowSts", ...allow("sts:*") },
      { Sid: "DenyOutsideTeam", ...deny(ASSUME, "*", { Condition: { StringNotEquals: { "aws:PrincipalTag/team": ["ops", "sec"] } } }) },
    ]);
    const second = policyOf("identity", [
      allow(ASSUME, "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "dev" }, Bool: { "aws:SecureTransport": "true" } } }),
      allow("iam:*"),
    ]);

    const evaluation = evaluateIdentityPolicies([first, second], {
      action: ASSUME,
      resource: DEV_ROLE,
      keys: { "aws:PrincipalTag/team": "ops" },
    });

    expect(evaluation.decision).toBe("Allow");
    expect(evaluation.matched).toEqual([{ policyIndex: 0, statementIndex: 0, sid: "AllowSts", effect: "Allow" }]);
    expect(evaluation.failedConditions).toEqual([
      {
        policyIndex: 0,
        statementIndex: 1,
        sid: "DenyOutsideTeam",
        effect: "Deny",
        operator: "StringNotEquals",
        key: "aws:PrincipalTag/team",
        policyValues: ["ops", "sec"],
        contextValues: ["ops"],
      },
      {
        policyIndex: 1,
        statementIndex: 0,
        effect: "Allow",
        operator: "StringEquals",
        key: "aws:PrincipalTag/team",
        policyValues: ["dev"],
        contextValues: ["ops"],
      },
      {
        policyIndex: 1,
        statementIndex: 0,
        effect: "Allow",
        operator: "Bool",
        key: "aws:SecureTransport",
        policyValues: ["true"],
        contextValues: undefined,
      },
    ]);
  });

  it("lists every matching statement", () => {
    const policy = policyOf("identity", [allow("*"), deny("sts:*"), allow(ASSUME), deny("iam:*")]);

    const evaluation = evaluateIdentityPolicies([policy], { action: ASSUME, resource: DEV_ROLE, keys: {} });

    expect(evaluation.decision).toBe("ExplicitDeny");
    expect(evaluation.matched.map((match) => [match.statementIndex, match.effect])).toEqual([
      [0, "Allow"],
      [1, "Deny"],
      [2, "Allow"],
    ]);
    expect(evaluation.failedConditions).toEqual([]);
  });

  it("rejects trust policies", () => {
    const trust = policyOf("trust", { Effect: "Allow", Principal: { AWS: CALLER_ACCOUNT }, Action: ASSUME });

    expect(() => evaluateIdentityPolicies([trust], { action: ASSUME, resource: ROLE_ARN, keys: {} })).toThrow(TypeError);
  });
});

describe("evaluateResourcePolicy principals", () => {
  function trustFor(principal: unknown): object {
    return { Effect: "Allow", Principal: principal, Action: ASSUME };
  }

  const WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity";

  it.each<[string, readonly object[], PrincipalIdentity, Decision, PrincipalGrant | undefined, string?]>([
    ["user ARN", [trustFor({ AWS: ALICE_ARN })], ALICE, "Allow", "principal"],
    ["user unique id", [trustFor({ AWS: ALICE_ID })], ALICE, "Allow", "principal"],
    ["root ARN", [trustFor({ AWS: CALLER_ROOT_ARN })], ALICE, "Allow", "account"],
    ["account id", [trustFor({ AWS: CALLER_ACCOUNT })], ALICE, "Allow", "account"],
    ["star", [trustFor("*")], ALICE, "Allow", "wildcard"],
    ["AWS star", [trustFor({ AWS: "*" })], ALICE, "Allow", "wildcard"],
    ["root caller by root ARN", [trustFor({ AWS: CALLER_ROOT_ARN })], CALLER_ROOT, "Allow", "account"],
    ["session by role ARN", [trustFor({ AWS: BUILDER_ROLE_ARN })], BUILDER_SESSION, "Allow", "principal"],
    ["session by role unique id", [trustFor({ AWS: BUILDER_ROLE_ID })], BUILDER_SESSION, "Allow", "principal"],
    ["session by session ARN", [trustFor({ AWS: BUILDER_SESSION_ARN })], BUILDER_SESSION, "Allow", "principal"],
    ["session by account", [trustFor({ AWS: CALLER_ROOT_ARN })], BUILDER_SESSION, "Allow", "account"],
    ["other session name", [trustFor({ AWS: `arn:aws:sts::${CALLER_ACCOUNT}:assumed-role/Builder/other` })], BUILDER_SESSION, "ImplicitDeny", undefined],
    ["other account root", [trustFor({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` })], ALICE, "ImplicitDeny", undefined],
    ["other account id", [trustFor({ AWS: OTHER_ACCOUNT })], ALICE, "ImplicitDeny", undefined],
    ["caller account for outsider", [trustFor({ AWS: CALLER_ROOT_ARN })], OUTSIDER, "ImplicitDeny", undefined],
    ["other user", [trustFor({ AWS: `arn:aws:iam::${CALLER_ACCOUNT}:user/bob` })], ALICE, "ImplicitDeny", undefined],
    ["user ARN in other case", [trustFor({ AWS: `arn:aws:iam::${CALLER_ACCOUNT}:user/Alice` })], ALICE, "ImplicitDeny", undefined],
    ["root ARN in other partition", [trustFor({ AWS: `arn:aws-cn:iam::${CALLER_ACCOUNT}:root` })], ALICE, "ImplicitDeny", undefined],
    ["root ARN in caller partition", [trustFor({ AWS: `arn:aws-cn:iam::${CALLER_ACCOUNT}:root` })], { ...ALICE, partition: "aws-cn" }, "Allow", "account"],
    ["star and user ARN", [trustFor({ AWS: ["*", ALICE_ARN] })], ALICE, "Allow", "principal"],
    ["account and star statements", [trustFor("*"), trustFor({ AWS: CALLER_ACCOUNT })], ALICE, "Allow", "account"],
    ["user statement and account statement", [trustFor({ AWS: CALLER_ACCOUNT }), trustFor({ AWS: ALICE_ARN })], ALICE, "Allow", "principal"],
    ["user ARN and star", [trustFor({ AWS: [ALICE_ARN, "*"] })], ALICE, "Allow", "principal"],
    ["account and star in one list", [trustFor({ AWS: [CALLER_ACCOUNT, "*"] })], ALICE, "Allow", "account"],
    ["account statement and star statement", [trustFor({ AWS: CALLER_ACCOUNT }), trustFor("*")], ALICE, "Allow", "account"],
    ["user statement and account statement reversed", [trustFor({ AWS: ALICE_ARN }), trustFor({ AWS: CALLER_ACCOUNT })], ALICE, "Allow", "principal"],
    ["federated provider", [{ ...trustFor({ Federated: GITHUB_PROVIDER_ARN }), Action: WEB_IDENTITY }], GITHUB_WORKFLOW, "Allow", "principal", WEB_IDENTITY],
    ["other federated provider", [{ ...trustFor({ Federated: "accounts.google.com" }), Action: WEB_IDENTITY }], GITHUB_WORKFLOW, "ImplicitDeny", undefined, WEB_IDENTITY],
    ["star for federated caller", [{ ...trustFor("*"), Action: WEB_IDENTITY }], GITHUB_WORKFLOW, "ImplicitDeny", undefined, WEB_IDENTITY],
    ["provider ARN under AWS", [{ ...trustFor({ AWS: GITHUB_PROVIDER_ARN }), Action: WEB_IDENTITY }], GITHUB_WORKFLOW, "ImplicitDeny", undefined, WEB_IDENTITY],
    ["user ARN under Federated", [trustFor({ Federated: ALICE_ARN })], ALICE, "ImplicitDeny", undefined],
    ["service principal", [trustFor({ Service: "ec2.amazonaws.com" })], EC2_SERVICE, "Allow", "principal"],
    ["other service principal", [trustFor({ Service: "lambda.amazonaws.com" })], EC2_SERVICE, "ImplicitDeny", undefined],
    ["deny for the user", [trustFor({ AWS: CALLER_ACCOUNT }), { ...trustFor({ AWS: ALICE_ARN }), Effect: "Deny" }], ALICE, "ExplicitDeny", undefined],
    ["deny for everyone", [trustFor({ AWS: ALICE_ARN }), { ...trustFor("*"), Effect: "Deny" }], ALICE, "ExplicitDeny", undefined],
    ["deny for another user", [trustFor({ AWS: CALLER_ACCOUNT }), { ...trustFor({ AWS: `arn:aws:iam::${CALLER_ACCOUNT}:user/bob` }), Effect: "Deny" }], ALICE, "Allow", "account"],
    ["other action", [{ ...trustFor({ AWS: ALICE_ARN }), Action: "sts:AssumeRoleWithSAML" }], ALICE, "ImplicitDeny", undefined],
    ["Resource naming the role", [{ ...trustFor({ AWS: ALICE_ARN }), Resource: ROLE_ARN }], ALICE, "Allow", "principal"],
    ["Resource naming another role", [{ ...trustFor({ AWS: ALICE_ARN }), Resource: "arn:aws:iam::444455556666:role/Other" }], ALICE, "ImplicitDeny", undefined],
  ])("%s", (_name, statements, caller, decision, grantedVia, action = ASSUME) => {
    const policy = policyOf("trust", statements);

    const evaluation = evaluateResourcePolicy(policy, { action, resource: ROLE_ARN, principal: caller, keys: {} });

    expect(evaluation.decision).toBe(decision);
    expect(evaluation.grantedVia).toBe(grantedVia);
  });

  it("requires a principal", () => {
    const policy = policyOf("trust", trustFor("*"));

    expect(() => evaluateResourcePolicy(policy, { action: ASSUME, resource: ROLE_ARN, keys: {} })).toThrow(TypeError);
  });

  it("rejects identity policies", () => {
    const policy = policyOf("identity", allow("*"));

    expect(() => evaluateResourcePolicy(policy, { action: ASSUME, resource: ROLE_ARN, principal: ALICE, keys: {} })).toThrow(
      TypeError,
    );
  });
});

describe("evaluateResourcePolicy conditions", () => {
  const externalIdTrust = policyOf("trust", {
    Sid: "VendorAccess",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
    Action: ASSUME,
    Condition: { StringEquals: { "sts:ExternalId": "Unique-3f9a" } },
  });

  it.each<[string, ContextKeys, Decision]>([
    ["matching", { "sts:ExternalId": "Unique-3f9a" }, "Allow"],
    ["key name in other case", { "STS:EXTERNALID": "Unique-3f9a" }, "Allow"],
    ["missing", {}, "ImplicitDeny"],
    ["wrong", { "sts:ExternalId": "Unique-0000" }, "ImplicitDeny"],
    ["value in other case", { "sts:ExternalId": "unique-3f9a" }, "ImplicitDeny"],
    ["empty", { "sts:ExternalId": "" }, "ImplicitDeny"],
  ])("ExternalId %s", (_name, keys, decision) => {
    const evaluation = evaluateResourcePolicy(externalIdTrust, { action: ASSUME, resource: ROLE_ARN, principal: OUTSIDER, keys });

    expect(evaluation.decision).toBe(decision);
  });

  it("explains a missing ExternalId", () => {
    const evaluation = evaluateResourcePolicy(externalIdTrust, { action: ASSUME, resource: ROLE_ARN, principal: OUTSIDER, keys: {} });

    expect(evaluation.matched).toEqual([]);
    expect(evaluation.grantedVia).toBeUndefined();
    expect(evaluation.failedConditions).toEqual([
      {
        policyIndex: 0,
        statementIndex: 0,
        sid: "VendorAccess",
        effect: "Allow",
        operator: "StringEquals",
        key: "sts:ExternalId",
        policyValues: ["Unique-3f9a"],
        contextValues: undefined,
      },
    ]);
  });

  it("skips conditions of other principals", () => {
    const evaluation = evaluateResourcePolicy(externalIdTrust, { action: ASSUME, resource: ROLE_ARN, principal: ALICE, keys: {} });

    expect(evaluation.decision).toBe("ImplicitDeny");
    expect(evaluation.failedConditions).toEqual([]);
  });

  const principalArnTrust = policyOf("trust", [
    {
      Effect: "Allow",
      Principal: { AWS: CALLER_ACCOUNT },
      Action: ASSUME,
      Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${CALLER_ACCOUNT}:role/Build*` } },
    },
    {
      Effect: "Deny",
      Principal: "*",
      Action: ASSUME,
      Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${CALLER_ACCOUNT}:role/BuildUntrusted` } },
    },
  ]);

  it.each<[string, PrincipalIdentity, string | undefined, Decision]>([
    ["role session of a matching role", BUILDER_SESSION, BUILDER_ROLE_ARN, "Allow"],
    ["denied role", BUILDER_SESSION, `arn:aws:iam::${CALLER_ACCOUNT}:role/BuildUntrusted`, "ExplicitDeny"],
    ["user of the account", ALICE, ALICE_ARN, "ImplicitDeny"],
    ["missing key", BUILDER_SESSION, undefined, "ImplicitDeny"],
    ["outsider with a matching ARN", OUTSIDER, `arn:aws:iam::${OTHER_ACCOUNT}:role/Builder`, "ImplicitDeny"],
  ])("PrincipalArn %s", (_name, caller, principalArn, decision) => {
    const evaluation = evaluateResourcePolicy(principalArnTrust, {
      action: ASSUME,
      resource: ROLE_ARN,
      principal: caller,
      keys: { "aws:PrincipalArn": principalArn },
    });

    expect(evaluation.decision).toBe(decision);
  });

  it("checks web identity claims", () => {
    const trust = policyOf("trust", {
      Effect: "Allow",
      Principal: { Federated: GITHUB_PROVIDER_ARN },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
        StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/app:*" },
      },
    });
    const request = (sub: string) => ({
      action: "sts:AssumeRoleWithWebIdentity",
      resource: ROLE_ARN,
      principal: GITHUB_WORKFLOW,
      keys: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": sub },
    });

    expect(evaluateResourcePolicy(trust, request("repo:acme/app:ref:refs/heads/main")).decision).toBe("Allow");
    expect(evaluateResourcePolicy(trust, request("repo:acme/other:ref:refs/heads/main")).decision).toBe("ImplicitDeny");
  });
});

describe("parsed policy as data", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, meant literally.
  const HOME = "arn:aws:s3:::home/${aws:username}/*";
  const policy = policyOf("identity", [
    allow(["s3:Get*", "S3:list?ucket"], ["arn:aws:s3:::photos/*", HOME]),
    deny("s3:*", "*", { Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    allow(ASSUME, "arn:aws:iam::*:role/team/*", {
      Condition: {
        IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"] },
        NumericLessThan: { "aws:MultiFactorAuthAge": "3600" },
        DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" },
        StringEqualsIgnoreCase: { "aws:RequestedRegion": "EU-WEST-1" },
        ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:user/*" },
      },
    }),
  ]);
  const teamRole = "arn:aws:iam::444455556666:role/team/Dev";
  const conditionKeys = {
    "aws:SourceIp": "10.1.2.3",
    "aws:MultiFactorAuthAge": "60",
    "aws:CurrentTime": "2026-12-04T10:00:00Z",
    "aws:RequestedRegion": "eu-west-1",
    "aws:PrincipalArn": ALICE_ARN,
  };
  const requests = [
    { action: "s3:GetObject", resource: "arn:aws:s3:::photos/cat.jpg", keys: {} },
    { action: "s3:ListBucket", resource: "arn:aws:s3:::home/alice/notes", keys: { "aws:username": "alice" } },
    { action: "s3:GetObject", resource: "arn:aws:s3:::home/bob/notes", keys: { "aws:username": "alice" } },
    { action: "s3:GetObject", resource: "arn:aws:s3:::photos/cat.jpg", keys: { "aws:SecureTransport": "false" } },
    { action: ASSUME, resource: teamRole, keys: conditionKeys },
    { action: ASSUME, resource: teamRole, keys: { ...conditionKeys, "aws:SourceIp": "2001:db9::1" } },
  ];
  const expected = requests.map((request) => evaluateIdentityPolicies([policy], request));

  it("covers every decision", () => {
    expect(new Set(expected.map((evaluation) => evaluation.decision))).toEqual(new Set(["Allow", "ExplicitDeny", "ImplicitDeny"]));
  });

  it.each([
    ["a JSON round trip", () => JSON.parse(JSON.stringify(policy))],
    ["structuredClone", () => structuredClone(policy)],
    ["no compiled form", () => ({ kind: policy.kind, version: policy.version, statements: policy.statements })],
    ["a compiled form of another layout", () => ({ ...policy, compiled: { format: 0, statements: [] } })],
  ])("decides alike after %s", (_name, copy) => {
    const copied = copy();

    requests.forEach((request, index) => {
      expect(evaluateIdentityPolicies([copied], request)).toEqual(expected[index]);
    });
  });
});
