import { describe, expect, it } from "vitest";
import { evaluateIdentityPolicies, parsePolicy } from "../../../shared/policy/index.js";
import type { ContextKeys, Decision, PolicyKind, PolicyTemplate } from "../../../shared/policy/index.js";
import { ServiceError } from "../../../shared/protocol/errors.js";
import { documentOf, policyOf, thrownBy } from "./fixtures.js";

/** Writes `${body}` without a string that linters take for a misplaced template placeholder. */
function ref(body: string): string {
  return `\${${body}}`;
}

const ACTION = "s3:GetObject";
const BUCKET = "arn:aws:s3:::reports";
const USER_PREFIX = "arn:aws:iam::111122223333:user/";

function allowResource(Resource: unknown): object {
  return { Effect: "Allow", Action: ACTION, Resource };
}

function allowIf(operator: string, key: string, values: unknown): object {
  return { Effect: "Allow", Action: ACTION, Resource: "*", Condition: { [operator]: { [key]: values } } };
}

function decide(statements: readonly object[], resource: string, keys: ContextKeys, version?: string): Decision {
  const document =
    version === undefined
      ? documentOf(statements)
      : JSON.stringify({ ...(version === "" ? {} : { Version: version }), Statement: statements });
  const policy = parsePolicy(document, "identity");
  return evaluateIdentityPolicies([policy], { action: ACTION, resource, keys }).decision;
}

