import { describe, expect, it } from "vitest";
import { ServiceError } from "../../../shared/protocol/errors.js";
import { parsePolicy } from "../../../shared/policy/index.js";
import type { PolicyKind } from "../../../shared/policy/index.js";
import { GITHUB_PROVIDER_ARN, ROLE_ARN, thrownBy } from "./fixtures.js";

// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, meant literally.
const USERNAME_VARIABLE = "${aws:username}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, meant literally.
const ACCOUNT_VARIABLE = "${aws:PrincipalAccount}";
const ALLOW_ALL = { Effect: "Allow", Action: "*", Resource: "*" };
const TRUST_ACCOUNT = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "sts:AssumeRole" };

function json(document: unknown): string {
  return JSON.stringify(document);
}

function statementWith(extra: object, base: object = ALLOW_ALL): string {
  return json({ Version: "2012-10-17", Statement: [{ ...base, ...extra }] });
}

function conditionOf(condition: unknown): string {
  return statementWith({ Condition: condition });
}

describe("parsePolicy valid documents", () => {
  it.each<[string, PolicyKind, string, number]>([
    ["identity minimal", "identity", json({ Version: "2012-10-17", Statement: [ALLOW_ALL] }), 1],
    ["identity without Version", "identity", json({ Statement: [ALLOW_ALL] }), 1],
    ["identity 2008-10-17", "identity", json({ Version: "2008-10-17", Statement: ALLOW_ALL }), 1],
    ["identity single statement object", "identity", json({ Statement: ALLOW_ALL }), 1],
    ["identity alphanumeric Sid", "identity", statementWith({ Sid: "AllowAll2" }), 1],
    ["identity empty Sid", "identity", statementWith({ Sid: "" }), 1],
    ["identity NotAction", "identity", json({ Statement: [{ Effect: "Deny", NotAction: ["iam:*", "sts:Get*"], Resource: "*" }] }), 1],
    ["identity NotResource", "identity", json({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", NotResource: ROLE_ARN }] }), 1],
    ["identity action wildcards", "identity", statementWith({ Action: ["iam:*AccessKey*", "sts:Assume?ole", "*:*"] }), 1],
    ["identity resource wildcards", "identity", statementWith({ Resource: ["arn:aws:iam::*:role/*", "arn:aws:s3:::bucket/*"] }), 1],
    ["identity two statements", "identity", json({ Statement: [ALLOW_ALL, { Effect: "Deny", Action: "iam:*", Resource: "*" }] }), 2],
    ["identity Resource policy variable", "identity", statementWith({ Resource: `arn:aws:iam::111122223333:user/${USERNAME_VARIABLE}` }), 1],
    ["identity String policy variable", "identity", conditionOf({ StringEquals: { "aws:PrincipalTag/owner": USERNAME_VARIABLE } }), 1],
    ["identity variable text in 2008-10-17", "identity", json({ Version: "2008-10-17", Statement: { ...ALLOW_ALL, Resource: `arn:aws:iam::1:user/${USERNAME_VARIABLE}` } }), 1],
    ["identity every operator family", "identity", conditionOf({
      StringEquals: { "aws:username": "alice" },
      StringNotLikeIfExists: { "aws:PrincipalTag/team": ["ops*", "sec?"] },
      "ForAnyValue:StringLike": { "aws:TagKeys": "env*" },
      "ForAllValues:StringEqualsIgnoreCase": { "aws:TagKeys": ["Env", "Team"] },
      NumericLessThan: { "aws:MultiFactorAuthAge": 3600 },
      DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" },
      DateLessThanEquals: { "aws:EpochTime": "1893456000" },
      Bool: { "aws:SecureTransport": true },
      Null: { "aws:TokenIssueTime": "false" },
      IpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"] },
      NotIpAddressIfExists: { "aws:SourceIp": "10.0.0.0/8" },
      BinaryEquals: { "aws:SomeBinary": "QmluYXJ5" },
      ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/*" },
      ArnNotEqualsIfExists: { "aws:SourceArn": "*" },
    }), 1],
    ["trust account root without Resource", "trust", json({ Version: "2012-10-17", Statement: [TRUST_ACCOUNT] }), 1],
    ["trust wildcard principal with condition", "trust", json({ Statement: { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "x-123" } } } }), 1],
    ["trust AWS principal list", "trust", json({ Statement: { ...TRUST_ACCOUNT, Principal: { AWS: ["111122223333", "arn:aws:iam::111122223333:user/alice", "AIDAEXAMPLEALICE00001", "*"] } } }), 1],
    ["trust federated OIDC provider", "trust", json({ Statement: { Effect: "Allow", Principal: { Federated: GITHUB_PROVIDER_ARN }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } } } }), 1],
    ["trust service principal", "trust", json({ Statement: { Effect: "Allow", Principal: { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] }, Action: "sts:AssumeRole" } }), 1],
    ["trust with Id and free Sid", "trust", json({ Version: "2012-10-17", Id: "trust-1", Statement: [{ ...TRUST_ACCOUNT, Sid: "allow-ci" }] }), 1],
    ["trust with Resource", "trust", json({ Statement: [{ ...TRUST_ACCOUNT, Resource: ROLE_ARN }] }), 1],
    ["trust two actions", "trust", json({ Statement: [{ ...TRUST_ACCOUNT, Action: ["sts:AssumeRole", "sts:TagSession"] }] }), 1],
    ["session minimal", "session", json({ Version: "2012-10-17", Statement: [ALLOW_ALL] }), 1],
    ["session with Id", "session", json({ Id: "scope-down", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }] }), 1],
    ["whitespace and unicode escapes", "identity", '\n{ "Statement" : [ { "Effect" : "Allow" , "Action" : "\\u002a" , "Resource" : "*" } ] }\t', 1],
  ])("accepts %s", (_name, kind, document, statementCount) => {
    const policy = parsePolicy(document, kind);

    expect(policy.kind).toBe(kind);
    expect(policy.statements).toHaveLength(statementCount);
  });

  it("builds the statement model", () => {
    const policy = parsePolicy(
      json({
        Version: "2012-10-17",
        Statement: [
          ALLOW_ALL,
          {
            Sid: "DenyIam",
            Effect: "Deny",
            NotAction: "sts:*",
            NotResource: [ROLE_ARN],
            Condition: { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*", "b"] } },
          },
        ],
      }),
      "identity",
    );

    expect(policy.version).toBe("2012-10-17");
    expect(policy.statements[1]).toEqual({
      index: 1,
      sid: "DenyIam",
      effect: "Deny",
      action: { negated: true, patterns: ["sts:*"] },
      resource: { negated: true, patterns: [ROLE_ARN] },
      conditions: [
        {
          operator: "ForAnyValue:StringLikeIfExists",
          baseOperator: "StringLike",
          qualifier: "ForAnyValue",
          ifExists: true,
          key: "aws:TagKeys",
          values: ["a*", "b"],
        },
      ],
    });
  });

  it("keeps number text and boolean values", () => {
    const document =
      '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": ' +
      '{"NumericEquals": {"n": [1.10, 10, -2.50]}, "Bool": {"b": false}}}}';

    const policy = parsePolicy(document, "identity");

    expect(policy.statements[0]!.conditions.map((clause) => clause.values)).toEqual([["1.10", "10", "-2.50"], ["false"]]);
  });

  it("keeps a trust principal", () => {
    const policy = parsePolicy(json({ Statement: TRUST_ACCOUNT }), "trust");

    expect(policy.statements[0]!.principal).toEqual({ AWS: ["arn:aws:iam::111122223333:root"] });
    expect(policy.statements[0]!.resource).toBeUndefined();
  });

  it("stores __proto__ as a plain key", () => {
    const error = thrownBy(() => parsePolicy('{"Statement": [], "__proto__": {"polluted": true}}', "identity"));

    expect((error as ServiceError).message).toBe('Policy document has unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("parsePolicy invalid documents", () => {
  const deepDocument = `{"Statement": ${"[".repeat(40)}${"]".repeat(40)}}`;

  it.each<[string, PolicyKind, string, string]>([
    // JSON
    ["truncated JSON", "identity", "{", "Policy document is not valid JSON: expected a string key at line 1, column 2"],
    ["trailing comma", "identity", '{"Statement": [1,]}', "Policy document is not valid JSON: unexpected character ']' at line 1, column 18"],
    ["text after the document", "identity", '{"Statement": []} x', "Policy document is not valid JSON: unexpected content after the document at line 1, column 19"],
    ["control character in a string", "identity", '{"Id": "a\u0001"}', "Policy document is not valid JSON: control character in a string at line 1, column 10"],
    ["invalid escape", "identity", '{"Id": "\\x"}', "Policy document is not valid JSON: invalid escape sequence at line 1, column 9"],
    ["leading zero", "identity", '{"Id": 01}', "Policy document is not valid JSON: expected ',' or '}' at line 1, column 9"],
    ["position on a later line", "identity", '{\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}', "Policy document is not valid JSON: expected a string key at line 3, column 24"],
    ["nesting too deep", "identity", deepDocument, "Policy document is not valid JSON: nesting deeper than 32 levels at line 1, column 46"],
    ["array document", "identity", "[]", "Policy document must be a JSON object, not an array"],
    ["string document", "identity", '"policy"', "Policy document must be a JSON object, not a string"],
    // duplicate keys
    ["duplicate top-level key", "identity", '{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}', 'Policy document has duplicate key "Version"'],
    ["duplicate Effect", "identity", '{"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Effect": "Allow"}]}', 'Statement[0]: duplicate key "Effect"'],
    ["duplicate key in single statement", "trust", '{"Statement": {"Principal": "*", "Principal": {"AWS": "1"}}}', 'Statement: duplicate key "Principal"'],
    ["duplicate condition key", "identity", '{"Statement": [{"Condition": {"StringEquals": {"sts:ExternalId": "a", "sts:ExternalId": "b"}}}]}', 'Statement[0].Condition.StringEquals: duplicate key "sts:ExternalId"'],
    ["duplicate principal type", "trust", '{"Statement": [{}, {"Principal": {"AWS": "1", "AWS": "2"}}]}', 'Statement[1].Principal: duplicate key "AWS"'],
    // top level
    ["unknown top-level key", "identity", json({ Statement: [ALLOW_ALL], Statements: [] }), 'Policy document has unknown key "Statements"'],
    ["unknown Version", "identity", json({ Version: "2012-10-18", Statement: [ALLOW_ALL] }), 'Version must be "2012-10-17" or "2008-10-17"'],
    ["numeric Version", "identity", json({ Version: 2012, Statement: [ALLOW_ALL] }), 'Version must be "2012-10-17" or "2008-10-17"'],
    ["Id in identity policy", "identity", json({ Id: "x", Statement: [ALLOW_ALL] }), "Id is not allowed in identity policies"],
    ["Id not a string", "trust", json({ Id: 7, Statement: [TRUST_ACCOUNT] }), "Id must be a string, not a number"],
    ["Statement missing", "identity", json({ Version: "2012-10-17" }), "Statement is missing"],
    ["Statement empty array", "identity", json({ Statement: [] }), "Statement must be an object or a non-empty array, not an array"],
    ["Statement string", "identity", json({ Statement: "Allow" }), "Statement must be an object or a non-empty array, not a string"],
    ["statement not an object", "identity", json({ Statement: [ALLOW_ALL, "x"] }), "Statement[1]: statement must be an object, not a string"],
    // statement keys, Sid, Effect
    ["unknown statement key", "identity", statementWith({ Actions: "*" }), 'Statement[0]: unknown key "Actions"'],
    ["lower-case statement key", "identity", statementWith({ effect: "Allow" }), 'Statement[0]: unknown key "effect"'],
    ["Sid not a string", "identity", statementWith({ Sid: 1 }), "Statement[0]: Sid must be a string, not a number"],
    ["identity Sid with dash", "identity", statementWith({ Sid: "allow-all" }), 'Statement[0]: Sid "allow-all" must contain only letters and digits in identity policies'],
    ["duplicate Sid", "trust", json({ Statement: [{ ...TRUST_ACCOUNT, Sid: "A" }, { ...TRUST_ACCOUNT, Sid: "B" }, { ...TRUST_ACCOUNT, Sid: "A" }] }), 'Statement[2]: Sid "A" is already used by Statement[0]'],
    ["Effect missing", "identity", json({ Statement: [{ Action: "*", Resource: "*" }] }), "Statement[0]: Effect is missing"],
    ["Effect lower case", "identity", json({ Statement: [ALLOW_ALL, { ...ALLOW_ALL, Effect: "allow" }] }), "Statement[1]: Effect must be Allow or Deny"],
    ["Effect not a string", "identity", statementWith({ Effect: true }), "Statement[0]: Effect must be Allow or Deny"],
    // Action
    ["Action missing", "identity", json({ Statement: [{ Effect: "Allow", Resource: "*" }] }), "Statement[0]: Action or NotAction is missing"],
    ["Action and NotAction", "identity", statementWith({ NotAction: "iam:*" }), "Statement[0]: Action and NotAction cannot both be present"],
    ["Action empty array", "identity", statementWith({ Action: [] }), "Statement[0]: Action must not be an empty array"],
    ["Action number", "identity", statementWith({ Action: 5 }), "Statement[0]: Action must be a string or an array of strings, not a number"],
    ["Action nested array", "identity", statementWith({ Action: [["sts:AssumeRole"]] }), "Statement[0]: Action must be a string or an array of strings, not an array"],
    ["Action empty string", "identity", statementWith({ Action: "" }), "Statement[0]: Action must not contain an empty string"],
    ["Action without service", "identity", statementWith({ Action: "AssumeRole" }), 'Statement[0]: Action "AssumeRole" must be "*" or "service:ActionName", with * and ? as wildcards'],
    ["Action with space", "identity", statementWith({ Action: "iam:Create User" }), 'Statement[0]: Action "iam:Create User" must be "*" or "service:ActionName", with * and ? as wildcards'],
    ["NotAction with two colons", "identity", json({ Statement: [{ Effect: "Deny", NotAction: "iam:a:b", Resource: "*" }] }), 'Statement[0]: NotAction "iam:a:b" must be "*" or "service:ActionName", with * and ? as wildcards'],
    // Resource
    ["Resource missing in identity", "identity", json({ Statement: [{ Effect: "Allow", Action: "*" }] }), "Statement[0]: Resource or NotResource is missing"],
    ["Resource missing in session", "session", json({ Statement: [{ Effect: "Allow", Action: "*" }] }), "Statement[0]: Resource or NotResource is missing"],
    ["Resource and NotResource", "identity", statementWith({ NotResource: ROLE_ARN }), "Statement[0]: Resource and NotResource cannot both be present"],
    ["Resource not an ARN", "identity", statementWith({ Resource: "role/Deploy" }), 'Statement[0]: Resource "role/Deploy" must be "*" or an ARN such as arn:aws:iam::123456789012:role/Name'],
    ["Resource with too few colons", "identity", statementWith({ Resource: "arn:aws:iam::*" }), 'Statement[0]: Resource "arn:aws:iam::*" must be "*" or an ARN such as arn:aws:iam::123456789012:role/Name'],
    ["Resource variable in the account", "identity", statementWith({ Resource: `arn:aws:iam::${ACCOUNT_VARIABLE}:user/x` }), `Statement[0]: Resource "arn:aws:iam::${ACCOUNT_VARIABLE}:user/x" uses the policy variable "aws:PrincipalAccount" before the fifth colon, but variables are allowed only in the resource part of an ARN`],
    // Principal
    ["Principal in identity", "identity", statementWith({ Principal: "*" }), "Statement[0]: Principal is not allowed in identity policies"],
    ["Principal in session", "session", statementWith({ Principal: { AWS: "111122223333" } }), "Statement[0]: Principal is not allowed in session policies"],
    ["NotPrincipal in identity", "identity", statementWith({ NotPrincipal: { AWS: "111122223333" } }), "Statement[0]: NotPrincipal is not allowed in identity policies"],
    ["NotPrincipal in trust", "trust", json({ Statement: [{ Effect: "Deny", NotPrincipal: { AWS: "111122223333" }, Action: "sts:AssumeRole" }] }), "Statement[0]: NotPrincipal is not allowed in trust policies"],
    ["Principal missing in trust", "trust", json({ Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] }), "Statement[0]: Principal is missing"],
    ["Principal ARN string", "trust", statementWith({ Principal: "arn:aws:iam::111122223333:root" }, TRUST_ACCOUNT), 'Statement[0]: Principal must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}'],
    ["Principal empty object", "trust", statementWith({ Principal: {} }, TRUST_ACCOUNT), "Statement[0]: Principal must name at least one principal"],
    ["Principal unknown type", "trust", statementWith({ Principal: { Aws: "111122223333" } }, TRUST_ACCOUNT), 'Statement[0]: Principal type "Aws" is not one of AWS, Federated, Service, CanonicalUser'],
    ["Principal partial wildcard ARN", "trust", statementWith({ Principal: { AWS: "arn:aws:iam::111122223333:user/*" } }, TRUST_ACCOUNT), 'Statement[0]: Principal.AWS "arn:aws:iam::111122223333:user/*" contains a wildcard, but a principal may only be "*" as a whole'],
    ["Principal wildcard account", "trust", statementWith({ Principal: { AWS: ["111122223333", "1111*"] } }, TRUST_ACCOUNT), 'Statement[0]: Principal.AWS "1111*" contains a wildcard, but a principal may only be "*" as a whole'],
    ["Principal question mark", "trust", statementWith({ Principal: { Service: "ec?.amazonaws.com" } }, TRUST_ACCOUNT), 'Statement[0]: Principal.Service "ec?.amazonaws.com" contains a wildcard, but a principal may only be "*" as a whole'],
    ["Federated star", "trust", statementWith({ Principal: { Federated: "*" } }, TRUST_ACCOUNT), 'Statement[0]: Principal.Federated does not accept "*"'],
    ["AWS principal plain name", "trust", statementWith({ Principal: { AWS: "alice" } }, TRUST_ACCOUNT), 'Statement[0]: Principal.AWS "alice" must be "*", a 12-digit account id, an ARN or a unique id'],
    ["AWS principal short account", "trust", statementWith({ Principal: { AWS: "11112222333" } }, TRUST_ACCOUNT), 'Statement[0]: Principal.AWS "11112222333" must be "*", a 12-digit account id, an ARN or a unique id'],
    ["Principal empty array", "trust", statementWith({ Principal: { AWS: [] } }, TRUST_ACCOUNT), "Statement[0]: Principal.AWS must not be an empty array"],
    ["Principal number", "trust", statementWith({ Principal: { AWS: 111122223333 } }, TRUST_ACCOUNT), "Statement[0]: Principal.AWS must be a string or an array of strings, not a number"],
    // Condition
    ["Condition array", "identity", conditionOf([]), "Statement[0]: Condition must be an object that maps operators to condition keys, not an array"],
    ["unknown operator", "identity", conditionOf({ StringEqual: { k: "v" } }), 'Statement[0]: Condition operator "StringEqual" is not recognized'],
    ["operator in lower case", "identity", conditionOf({ stringequals: { k: "v" } }), 'Statement[0]: Condition operator "stringequals" is not recognized'],
    ["NullIfExists", "identity", conditionOf({ NullIfExists: { k: "true" } }), 'Statement[0]: Condition operator "NullIfExists" is not recognized'],
    ["Null with qualifier", "identity", conditionOf({ "ForAnyValue:Null": { k: "true" } }), "Statement[0]: Null cannot take the ForAnyValue prefix"],
    ["unknown qualifier", "identity", conditionOf({ "ForSomeValues:StringLike": { k: "v" } }), 'Statement[0]: Condition operator "ForSomeValues:StringLike" is not recognized'],
    ["IfExists twice", "identity", conditionOf({ StringLikeIfExistsIfExists: { k: "v" } }), 'Statement[0]: Condition operator "StringLikeIfExistsIfExists" is not recognized'],
    ["operator block string", "identity", conditionOf({ StringEquals: "v" }), 'Statement[0]: Condition operator "StringEquals" must map condition keys to values, not a string'],
    ["empty condition key", "identity", conditionOf({ StringEquals: { "": "v" } }), 'Statement[0]: Condition operator "StringEquals" has an empty condition key'],
    ["null condition value", "identity", conditionOf({ StringEquals: { k: null } }), 'Statement[0]: StringEquals "k" must be a string, number, boolean or an array of those, not null'],
    ["nested condition array", "identity", conditionOf({ StringEquals: { k: [["v"]] } }), 'Statement[0]: StringEquals "k" must be a string, number, boolean or an array of those, not an array'],
    ["object condition value", "identity", conditionOf({ StringEquals: { k: { v: 1 } } }), 'Statement[0]: StringEquals "k" must be a string, number, boolean or an array of those, not an object'],
    ["empty condition array", "identity", conditionOf({ StringEquals: { k: [] } }), 'Statement[0]: StringEquals "k" must not be an empty array'],
    ["Numeric value not a number", "identity", conditionOf({ NumericLessThan: { "aws:MultiFactorAuthAge": "an hour" } }), 'Statement[0]: NumericLessThan "aws:MultiFactorAuthAge" value "an hour" is not a number'],
    ["Numeric hexadecimal", "identity", conditionOf({ NumericEquals: { n: "0x10" } }), 'Statement[0]: NumericEquals "n" value "0x10" is not a number'],
    ["Numeric exponent string", "identity", conditionOf({ NumericLessThan: { "aws:MultiFactorAuthAge": "1e3" } }), 'Statement[0]: NumericLessThan "aws:MultiFactorAuthAge" value "1e3" uses exponent notation; write it as an integer or a decimal such as 1000 or 0.5'],
    ["Numeric exponent number", "identity", '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericEquals": {"n": [1, 2.5E-1]}}}}', 'Statement: NumericEquals "n" value "2.5E-1" uses exponent notation; write it as an integer or a decimal such as 1000 or 0.5'],
    ["Date invalid day", "identity", conditionOf({ DateLessThan: { "aws:CurrentTime": "2026-02-30" } }), 'Statement[0]: DateLessThan "aws:CurrentTime" value "2026-02-30" is not an ISO 8601 date or epoch seconds'],
    ["Date time without zone", "identity", conditionOf({ DateLessThan: { "aws:CurrentTime": "2026-01-01T00:00:00" } }), 'Statement[0]: DateLessThan "aws:CurrentTime" value "2026-01-01T00:00:00" is not an ISO 8601 date or epoch seconds'],
    ["Bool value yes", "identity", conditionOf({ Bool: { "aws:SecureTransport": "yes" } }), 'Statement[0]: Bool "aws:SecureTransport" value "yes" must be "true" or "false"'],
    ["Null value maybe", "identity", conditionOf({ Null: { "aws:TokenIssueTime": "maybe" } }), 'Statement[0]: Null "aws:TokenIssueTime" value "maybe" must be "true" or "false"'],
    ["IPv4 prefix too long", "identity", conditionOf({ IpAddress: { "aws:SourceIp": "10.0.0.0/33" } }), 'Statement[0]: IpAddress "aws:SourceIp" value "10.0.0.0/33" is not an IPv4 or IPv6 address or CIDR block'],
    ["IPv4 octet too large", "identity", conditionOf({ NotIpAddress: { "aws:SourceIp": "300.1.1.1" } }), 'Statement[0]: NotIpAddress "aws:SourceIp" value "300.1.1.1" is not an IPv4 or IPv6 address or CIDR block'],
    ["IPv6 two compressions", "identity", conditionOf({ IpAddress: { "aws:SourceIp": "2001::db8::1" } }), 'Statement[0]: IpAddress "aws:SourceIp" value "2001::db8::1" is not an IPv4 or IPv6 address or CIDR block'],
    ["Binary not base64", "identity", conditionOf({ BinaryEquals: { k: "not base64!" } }), 'Statement[0]: BinaryEquals "k" value "not base64!" is not base64'],
    ["ArnLike not an ARN", "identity", conditionOf({ ArnLike: { "aws:PrincipalArn": "role/*" } }), 'Statement[0]: ArnLike "aws:PrincipalArn" value "role/*" must be an ARN or "*"'],
    ["Numeric policy variable", "identity", conditionOf({ NumericLessThan: { "aws:MultiFactorAuthAge": USERNAME_VARIABLE } }), `Statement[0]: NumericLessThan "aws:MultiFactorAuthAge" value "${USERNAME_VARIABLE}" is not a number`],
  ])("rejects %s", (_name, kind, document, message) => {
    const error = thrownBy(() => parsePolicy(document, kind));

    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("MalformedPolicyDocument");
    expect((error as ServiceError).status).toBe(400);
    expect((error as ServiceError).message).toBe(message);
  });
});
