import { describe, expect, it } from "vitest";
import { parseCidrBlock, parseIpAddress } from "../../../shared/policy/conditions/ip-address.js";
import { parseDate } from "../../../shared/policy/conditions/date-operators.js";
import { conditionOperatorNames, evaluateIdentityPolicies } from "../../../shared/policy/index.js";
import { policyOf, ROLE_ARN } from "./fixtures.js";

type ContextValue = string | readonly string[] | undefined;
type PolicyValue = string | number | boolean;

const KEY = "test:Key";

/** Returns whether an Allow statement with the single condition `{operator: {KEY: values}}` allows the request. */
function conditionHolds(operator: string, values: PolicyValue | readonly PolicyValue[], context: ContextValue): boolean {
  const policy = policyOf("identity", {
    Effect: "Allow",
    Action: "sts:AssumeRole",
    Resource: "*",
    Condition: { [operator]: { [KEY]: values } },
  });
  const evaluation = evaluateIdentityPolicies([policy], { action: "sts:AssumeRole", resource: ROLE_ARN, keys: { [KEY]: context } });
  return evaluation.decision === "Allow";
}

describe("condition operators", () => {
  it.each<[string, PolicyValue | readonly PolicyValue[], ContextValue, boolean]>([
    // StringEquals and its IfExists form
    ["StringEquals", "prod", "prod", true],
    ["StringEquals", "prod", "Prod", false],
    ["StringEquals", "prod", "prod ", false],
    ["StringEquals", "prod", undefined, false],
    ["StringEquals", ["dev", "prod"], "prod", true],
    ["StringEquals", ["dev", "prod"], "test", false],
    ["StringEquals", "pro*", "prod", false],
    ["StringEqualsIfExists", "prod", "prod", true],
    ["StringEqualsIfExists", "prod", "dev", false],
    ["StringEqualsIfExists", "prod", undefined, true],
    // StringNotEquals
    ["StringNotEquals", "prod", "dev", true],
    ["StringNotEquals", "prod", "prod", false],
    ["StringNotEquals", "prod", undefined, true],
    ["StringNotEquals", ["dev", "prod"], "prod", false],
    ["StringNotEquals", ["dev", "prod"], "test", true],
    ["StringNotEqualsIfExists", "prod", "prod", false],
    ["StringNotEqualsIfExists", "prod", "dev", true],
    ["StringNotEqualsIfExists", "prod", undefined, true],
    // StringEqualsIgnoreCase
    ["StringEqualsIgnoreCase", "Prod", "pROD", true],
    ["StringEqualsIgnoreCase", "Prod", "prods", false],
    ["StringEqualsIgnoreCase", "Prod", undefined, false],
    ["StringEqualsIgnoreCaseIfExists", "Prod", "PROD", true],
    ["StringEqualsIgnoreCaseIfExists", "Prod", "dev", false],
    ["StringEqualsIgnoreCaseIfExists", "Prod", undefined, true],
    // StringNotEqualsIgnoreCase
    ["StringNotEqualsIgnoreCase", "Prod", "dev", true],
    ["StringNotEqualsIgnoreCase", "Prod", "PROD", false],
    ["StringNotEqualsIgnoreCase", "Prod", undefined, true],
    ["StringNotEqualsIgnoreCaseIfExists", "Prod", "PROD", false],
    ["StringNotEqualsIgnoreCaseIfExists", "Prod", undefined, true],
    // StringLike
    ["StringLike", "repo:acme/*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/main", true],
    ["StringLike", "repo:acme/*:ref:refs/heads/main", "repo:acme/app:ref:refs/heads/dev", false],
    ["StringLike", "v?", "v1", true],
    ["StringLike", "v?", "v10", false],
    ["StringLike", "Prod*", "prod-1", false],
    ["StringLike", "*", undefined, false],
    ["StringLikeIfExists", "prod*", "prod-1", true],
    ["StringLikeIfExists", "prod*", "dev", false],
    ["StringLikeIfExists", "prod*", undefined, true],
    // StringNotLike
    ["StringNotLike", "prod*", "dev", true],
    ["StringNotLike", "prod*", "prod-1", false],
    ["StringNotLike", ["dev*", "prod*"], "prod-1", false],
    ["StringNotLike", "prod*", undefined, true],
    ["StringNotLikeIfExists", "prod*", "prod-1", false],
    ["StringNotLikeIfExists", "prod*", undefined, true],
    // Null
    ["Null", "true", undefined, true],
    ["Null", "true", "x", false],
    ["Null", "false", "x", true],
    ["Null", "false", undefined, false],
    ["Null", "TRUE", [], true],
    ["Null", true, undefined, true],
    // Bool
    ["Bool", "true", "true", true],
    ["Bool", true, "true", true],
    ["Bool", "true", "false", false],
    ["Bool", "false", "false", true],
    ["Bool", "true", "TRUE", true],
    ["Bool", "true", "yes", false],
    ["Bool", "true", undefined, false],
    ["BoolIfExists", "false", "true", false],
    ["BoolIfExists", "false", undefined, true],
    // Arn operators
    ["ArnEquals", "arn:aws:iam::111122223333:role/Builder", "arn:aws:iam::111122223333:role/Builder", true],
    ["ArnEquals", "arn:aws:iam::111122223333:role/Builder", "arn:aws:iam::111122223333:role/builder", false],
    ["ArnEquals", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/Builder", true],
    ["ArnEquals", "arn:aws:iam::111122223333:role/Builder", undefined, false],
    ["ArnEqualsIfExists", "arn:aws:iam::111122223333:role/Builder", undefined, true],
    ["ArnLike", "arn:aws:iam::*:role/Build*", "arn:aws:iam::111122223333:role/Builder", true],
    ["ArnLike", "arn:aws:iam::*:role/Build*", "arn:aws:iam::111122223333:user/Builder", false],
    ["ArnLike", "arn:aws:iam::*:role/Build*", "Builder", false],
    ["ArnLike", "arn:aws:iam::*:role/Build*", undefined, false],
    ["ArnLikeIfExists", "arn:aws:iam::*:role/Build*", undefined, true],
    ["ArnNotEquals", "arn:aws:iam::111122223333:role/Builder", "arn:aws:iam::111122223333:role/Other", true],
    ["ArnNotEquals", "arn:aws:iam::111122223333:role/Builder", "arn:aws:iam::111122223333:role/Builder", false],
    ["ArnNotEquals", "arn:aws:iam::111122223333:role/Builder", undefined, true],
    ["ArnNotLike", "arn:aws:iam::*:role/Build*", "arn:aws:iam::111122223333:role/Other", true],
    ["ArnNotLike", "arn:aws:iam::*:role/Build*", "arn:aws:iam::111122223333:role/Builder", false],
    ["ArnNotLike", "arn:aws:iam::*:role/Build*", undefined, true],
    ["ArnNotLikeIfExists", "arn:aws:iam::*:role/Build*", "arn:aws:iam::111122223333:role/Builder", false],
    // Set qualifiers over a multivalued key
    ["ForAnyValue:StringEquals", ["env", "team"], ["env", "cost"], true],
    ["ForAnyValue:StringEquals", ["env", "team"], ["cost", "owner"], false],
    ["ForAnyValue:StringEquals", ["env", "team"], [], false],
    ["ForAnyValue:StringEquals", ["env", "team"], undefined, false],
    ["ForAnyValue:StringEqualsIfExists", ["env", "team"], undefined, true],
    ["ForAnyValue:StringLike", "env*", ["cost", "environment"], true],
    ["ForAnyValue:StringNotEquals", "env", ["env", "cost"], true],
    ["ForAnyValue:StringNotEquals", "env", ["env"], false],
    ["ForAllValues:StringEquals", ["env", "team"], ["env", "team"], true],
    ["ForAllValues:StringEquals", ["env", "team"], ["env"], true],
    ["ForAllValues:StringEquals", ["env", "team"], ["env", "cost"], false],
    ["ForAllValues:StringEquals", ["env", "team"], [], true],
    ["ForAllValues:StringEquals", ["env", "team"], undefined, true],
    ["ForAllValues:StringLike", ["env*", "team"], ["environment", "team"], true],
    ["ForAllValues:StringNotLike", "aws:*", ["env", "team"], true],
    ["ForAllValues:StringNotLike", "aws:*", ["env", "aws:cloudformation:stack"], false],
    ["ForAllValues:StringEqualsIgnoreCase", ["Env", "Team"], ["ENV", "team"], true],
    // Multivalued key without a qualifier
    ["StringEquals", "env", ["cost", "env"], true],
    ["StringNotEquals", "env", ["cost", "env"], false],
    ["StringNotEquals", "env", ["cost", "owner"], true],
    // Numeric
    ["NumericEquals", 10, "10", true],
    ["NumericEquals", "10", "10.0", true],
    ["NumericEquals", 10, "11", false],
    ["NumericEquals", 10, "ten", false],
    ["NumericEquals", 10, undefined, false],
    ["NumericNotEquals", 10, "11", true],
    ["NumericNotEquals", 10, "10", false],
    ["NumericNotEquals", 10, undefined, true],
    ["NumericLessThan", 3600, "3599", true],
    ["NumericLessThan", 3600, "3600", false],
    ["NumericLessThanEquals", 3600, "3600", true],
    ["NumericLessThanEquals", 3600, "3601", false],
    ["NumericGreaterThan", -1.5, "-1", true],
    ["NumericGreaterThan", -1.5, "-1.5", false],
    ["NumericGreaterThanEquals", "1000", "1000", true],
    ["NumericGreaterThanEquals", "1000", "999", false],
    ["NumericEquals", 1000, "1e3", true],
    ["NumericEquals", "0.5", "5E-1", true],
    ["NumericLessThanIfExists", 3600, undefined, true],
    // Date
    ["DateEquals", "2026-01-31T12:00:00Z", "2026-01-31T13:00:00+01:00", true],
    ["DateEquals", "2026-01-31T12:00:00Z", "1769860800", true],
    ["DateEquals", "2026-01-31", "2026-01-31T00:00:00Z", true],
    ["DateEquals", "2026-01-31T12:00:00Z", "2026-01-31T12:00:01Z", false],
    ["DateNotEquals", "2026-01-31T12:00:00Z", "2026-01-31T12:00:01Z", true],
    ["DateNotEquals", "2026-01-31T12:00:00Z", undefined, true],
    ["DateLessThan", "2026-01-31T12:00:00Z", "2026-01-31T11:59:59.999Z", true],
    ["DateLessThan", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00Z", false],
    ["DateLessThan", "2026-01-31T12:00:00Z", undefined, false],
    ["DateLessThan", "2026-01-31T12:00:00Z", "yesterday", false],
    ["DateLessThanEquals", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00Z", true],
    ["DateGreaterThan", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00.001Z", true],
    ["DateGreaterThan", "2026-01-31T12:00:00Z", "2026-01-31T12:00:00Z", false],
    ["DateGreaterThanEquals", "1769860800", "2026-01-31T12:00:00Z", true],
    ["DateGreaterThanEquals", "1769860800", "2026-01-31T11:00:00Z", false],
    ["DateGreaterThanIfExists", "2026-01-31T12:00:00Z", undefined, true],
    // Binary
    ["BinaryEquals", "QmluYXJ5", "QmluYXJ5", true],
    ["BinaryEquals", "QmluYXJ5", "QmluYXJz", false],
    ["BinaryEquals", "QmluYXJ5", "not base64", false],
    ["BinaryEquals", "QmluYXJ5", undefined, false],
    ["BinaryEqualsIfExists", "QmluYXJ5", undefined, true],
    // IP addresses
    ["IpAddress", "203.0.113.0/24", "203.0.113.77", true],
    ["IpAddress", "203.0.113.0/24", "203.0.114.1", false],
    ["IpAddress", "203.0.113.0/25", "203.0.113.128", false],
    ["IpAddress", "203.0.113.7", "203.0.113.7", true],
    ["IpAddress", "203.0.113.7", "203.0.113.8", false],
    ["IpAddress", "0.0.0.0/0", "198.51.100.1", true],
    ["IpAddress", "203.0.113.0/24", "::ffff:203.0.113.9", true],
    ["IpAddress", "203.0.113.0/24", "2001:db8::1", false],
    ["IpAddress", "2001:db8::/32", "2001:db8:1234::1", true],
    ["IpAddress", "2001:db8::/32", "2001:db9::1", false],
    ["IpAddress", "2001:DB8:0:0:0:0:0:1/128", "2001:db8::1", true],
    ["IpAddress", "::/0", "203.0.113.9", false],
    ["IpAddress", "203.0.113.0/24", "not-an-ip", false],
    ["IpAddress", "203.0.113.0/24", undefined, false],
    ["IpAddressIfExists", "203.0.113.0/24", undefined, true],
    ["NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "203.0.113.9", true],
    ["NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], "192.168.1.1", false],
    ["NotIpAddress", "10.0.0.0/8", undefined, true],
    ["NotIpAddressIfExists", "10.0.0.0/8", "10.1.2.3", false],
  ])("%s %j with %j is %s", (operator, values, context, expected) => {
    expect(conditionHolds(operator, values, context)).toBe(expected);
  });

  it("covers every registered operator", () => {
    expect(conditionOperatorNames().sort()).toEqual(
      [
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "BinaryEquals",
        "Bool",
        "DateEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateNotEquals",
        "IpAddress",
        "NotIpAddress",
        "Null",
        "NumericEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericNotEquals",
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
      ].sort(),
    );
  });

  it("matches condition key names ignoring case", () => {
    const policy = policyOf("identity", {
      Effect: "Allow",
      Action: "*",
      Resource: "*",
      Condition: { StringEquals: { "AWS:PrincipalTag/Team": "ops" } },
    });

    const evaluation = evaluateIdentityPolicies([policy], {
      action: "sts:AssumeRole",
      resource: ROLE_ARN,
      keys: { "aws:principaltag/team": "ops" },
    });

    expect(evaluation.decision).toBe("Allow");
  });

  it("rejects keys that differ only in case", () => {
    const policy = policyOf("identity", { Effect: "Allow", Action: "*", Resource: "*" });

    expect(() =>
      evaluateIdentityPolicies([policy], { action: "sts:AssumeRole", resource: ROLE_ARN, keys: { "aws:userid": "a", "aws:UserId": "b" } }),
    ).toThrow(TypeError);
  });

  it.each<[string, object, Record<string, string>, string]>([
    ["no conditions", {}, { "aws:username": "a", "aws:userid": "b", "AWS:UserId": "c" }, '"aws:userid" and "AWS:UserId"'],
    ["conditions", { Condition: { StringEquals: { "aws:userid": "b" } } }, { "aws:userid": "b", "AWS:USERID": "c" }, '"aws:userid" and "AWS:USERID"'],
    ["non-ASCII names", {}, { "tag:Été": "a", "tag:été": "b" }, '"tag:Été" and "tag:été"'],
  ])("names keys that differ only in case with %s", (_name, extra, keys, names) => {
    const policy = policyOf("identity", { Effect: "Allow", Action: "*", Resource: "*", ...extra });

    expect(() => evaluateIdentityPolicies([policy], { action: "sts:AssumeRole", resource: ROLE_ARN, keys })).toThrow(
      `Condition keys ${names} differ only in case`,
    );
  });
});

describe("parseDate", () => {
  it.each<[string, number | undefined]>([
    ["2026-01-31", Date.UTC(2026, 0, 31)],
    ["2026-01-31T12:30Z", Date.UTC(2026, 0, 31, 12, 30)],
    ["2026-01-31T12:30:15.250Z", Date.UTC(2026, 0, 31, 12, 30, 15, 250)],
    ["2026-01-31T12:30:15-02:30", Date.UTC(2026, 0, 31, 15, 0, 15)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["0050-01-01", -60589296000000],
    ["1769860800", 1769860800000],
    ["2025-02-29", undefined],
    ["2026-13-01", undefined],
    ["2026-01-31T24:00Z", undefined],
    ["2026-01-31T12:00:00+24:00", undefined],
    ["2026-01-31 12:00:00Z", undefined],
    ["-1", undefined],
    ["", undefined],
  ])("parses %j", (text, expected) => {
    expect(parseDate(text)).toBe(expected);
  });
});

describe("IP address parsing", () => {
  it.each<[string, boolean]>([
    ["0.0.0.0", true],
    ["255.255.255.255", true],
    ["256.0.0.1", false],
    ["01.2.3.4", false],
    ["1.2.3", false],
    ["1.2.3.4.5", false],
    ["::", true],
    ["::1", true],
    ["2001:db8::", true],
    ["1:2:3:4:5:6:7:8", true],
    ["1:2:3:4:5:6:7:8:9", false],
    ["1:2:3:4:5:6:7::8", false],
    ["::ffff:192.0.2.1", true],
    ["192.0.2.1::", false],
    ["fe80::1%eth0", false],
    ["12345::", false],
    [":::", false],
  ])("parses %j as valid: %s", (text, valid) => {
    expect(parseIpAddress(text) !== undefined).toBe(valid);
  });

  it.each<[string, boolean]>([
    ["10.0.0.0/8", true],
    ["10.0.0.0/0", true],
    ["10.0.0.0/32", true],
    ["10.0.0.0/33", false],
    ["10.0.0.0/08", false],
    ["10.0.0.0/", false],
    ["2001:db8::/128", true],
    ["2001:db8::/129", false],
  ])("parses CIDR %j as valid: %s", (text, valid) => {
    expect(parseCidrBlock(text) !== undefined).toBe(valid);
  });
});