describe("policy variable parsing", () => {
  it.each<[string, string, PolicyTemplate]>([
    ["variable", `${BUCKET}/${ref("aws:username")}/*`, [{ text: `${BUCKET}/` }, { variable: "aws:username" }, { text: "/*" }]],
    ["tag variable", `${BUCKET}/${ref("aws:PrincipalTag/team")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/team" }]],
    ["tag key with a space", `${BUCKET}/${ref("aws:PrincipalTag/cost center")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/cost center" }]],
    ["default", `${BUCKET}/${ref("aws:PrincipalTag/team, 'company-wide'")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/team", defaultValue: "company-wide" }]],
    ["default without spaces", `${BUCKET}/${ref("aws:PrincipalTag/team,'x'")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/team", defaultValue: "x" }]],
    ["empty default", `${BUCKET}/${ref("aws:PrincipalTag/team, ''")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/team", defaultValue: "" }]],
    ["default with brace and comma", `${BUCKET}/${ref("aws:PrincipalTag/team, 'a}b,c'")}`, [{ text: `${BUCKET}/` }, { variable: "aws:PrincipalTag/team", defaultValue: "a}b,c" }]],
    ["star escape", `${BUCKET}/${ref("*")}`, [{ text: `${BUCKET}/` }, { literal: "*" }]],
    ["question mark escape", `${BUCKET}/a${ref("?")}`, [{ text: `${BUCKET}/a` }, { literal: "?" }]],
    ["dollar escape", `${BUCKET}/${ref("$")}{x}`, [{ text: `${BUCKET}/` }, { literal: "$" }, { text: "{x}" }]],
    ["two adjacent variables", `${BUCKET}/${ref("aws:username")}${ref("aws:userid")}`, [{ text: `${BUCKET}/` }, { variable: "aws:username" }, { variable: "aws:userid" }]],
  ])("parses Resource with %s", (_name, pattern, template) => {
    const policy = policyOf("identity", allowResource(pattern));

    expect(policy.statements[0]!.resource!.templates).toEqual([template]);
  });

  it("parses every pattern of a list", () => {
    const policy = policyOf("identity", allowResource([`${BUCKET}/shared`, `${BUCKET}/${ref("aws:username")}`]));

    expect(policy.statements[0]!.resource).toEqual({
      negated: false,
      patterns: [`${BUCKET}/shared`, `${BUCKET}/${ref("aws:username")}`],
      templates: [[{ text: `${BUCKET}/shared` }], [{ text: `${BUCKET}/` }, { variable: "aws:username" }]],
    });
  });

  it("parses condition values", () => {
    const policy = policyOf("identity", allowIf("StringLike", "s3:prefix", ["home/", `home/${ref("aws:username")}/*`]));

    expect(policy.statements[0]!.conditions[0]!.templates).toEqual([
      [{ text: "home/" }],
      [{ text: "home/" }, { variable: "aws:username" }, { text: "/*" }],
    ]);
  });

  it.each<[string, string, object]>([
    ["2008-10-17 Resource", "2008-10-17", allowResource(`${BUCKET}/${ref("aws:username")}`)],
    ["Resource without Version", "", allowResource(`${BUCKET}/${ref("aws:username")}`)],
    ["2008-10-17 condition", "2008-10-17", allowIf("StringEquals", "s3:prefix", ref("aws:username"))],
    ["Resource without variables", "2012-10-17", allowResource(`${BUCKET}/*`)],
    ["dollar without brace", "2012-10-17", allowResource(`${BUCKET}/cost$`)],
    ["Numeric value", "2012-10-17", allowIf("NumericEquals", "s3:max-keys", "10")],
  ])("keeps no templates for %s", (_name, version, statement) => {
    const document = JSON.stringify({ ...(version === "" ? {} : { Version: version }), Statement: statement });

    const parsed = parsePolicy(document, "identity").statements[0]!;

    expect(parsed.resource?.templates).toBeUndefined();
    expect(parsed.conditions[0]?.templates).toBeUndefined();
  });

  it.each<[string, PolicyKind, object, string]>([
    ["unclosed variable", "identity", allowResource(`${BUCKET}/\${aws:username`), `Statement[0]: Resource "${BUCKET}/\${aws:username" has "\${" without a closing "}"`],
    ["empty variable", "identity", allowResource(`${BUCKET}/${ref("")}`), `Statement[0]: Resource "${BUCKET}/${ref("")}" has the invalid policy variable "${ref("")}", whose key must be a condition key such as aws:username`],
    ["spaced star", "identity", allowResource(`${BUCKET}/${ref(" * ")}`), `Statement[0]: Resource "${BUCKET}/${ref(" * ")}" has the invalid policy variable "${ref(" * ")}", whose key must be a condition key such as aws:username`],
    ["nested variable", "identity", allowResource(`${BUCKET}/${ref(`aws:PrincipalTag/${ref("aws:username")}`)}`), `Statement[0]: Resource "${BUCKET}/${ref(`aws:PrincipalTag/${ref("aws:username")}`)}" has the invalid policy variable "\${aws:PrincipalTag/\${aws:username}", whose key must be a condition key such as aws:username`],
    ["unquoted default", "identity", allowResource(`${BUCKET}/${ref("aws:PrincipalTag/team, none")}`), `Statement[0]: Resource "${BUCKET}/${ref("aws:PrincipalTag/team, none")}" has the invalid policy variable "${ref("aws:PrincipalTag/team, none")}", whose default must be written as ${ref("key, 'default'")}`],
    ["unterminated default", "identity", allowResource(`${BUCKET}/${ref("aws:PrincipalTag/team, 'none")}`), `Statement[0]: Resource "${BUCKET}/${ref("aws:PrincipalTag/team, 'none")}" has the invalid policy variable "${ref("aws:PrincipalTag/team, 'none")}", whose default must be written as ${ref("key, 'default'")}`],
    ["text after default", "identity", allowResource(`${BUCKET}/${ref("aws:PrincipalTag/team, 'a' b")}`), `Statement[0]: Resource "${BUCKET}/${ref("aws:PrincipalTag/team, 'a' b")}" has the invalid policy variable "${ref("aws:PrincipalTag/team, 'a' b")}", whose default must be written as ${ref("key, 'default'")}`],
    ["variable in the account", "identity", allowResource(`arn:aws:s3::${ref("aws:PrincipalAccount")}:reports`), `Statement[0]: Resource "arn:aws:s3::${ref("aws:PrincipalAccount")}:reports" uses the policy variable "aws:PrincipalAccount" before the fifth colon, but variables are allowed only in the resource part of an ARN`],
    ["variable in the service", "identity", { Effect: "Deny", Action: ACTION, NotResource: `arn:aws:${ref("aws:username")}:::x` }, `Statement[0]: NotResource "arn:aws:${ref("aws:username")}:::x" uses the policy variable "aws:username" before the fifth colon, but variables are allowed only in the resource part of an ARN`],
    ["trust Resource variable in the region", "trust", { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Resource: `arn:aws:iam:${ref("aws:RequestedRegion")}::role/x` }, `Statement[0]: Resource "arn:aws:iam:${ref("aws:RequestedRegion")}::role/x" uses the policy variable "aws:RequestedRegion" before the fifth colon, but variables are allowed only in the resource part of an ARN`],
    ["unclosed condition variable", "identity", allowIf("StringEquals", "s3:prefix", ["a", `\${aws:username`]), `Statement[0]: StringEquals "s3:prefix" value "\${aws:username" has "\${" without a closing "}"`],
    ["Arn value that is no ARN", "identity", allowIf("ArnLike", "aws:SourceArn", `role/${ref("aws:username")}`), `Statement[0]: ArnLike "aws:SourceArn" value "role/${ref("aws:username")}" must be an ARN or "*"`],
    ["Numeric variable", "identity", allowIf("NumericEquals", "s3:max-keys", ref("aws:username")), `Statement[0]: NumericEquals "s3:max-keys" value "${ref("aws:username")}" is not a number`],
    ["Date variable", "identity", allowIf("DateLessThan", "aws:CurrentTime", ref("aws:TokenIssueTime")), `Statement[0]: DateLessThan "aws:CurrentTime" value "${ref("aws:TokenIssueTime")}" is not an ISO 8601 date or epoch seconds`],
    ["IpAddress variable", "identity", allowIf("IpAddress", "aws:SourceIp", ref("aws:username")), `Statement[0]: IpAddress "aws:SourceIp" value "${ref("aws:username")}" is not an IPv4 or IPv6 address or CIDR block`],
    ["Binary variable", "identity", allowIf("BinaryEquals", "test:key", ref("aws:username")), `Statement[0]: BinaryEquals "test:key" value "${ref("aws:username")}" is not base64`],
    ["Bool variable", "identity", allowIf("Bool", "aws:SecureTransport", ref("aws:username")), `Statement[0]: Bool "aws:SecureTransport" value "${ref("aws:username")}" must be "true" or "false"`],
    ["Null variable", "identity", allowIf("Null", "aws:username", ref("aws:username")), `Statement[0]: Null "aws:username" value "${ref("aws:username")}" must be "true" or "false"`],
    ["Action variable", "identity", { Effect: "Allow", Action: `s3:${ref("aws:username")}`, Resource: "*" }, `Statement[0]: Action "s3:${ref("aws:username")}" must be "*" or "service:ActionName", with * and ? as wildcards`],
  ])("rejects %s", (_name, kind, statement, message) => {
    const error = thrownBy(() => parsePolicy(documentOf([statement]), kind));

    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("MalformedPolicyDocument");
    expect((error as ServiceError).message).toBe(message);
  });

  it("accepts an Arn value that is a variable", () => {
    const policy = policyOf("identity", allowIf("ArnEquals", "aws:SourceArn", ref("aws:PrincipalArn")));

    expect(policy.statements[0]!.conditions[0]!.templates).toEqual([[{ variable: "aws:PrincipalArn" }]]);
  });
});

interface ResourceCase {
  patterns: string | readonly string[];
  resource: string;
  keys?: ContextKeys;
  /** Policy Version; "" leaves it out. 2012-10-17 when absent. */
  version?: string;
  expected: Decision;
}

describe("policy variables in Resource", () => {
  const alice = { "aws:username": "alice" };
  const cases: Record<string, ResourceCase> = {
    "username matches": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}alice`, keys: alice, expected: "Allow" },
    "username of another user": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}bob`, keys: alice, expected: "ImplicitDeny" },
    "key name in other case": { patterns: `${USER_PREFIX}${ref("AWS:UserName")}`, resource: `${USER_PREFIX}alice`, keys: alice, expected: "Allow" },
    "context key in other case": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}alice`, keys: { "AWS:USERNAME": "alice" }, expected: "Allow" },
    "value compared with case": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}Alice`, keys: alice, expected: "ImplicitDeny" },
    "policy wildcard after the variable": { patterns: `${BUCKET}/home/${ref("aws:username")}/*`, resource: `${BUCKET}/home/alice/docs/a.txt`, keys: alice, expected: "Allow" },
    "prefix of another user's folder": { patterns: `${BUCKET}/home/${ref("aws:username")}/*`, resource: `${BUCKET}/home/alice2/a.txt`, keys: alice, expected: "ImplicitDeny" },
    "userid": { patterns: `${BUCKET}/${ref("aws:userid")}/*`, resource: `${BUCKET}/AROAEXAMPLEBUILDER001:ci/log`, keys: { "aws:userid": "AROAEXAMPLEBUILDER001:ci" }, expected: "Allow" },
    "principal tag": { patterns: `${BUCKET}/${ref("aws:PrincipalTag/team")}/*`, resource: `${BUCKET}/ops/q1.csv`, keys: { "aws:PrincipalTag/team": "ops" }, expected: "Allow" },
    "request tag": { patterns: `${BUCKET}/${ref("aws:RequestTag/env")}-*`, resource: `${BUCKET}/prod-q1.csv`, keys: { "aws:RequestTag/env": "prod" }, expected: "Allow" },
    "principal account": { patterns: `${BUCKET}-${ref("aws:PrincipalAccount")}/*`, resource: `${BUCKET}-111122223333/a`, keys: { "aws:PrincipalAccount": "111122223333" }, expected: "Allow" },
    "principal account of another bucket": { patterns: `${BUCKET}-${ref("aws:PrincipalAccount")}/*`, resource: `${BUCKET}-999988887777/a`, keys: { "aws:PrincipalAccount": "111122223333" }, expected: "ImplicitDeny" },
    "absent key": { patterns: `${BUCKET}/${ref("aws:username")}*`, resource: `${BUCKET}/anything`, expected: "ImplicitDeny" },
    "absent key with empty resource part": { patterns: `${BUCKET}/${ref("aws:username")}`, resource: `${BUCKET}/`, expected: "ImplicitDeny" },
    "absent key next to a matching pattern": { patterns: [`${BUCKET}/${ref("aws:username")}`, `${BUCKET}/shared`], resource: `${BUCKET}/shared`, expected: "Allow" },
    "empty value": { patterns: `${BUCKET}/x${ref("aws:username")}`, resource: `${BUCKET}/x`, keys: { "aws:username": "" }, expected: "Allow" },
    "default for absent key": { patterns: `${BUCKET}/${ref("aws:PrincipalTag/team, 'company-wide'")}/*`, resource: `${BUCKET}/company-wide/a`, expected: "Allow" },
    "default not used for present key": { patterns: `${BUCKET}/${ref("aws:PrincipalTag/team, 'company-wide'")}/*`, resource: `${BUCKET}/company-wide/a`, keys: { "aws:PrincipalTag/team": "ops" }, expected: "ImplicitDeny" },
    "default with a star is literal": { patterns: `${BUCKET}/${ref("aws:PrincipalTag/team, '*'")}`, resource: `${BUCKET}/ops`, expected: "ImplicitDeny" },
    "multivalued key": { patterns: `${BUCKET}/${ref("aws:TagKeys")}`, resource: `${BUCKET}/env`, keys: { "aws:TagKeys": ["env", "team"] }, expected: "ImplicitDeny" },
    "multivalued key with default": { patterns: `${BUCKET}/${ref("aws:TagKeys, 'none'")}`, resource: `${BUCKET}/none`, keys: { "aws:TagKeys": ["env", "team"] }, expected: "Allow" },
    "single-element array": { patterns: `${BUCKET}/${ref("aws:TagKeys")}`, resource: `${BUCKET}/env`, keys: { "aws:TagKeys": ["env"] }, expected: "Allow" },
    "star escape matches a star": { patterns: `${BUCKET}/${ref("*")}`, resource: `${BUCKET}/*`, expected: "Allow" },
    "star escape is no wildcard": { patterns: `${BUCKET}/${ref("*")}`, resource: `${BUCKET}/q1.csv`, expected: "ImplicitDeny" },
    "question mark escape matches itself": { patterns: `${BUCKET}/why${ref("?")}`, resource: `${BUCKET}/why?`, expected: "Allow" },
    "question mark escape is no wildcard": { patterns: `${BUCKET}/why${ref("?")}`, resource: `${BUCKET}/whyX`, expected: "ImplicitDeny" },
    "dollar escape keeps variable text": { patterns: `${BUCKET}/${ref("$")}{aws:username}`, resource: `${BUCKET}/${ref("aws:username")}`, keys: alice, expected: "Allow" },
    "dollar escape does not substitute": { patterns: `${BUCKET}/${ref("$")}{aws:username}`, resource: `${BUCKET}/alice`, keys: alice, expected: "ImplicitDeny" },
    "star in value is literal": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}bob`, keys: { "aws:username": "*" }, expected: "ImplicitDeny" },
    "star in value matches a star": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}*`, keys: { "aws:username": "*" }, expected: "Allow" },
    "question mark in value is literal": { patterns: `${BUCKET}/${ref("aws:username")}`, resource: `${BUCKET}/abc`, keys: { "aws:username": "a?c" }, expected: "ImplicitDeny" },
    "colon in value stays in the resource part": { patterns: `${BUCKET}/${ref("aws:username")}`, resource: `${BUCKET}/a:b`, keys: { "aws:username": "a:b" }, expected: "Allow" },
    "2008-10-17 keeps text": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}alice`, keys: alice, version: "2008-10-17", expected: "ImplicitDeny" },
    "2008-10-17 matches text": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}${ref("aws:username")}`, keys: alice, version: "2008-10-17", expected: "Allow" },
    "no Version keeps text": { patterns: `${USER_PREFIX}${ref("aws:username")}`, resource: `${USER_PREFIX}alice`, keys: alice, version: "", expected: "ImplicitDeny" },
  };

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const decision = decide([allowResource(testCase.patterns)], testCase.resource, testCase.keys ?? {}, testCase.version);

    expect(decision).toBe(testCase.expected);
  });

  it.each<[string, ContextKeys, string, Decision]>([
    ["spares own folder", { "aws:username": "alice" }, `${BUCKET}/home/alice/a`, "Allow"],
    ["denies other folder", { "aws:username": "alice" }, `${BUCKET}/home/bob/a`, "ExplicitDeny"],
    ["denies all when key is absent", {}, `${BUCKET}/home/alice/a`, "ExplicitDeny"],
  ])("NotResource deny %s", (_name, keys, resource, expected) => {
    const statements = [
      allowResource("*"),
      { Effect: "Deny", Action: ACTION, NotResource: `${BUCKET}/home/${ref("aws:username")}/*` },
    ];

    expect(decide(statements, resource, keys)).toBe(expected);
  });

  it.each<[string, ContextKeys, Decision]>([
    ["hits the tagged folder", { "aws:PrincipalTag/team": "ops" }, "ExplicitDeny"],
    ["skips when key is absent", {}, "Allow"],
  ])("Resource deny %s", (_name, keys, expected) => {
    const statements = [allowResource("*"), { Effect: "Deny", Action: ACTION, Resource: `${BUCKET}/${ref("aws:PrincipalTag/team")}/*` }];

    expect(decide(statements, `${BUCKET}/ops/a`, keys)).toBe(expected);
  });
});

interface ConditionCase {
  operator: string;
  key?: string;
  values: string | readonly string[];
  context: string | readonly string[] | undefined;
  keys?: ContextKeys;
  version?: string;
  expected: boolean;
}

describe("policy variables in conditions", () => {
  const alice = { "aws:username": "alice" };
  const cases: Record<string, ConditionCase> = {
    "StringEquals matches": { operator: "StringEquals", values: ref("aws:username"), context: "alice", keys: alice, expected: true },
    "StringEquals other value": { operator: "StringEquals", values: ref("aws:username"), context: "bob", keys: alice, expected: false },
    "StringEquals with text around": { operator: "StringEquals", values: `home/${ref("aws:username")}/`, context: "home/alice/", keys: alice, expected: true },
    "StringEquals absent variable": { operator: "StringEquals", values: ref("aws:username"), context: "alice", expected: false },
    "StringEquals absent variable and other value": { operator: "StringEquals", values: [ref("aws:username"), "shared"], context: "shared", expected: true },
    "StringEquals default": { operator: "StringEquals", values: ref("aws:PrincipalTag/team, 'none'"), context: "none", expected: true },
    "StringEquals star value": { operator: "StringEquals", values: ref("aws:username"), context: "*", keys: { "aws:username": "*" }, expected: true },
    "StringEquals star escape": { operator: "StringEquals", values: `a${ref("*")}`, context: "a*", expected: true },
    "StringNotEquals absent variable": { operator: "StringNotEquals", values: ref("aws:username"), context: "alice", expected: true },
    "StringNotEquals equal": { operator: "StringNotEquals", values: ref("aws:username"), context: "alice", keys: alice, expected: false },
    "StringNotEquals different": { operator: "StringNotEquals", values: ref("aws:username"), context: "bob", keys: alice, expected: true },
    "StringNotEquals absent variable and matching value": { operator: "StringNotEquals", values: [ref("aws:username"), "bob"], context: "bob", expected: false },
    "StringNotEquals multivalued variable": { operator: "StringNotEquals", values: ref("aws:TagKeys"), context: "env", keys: { "aws:TagKeys": ["env", "team"] }, expected: true },
    "StringEqualsIgnoreCase": { operator: "StringEqualsIgnoreCase", values: ref("aws:PrincipalTag/team"), context: "OPS", keys: { "aws:PrincipalTag/team": "Ops" }, expected: true },
    "StringNotEqualsIgnoreCase absent variable": { operator: "StringNotEqualsIgnoreCase", values: ref("aws:PrincipalTag/team"), context: "ops", expected: true },
    "StringLike policy wildcard": { operator: "StringLike", values: `home/${ref("aws:username")}/*`, context: "home/alice/docs", keys: alice, expected: true },
    "StringLike other user": { operator: "StringLike", values: `home/${ref("aws:username")}/*`, context: "home/bob/docs", keys: alice, expected: false },
    "StringLike star in value": { operator: "StringLike", values: `home/${ref("aws:username")}`, context: "home/bob", keys: { "aws:username": "*" }, expected: false },
    "StringLike star in value matches a star": { operator: "StringLike", values: `home/${ref("aws:username")}`, context: "home/*", keys: { "aws:username": "*" }, expected: true },
    "StringLike question mark in value": { operator: "StringLike", values: ref("aws:username"), context: "x", keys: { "aws:username": "?" }, expected: false },
    "StringLike question mark escape": { operator: "StringLike", values: `why${ref("?")}*`, context: "whyX", expected: false },
    "StringLike absent variable": { operator: "StringLike", values: `${ref("aws:username")}*`, context: "alice", expected: false },
    "StringNotLike absent variable": { operator: "StringNotLike", values: `${ref("aws:username")}*`, context: "alice", expected: true },
    "StringNotLike matching": { operator: "StringNotLike", values: `${ref("aws:username")}*`, context: "alice-dev", keys: alice, expected: false },
    "StringEqualsIfExists absent variable": { operator: "StringEqualsIfExists", values: ref("aws:username"), context: "alice", expected: false },
    "StringEqualsIfExists absent key": { operator: "StringEqualsIfExists", values: ref("aws:username"), context: undefined, keys: alice, expected: true },
    "ForAnyValue one tag matches": { operator: "ForAnyValue:StringEquals", values: ref("aws:PrincipalTag/team"), context: ["env", "ops"], keys: { "aws:PrincipalTag/team": "ops" }, expected: true },
    "ForAllValues one tag differs": { operator: "ForAllValues:StringEquals", values: ref("aws:PrincipalTag/team"), context: ["env", "ops"], keys: { "aws:PrincipalTag/team": "ops" }, expected: false },
    "ForAllValues absent variable": { operator: "ForAllValues:StringEquals", values: ref("aws:PrincipalTag/team"), context: ["ops"], expected: false },
    "ArnLike account variable": { operator: "ArnLike", key: "aws:SourceArn", values: `arn:aws:iam::${ref("aws:PrincipalAccount")}:role/*`, context: "arn:aws:iam::111122223333:role/Deploy", keys: { "aws:PrincipalAccount": "111122223333" }, expected: true },
    "ArnLike other account": { operator: "ArnLike", key: "aws:SourceArn", values: `arn:aws:iam::${ref("aws:PrincipalAccount")}:role/*`, context: "arn:aws:iam::999988887777:role/Deploy", keys: { "aws:PrincipalAccount": "111122223333" }, expected: false },
    "ArnLike star account value": { operator: "ArnLike", key: "aws:SourceArn", values: `arn:aws:iam::${ref("aws:PrincipalAccount")}:role/*`, context: "arn:aws:iam::999988887777:role/Deploy", keys: { "aws:PrincipalAccount": "*" }, expected: false },
    "ArnEquals whole ARN": { operator: "ArnEquals", key: "aws:SourceArn", values: ref("aws:PrincipalArn"), context: "arn:aws:iam::111122223333:role/Deploy", keys: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/Deploy" }, expected: true },
    "ArnEquals whole ARN with star": { operator: "ArnEquals", key: "aws:SourceArn", values: ref("aws:PrincipalArn"), context: "arn:aws:iam::111122223333:role/Deploy", keys: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/*" }, expected: false },
    "ArnEquals variable that is a lone star": { operator: "ArnEquals", key: "aws:SourceArn", values: ref("aws:PrincipalArn"), context: "arn:aws:iam::111122223333:role/Deploy", keys: { "aws:PrincipalArn": "*" }, expected: false },
    "ArnNotLike absent variable": { operator: "ArnNotLike", key: "aws:SourceArn", values: `arn:aws:iam::${ref("aws:PrincipalAccount")}:role/*`, context: "arn:aws:iam::111122223333:role/Deploy", expected: true },
    "2008-10-17 StringEquals keeps text": { operator: "StringEquals", values: ref("aws:username"), context: ref("aws:username"), keys: alice, version: "2008-10-17", expected: true },
    "2008-10-17 StringEquals does not substitute": { operator: "StringEquals", values: ref("aws:username"), context: "alice", keys: alice, version: "2008-10-17", expected: false },
  };

  it.each(Object.entries(cases))("%s", (_name, testCase) => {
    const key = testCase.key ?? "test:value";
    const keys = { ...testCase.keys, [key]: testCase.context };

    const decision = decide([allowIf(testCase.operator, key, testCase.values)], BUCKET, keys, testCase.version);

    expect(decision).toBe(testCase.expected ? "Allow" : "ImplicitDeny");
  });

  it("reports policy values as written", () => {
    const policy = policyOf("identity", allowIf("StringEquals", "s3:prefix", `home/${ref("aws:username")}`));

    const evaluation = evaluateIdentityPolicies([policy], { action: ACTION, resource: BUCKET, keys: { "s3:prefix": "home/bob" } });

    expect(evaluation.failedConditions.map((failure) => failure.policyValues)).toEqual([[`home/${ref("aws:username")}`]]);
  });
});
