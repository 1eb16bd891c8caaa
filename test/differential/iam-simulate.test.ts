/**
 * Differential test of the policy engine against @cloud-copilot/iam-simulate, an independent
 * implementation called only through its public runSimulation function. fast-check generates
 * identity policies, permissions boundaries and requests, both implementations decide them, and a
 * disagreement fails the test unless a known difference (KNOWN_DIFFERENCES, also described in
 * docs/policy-differences.md) explains it.
 */

import { type EvaluationResult, runSimulation } from "@cloud-copilot/iam-simulate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorizeRequest, evaluateIdentityPolicies, parsePolicy } from "../../shared/policy/index.js";
import type { Decision, Policy } from "../../shared/policy/index.js";
import { ServiceError } from "../../shared/protocol/errors.js";

const SEED = 20261204;
const GENERATED_CASES = 20_000;
const MIN_COMPARED_CASES = 10_000;
const GENERATED_BOUNDARY_CASES = 5_000;

const ACCOUNT_ID = "123456789012";
const CALLER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;

// runSimulation checks each request against its service authorization data, so the action must
// exist and the ARN must be of a resource type the action takes. s3:ListAllMyBuckets has no
// resource types, so it is requested on "*".
const OBJECT_ARNS = [
  "arn:aws:s3:::photos/2024/cat.jpg",
  "arn:aws:s3:::photos/readme",
  "arn:aws:s3:::logs/app.log",
  "arn:aws:s3:::Photos/cat.jpg",
  "arn:aws:s3:::photos/a:b",
];
const BUCKET_ARNS = ["arn:aws:s3:::photos", "arn:aws:s3:::logs"];
const ROLE_ARNS = [
  `arn:aws:iam::${ACCOUNT_ID}:role/Admin`,
  `arn:aws:iam::${ACCOUNT_ID}:role/team/Dev`,
  "arn:aws:iam::210987654321:role/Admin",
];
const REQUEST_TARGETS: readonly { action: string; resources: readonly string[] }[] = [
  { action: "s3:GetObject", resources: OBJECT_ARNS },
  { action: "s3:PutObject", resources: OBJECT_ARNS },
  { action: "s3:ListBucket", resources: BUCKET_ARNS },
  { action: "iam:GetRole", resources: ROLE_ARNS },
  { action: "sts:AssumeRole", resources: ROLE_ARNS },
  { action: "s3:ListAllMyBuckets", resources: ["*"] },
];

const ACTION_PATTERNS = [
  "*",
  "s3:*",
  "s3:Get*",
  "s3:*Object",
  "s3:?etObject",
  "s3:GetObject",
  "S3:getobject",
  "s3:List*",
  "s3:ListBucket",
  "s3:Put*",
  "s3:*Bucket*",
  "iam:*",
  "iam:GetRole",
  "iam:Get?ole",
  "sts:AssumeRole",
  "sts:Assume*",
  "sts:*",
];
const RESOURCE_PATTERNS = [
  "*",
  "arn:aws:s3:::photos/*",
  "arn:aws:s3:::photos*",
  "arn:aws:s3:::*",
  "arn:aws:s3:::photos",
  "arn:aws:s3:::*/*.jpg",
  "arn:aws:s3:::photos/202?/*",
  "arn:aws:s3:::logs/*",
  "arn:aws:s3:::photos/a:*",
  "arn:aws:s3:::*:*",
  "arn:*:s3:::photos/*",
  `arn:aws:iam::${ACCOUNT_ID}:role/*`,
  `arn:aws:iam::${ACCOUNT_ID}:role/team/*`,
  `arn:aws:iam::${ACCOUNT_ID}:*`,
  "arn:aws:iam::*:role/Admin",
  "arn:aws:iam::1234567890??:role/Admin",
];

type KeyType = "string" | "arn" | "numeric" | "date" | "bool" | "ip" | "multivalued";

interface ConditionKeySpec {
  name: string;
  /** The same key in other letter case, because key names are case-insensitive. */
  otherSpelling: string;
  type: KeyType;
  policyValues: readonly string[];
  requestValues: readonly string[];
}

// Only global condition keys, because runSimulation drops a service key from the request unless
// the action lists it, while it applies global keys to every action.
const CONDITION_KEYS: readonly ConditionKeySpec[] = [
  {
    name: "aws:username",
    otherSpelling: "aws:UserName",
    type: "string",
    policyValues: ["alice", "Alice", "bob", "al*", "a?ice", "*", "", "ålice"],
    requestValues: ["alice", "ALICE", "bob", "", "Ålice", "al*"],
  },
  {
    name: "aws:RequestedRegion",
    otherSpelling: "AWS:requestedregion",
    type: "string",
    policyValues: ["us-east-1", "eu-west-1", "us-*", "*-west-?"],
    requestValues: ["us-east-1", "eu-west-1", "us-west-2"],
  },
  {
    name: "aws:PrincipalArn",
    otherSpelling: "AWS:principalarn",
    type: "arn",
    policyValues: [
      CALLER_ARN,
      `arn:aws:iam::${ACCOUNT_ID}:user/*`,
      `arn:aws:iam::${ACCOUNT_ID}:user/ALICE`,
      `arn:aws:iam::${ACCOUNT_ID}:*`,
      `arn:aws:iam::${ACCOUNT_ID}:role/Ad?in`,
      "arn:aws:iam::*:role/Admin",
      "*",
    ],
    requestValues: [
      CALLER_ARN,
      `arn:aws:iam::${ACCOUNT_ID}:user/team/alice`,
      `arn:aws:iam::${ACCOUNT_ID}:role/Admin`,
      "arn:aws:iam::210987654321:role/Admin",
    ],
  },
  {
    name: "aws:MultiFactorAuthAge",
    otherSpelling: "aws:multifactorauthage",
    type: "numeric",
    policyValues: ["0", "300", "3600", "299.5", "-1"],
    requestValues: ["0", "120", "300", "300.0", "3600", "4000"],
  },
  {
    name: "aws:CurrentTime",
    otherSpelling: "aws:currenttime",
    type: "date",
    policyValues: ["2024-06-01T12:00:00Z", "2024-06-01", "2024-06-01T14:00:00+02:00", "2025-01-01T00:00:00Z", "1717243200"],
    requestValues: [
      "2024-06-01T12:00:00Z",
      "2024-06-01T11:59:59Z",
      "2024-06-01T12:00:00.500Z",
      "2024-06-01T00:00:00Z",
      "2024-12-31T23:59:59Z",
    ],
  },
  {
    name: "aws:EpochTime",
    otherSpelling: "aws:epochtime",
    type: "date",
    policyValues: ["1717243200", "1735689600", "2024-06-01T12:00:00Z"],
    requestValues: ["1717243199", "1717243200", "1735689600"],
  },
  {
    name: "aws:SecureTransport",
    otherSpelling: "aws:securetransport",
    type: "bool",
    policyValues: ["true", "false"],
    requestValues: ["true", "false"],
  },
  {
    name: "aws:SourceIp",
    otherSpelling: "aws:sourceip",
    type: "ip",
    policyValues: ["10.0.0.0/8", "10.1.2.0/24", "192.168.1.10", "192.168.1.10/32", "0.0.0.0/0", "2001:db8::/32", "::/0"],
    requestValues: ["10.1.2.3", "10.200.0.1", "192.168.1.10", "8.8.8.8", "::ffff:10.1.2.3", "2001:db8::5", "2001:db9::1"],
  },
  {
    name: "aws:CalledVia",
    otherSpelling: "aws:calledvia",
    type: "multivalued",
    policyValues: ["athena.amazonaws.com", "ATHENA.amazonaws.com", "cloudformation.amazonaws.com", "*.amazonaws.com", "athena.*"],
    requestValues: ["athena.amazonaws.com", "cloudformation.amazonaws.com", "dynamodb.amazonaws.com"],
  },
];

const STRING_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
];
const OPERATORS_BY_KEY_TYPE: Readonly<Record<KeyType, readonly string[]>> = {
  string: STRING_OPERATORS,
  arn: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", ...STRING_OPERATORS],
  numeric: [
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
  ],
  date: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
  bool: ["Bool"],
  ip: ["IpAddress", "NotIpAddress"],
  multivalued: STRING_OPERATORS,
};

type RequestValue = string | readonly string[];
type RequestKeys = Readonly<Record<string, RequestValue>>;
type ConditionValue = string | number | boolean;
type ConditionBlock = Record<string, Record<string, ConditionValue | ConditionValue[]>>;
type PatternElement = string | string[];

interface StatementDocument {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action?: PatternElement;
  NotAction?: PatternElement;
  Resource?: PatternElement;
  NotResource?: PatternElement;
  Condition?: ConditionBlock;
}

interface PolicyDocument {
  Version: "2012-10-17";
  Statement: StatementDocument[];
}

interface DifferentialCase {
  policies: PolicyDocument[];
  /** The caller's permissions boundary, decided with authorizeRequest when present. */
  boundary?: PolicyDocument;
  action: string;
  resource: string;
  keys: RequestKeys;
}

interface GeneratedClause {
  operator: string;
  key: string;
  values: ConditionValue | ConditionValue[];
}

/** Condition clauses with a random operator of the key's type, or Null, and one to three values. */
const clauseArbitrary: fc.Arbitrary<GeneratedClause> = fc.constantFrom(...CONDITION_KEYS).chain((key) =>
  fc
    .record({
      baseOperator: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...OPERATORS_BY_KEY_TYPE[key.type]) },
        { weight: 1, arbitrary: fc.constant("Null") },
      ),
      // Set qualifiers belong with multivalued keys, but are valid, and sometimes written, on any key.
      qualifier:
        key.type === "multivalued"
          ? fc.oneof(
              { weight: 2, arbitrary: fc.constantFrom("ForAnyValue", "ForAllValues") },
              { weight: 1, arbitrary: fc.constant(undefined) },
            )
          : fc.oneof(
              { weight: 6, arbitrary: fc.constant(undefined) },
              { weight: 1, arbitrary: fc.constantFrom("ForAnyValue", "ForAllValues") },
            ),
      ifExists: fc.boolean(),
      otherSpelling: fc.boolean(),
      values: fc.uniqueArray(fc.constantFrom(...key.policyValues), { minLength: 1, maxLength: 3 }),
      nullValue: fc.constantFrom("true", "false"),
      asJsonScalars: fc.boolean(),
    })
    .map((generated): GeneratedClause => {
      const keyName = generated.otherSpelling ? key.otherSpelling : key.name;
      if (generated.baseOperator === "Null") {
        const value = generated.asJsonScalars ? generated.nullValue === "true" : generated.nullValue;
        return { operator: "Null", key: keyName, values: value };
      }

      const qualifier = generated.qualifier === undefined ? "" : `${generated.qualifier}:`;
      const suffix = generated.ifExists ? "IfExists" : "";
      // Policies may write booleans and numbers as JSON scalars instead of strings.
      let values: ConditionValue[] = generated.values;
      if (generated.asJsonScalars && key.type === "bool") values = generated.values.map((value) => value === "true");
      if (generated.asJsonScalars && key.type === "numeric") values = generated.values.map(Number);
      return {
        operator: `${qualifier}${generated.baseOperator}${suffix}`,
        key: keyName,
        values: values.length === 1 ? values[0]! : values,
      };
    }),
);

/** Writes a one-element list as a plain string half of the time, as policies often do. */
function patternElement(patterns: string[], asString: boolean): PatternElement {
  return patterns.length === 1 && asString ? patterns[0]! : patterns;
}

const statementArbitrary = fc.record({
  effect: fc.oneof(
    { weight: 7, arbitrary: fc.constant<"Allow" | "Deny">("Allow") },
    { weight: 3, arbitrary: fc.constant<"Allow" | "Deny">("Deny") },
  ),
  notAction: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
  notResource: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  resources: fc.uniqueArray(fc.constantFrom(...RESOURCE_PATTERNS), { minLength: 1, maxLength: 3 }),
  clauses: fc.oneof(
    { weight: 2, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(clauseArbitrary, { minLength: 1, maxLength: 3 }) },
  ),
  patternsAsString: fc.boolean(),
});

const policyArbitrary: fc.Arbitrary<PolicyDocument> = fc
  .array(statementArbitrary, { minLength: 1, maxLength: 5 })
  .map((statements) => ({
    Version: "2012-10-17",
    Statement: statements.map((generated, index): StatementDocument => {
      const statement: StatementDocument = {
        Sid: `S${index}`,
        Effect: generated.effect,
        [generated.notAction ? "NotAction" : "Action"]: patternElement(generated.actions, generated.patternsAsString),
        [generated.notResource ? "NotResource" : "Resource"]: patternElement(generated.resources, generated.patternsAsString),
      };
      // A later clause for the same operator and key replaces an earlier one, so keys stay unique.
      const condition: ConditionBlock = {};
      for (const clause of generated.clauses) {
        condition[clause.operator] = { ...condition[clause.operator], [clause.key]: clause.values };
      }
      if (generated.clauses.length > 0) statement.Condition = condition;
      return statement;
    }),
  }));

/** Request keys, each absent or with a value. The multivalued key may also be an empty list. */
const requestKeysArbitrary: fc.Arbitrary<RequestKeys> = fc
  .tuple(
    ...CONDITION_KEYS.map((key): fc.Arbitrary<RequestValue | undefined> =>
      key.type === "multivalued"
        ? fc.oneof(
            { weight: 3, arbitrary: fc.constant(undefined) },
            { weight: 1, arbitrary: fc.constant([]) },
            { weight: 6, arbitrary: fc.uniqueArray(fc.constantFrom(...key.requestValues), { minLength: 1, maxLength: 3 }) },
          )
        : fc.option(fc.constantFrom(...key.requestValues), { nil: undefined, freq: 3 }),
    ),
  )
  .map((values) => {
    const keys: Record<string, RequestValue> = {};
    CONDITION_KEYS.forEach((key, index) => {
      const value = values[index];
      if (value !== undefined) keys[key.name] = value;
    });
    return keys;
  });

const caseArbitrary: fc.Arbitrary<DifferentialCase> = fc
  .record({
    policies: fc.array(policyArbitrary, { minLength: 1, maxLength: 2 }),
    target: fc
      .constantFrom(...REQUEST_TARGETS)
      .chain((target) => fc.record({ action: fc.constant(target.action), resource: fc.constantFrom(...target.resources) })),
    keys: requestKeysArbitrary,
  })
  .map(({ policies, target, keys }) => ({ policies, action: target.action, resource: target.resource, keys }));

const boundaryCaseArbitrary: fc.Arbitrary<DifferentialCase> = fc
  .tuple(caseArbitrary, policyArbitrary)
  .map(([testCase, boundary]) => ({ ...testCase, boundary }));

/** A boundary that allows none of the generated requests, because no request names this bucket. */
const BOUNDARY_ALLOWING_NOTHING: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Sid: "Nothing", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::no-such-bucket/*" }],
};

/** A decision in iam-simulate's words, or why one side rejected the case. */
type Outcome = { decision: EvaluationResult } | { rejection: string };

const REFERENCE_DECISION: Readonly<Record<Decision, EvaluationResult>> = {
  Allow: "Allowed",
  ExplicitDeny: "ExplicitlyDenied",
  ImplicitDeny: "ImplicitlyDenied",
};

function decideWithEngine(testCase: DifferentialCase): Outcome {
  let policies: Policy[];
  let boundary: Policy | undefined;
  try {
    policies = testCase.policies.map((document) => parsePolicy(JSON.stringify(document), "identity"));
    if (testCase.boundary !== undefined) boundary = parsePolicy(JSON.stringify(testCase.boundary), "identity");
  } catch (error) {
    if (error instanceof ServiceError) return { rejection: error.message };
    throw error;
  }

  const request = { action: testCase.action, resource: testCase.resource, keys: testCase.keys };
  if (boundary === undefined) {
    return { decision: REFERENCE_DECISION[evaluateIdentityPolicies(policies, request).decision] };
  }
  const result = authorizeRequest({
    request,
    callerAccountId: ACCOUNT_ID,
    resourceAccountId: ACCOUNT_ID,
    identityPolicies: policies,
    permissionsBoundary: boundary,
  });
  return { decision: REFERENCE_DECISION[result.decision] };
}

async function decideWithReference(testCase: DifferentialCase): Promise<Outcome> {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(testCase.keys)) {
    contextVariables[key] = typeof value === "string" ? value : [...value];
  }

  const result = await runSimulation(
    {
      request: {
        principal: CALLER_ARN,
        action: testCase.action,
        resource: { resource: testCase.resource, accountId: ACCOUNT_ID },
        contextVariables,
      },
      identityPolicies: testCase.policies.map((policy, index) => ({ name: `policy${index}`, policy })),
      ...(testCase.boundary === undefined ? {} : { permissionBoundaryPolicies: [{ name: "boundary", policy: testCase.boundary }] }),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    { simulationMode: "Strict" },
  );

  if (result.resultType === "error") {
    const details = [
      ...Object.values(result.errors.identityPolicyErrors ?? {}),
      ...Object.values(result.errors.permissionBoundaryErrors ?? {}),
    ].flat();
    return { rejection: [result.errors.message, ...details.map((detail) => detail.message)].join(": ") };
  }
  if (result.resultType !== "single") {
    throw new Error(`iam-simulate ran a wildcard simulation for ${testCase.resource}; requests must name one resource`);
  }
  // A dropped key would make the two sides decide different requests.
  const ignoredKeys = result.result.ignoredContextKeys ?? [];
  if (ignoredKeys.length > 0) {
    throw new Error(`iam-simulate ignored the keys ${ignoredKeys.join(", ")} for ${testCase.action}; use global keys`);
  }
  return { decision: result.overallResult };
}

/** A condition clause of a generated policy, with the request's value for its key. */
interface ClauseInContext {
  qualifier: string | undefined;
  baseOperator: string;
  ifExists: boolean;
  /** Policy values as strings, so JSON booleans and numbers read as they are written. */
  values: readonly string[];
  /** The request's value for the key, undefined when the key is absent. */
  requestValue: RequestValue | undefined;
}

/** A difference between the two implementations that we have examined and judged. */
interface KnownDifference {
  name: string;
  judgement: "iam-simulate is wrong" | "not documented by AWS";
  reason: string;
  /** Whether a clause uses the feature behind the difference. */
  affects(clause: ClauseInContext): boolean;
  /** The smallest case that shows the difference: one Allow statement with this condition. */
  example: { condition: ConditionBlock; keys: RequestKeys; engine: EvaluationResult; reference: EvaluationResult };
}

const isEpochSeconds = (value: string): boolean => /^\d+$/.test(value);
const isIpv6 = (value: string): boolean => value.includes(":");
function presentValues(value: RequestValue | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : value;
}

const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    name: "IPv4 block 0.0.0.0/0",
    judgement: "iam-simulate is wrong",
    reason: "A /0 block contains every IPv4 address, but iam-simulate matches no address with it.",
    affects: (clause) => clause.baseOperator.endsWith("IpAddress") && clause.values.includes("0.0.0.0/0"),
    example: {
      condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
      keys: { "aws:SourceIp": "8.8.8.8" },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "NotIpAddress with a single address of the other IP version",
    judgement: "iam-simulate is wrong",
    reason:
      "NotIpAddress holds when the request address is in none of the listed addresses and blocks, and an address never equals one of the other IP version.",
    affects: (clause) =>
      clause.baseOperator === "NotIpAddress" &&
      presentValues(clause.requestValue).some((requestValue) =>
        clause.values.some((policyValue) => !policyValue.includes("/") && isIpv6(policyValue) !== isIpv6(requestValue)),
      ),
    example: {
      condition: { NotIpAddress: { "aws:SourceIp": "192.168.1.10" } },
      keys: { "aws:SourceIp": "2001:db8::5" },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "IPv4-mapped IPv6 request address",
    judgement: "not documented by AWS",
    reason: "The engine compares ::ffff:a.b.c.d with IPv4 blocks as a.b.c.d, because dual-stack sockets report IPv4 clients that way.",
    affects: (clause) =>
      clause.baseOperator.endsWith("IpAddress") &&
      presentValues(clause.requestValue).some((value) => value.toLowerCase().startsWith("::ffff:")),
    example: {
      condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
      keys: { "aws:SourceIp": "::ffff:10.1.2.3" },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "epoch seconds compared with ISO 8601 dates",
    judgement: "iam-simulate is wrong",
    reason: "AWS documents epoch values of date operators in seconds; iam-simulate reads them as milliseconds.",
    affects: (clause) =>
      clause.baseOperator.startsWith("Date") &&
      presentValues(clause.requestValue).some((requestValue) =>
        clause.values.some((policyValue) => isEpochSeconds(policyValue) !== isEpochSeconds(requestValue)),
      ),
    example: {
      condition: { DateEquals: { "aws:CurrentTime": "1717243200" } },
      keys: { "aws:CurrentTime": "2024-06-01T12:00:00Z" },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "ForAnyValue with IfExists on an absent key",
    judgement: "not documented by AWS",
    reason: "IfExists makes a clause on an absent key true, and ForAnyValue makes it false. The engine lets IfExists win.",
    affects: (clause) =>
      clause.qualifier === "ForAnyValue" && clause.ifExists && presentValues(clause.requestValue).length === 0,
    example: {
      condition: { "ForAnyValue:StringLikeIfExists": { "aws:CalledVia": "athena.*" } },
      keys: {},
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "multivalued key without a set qualifier",
    judgement: "not documented by AWS",
    reason:
      "AWS requires ForAnyValue or ForAllValues with multivalued keys. Without one, the engine matches if any request value matches (none, for negated operators), and iam-simulate never matches.",
    affects: (clause) =>
      clause.qualifier === undefined &&
      clause.baseOperator !== "Null" &&
      Array.isArray(clause.requestValue) &&
      clause.requestValue.length > 0,
    example: {
      condition: { StringEquals: { "aws:CalledVia": "athena.amazonaws.com" } },
      keys: { "aws:CalledVia": ["athena.amazonaws.com"] },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "multivalued key with an empty list",
    judgement: "iam-simulate is wrong",
    reason:
      "AWS treats a key whose values resolve to an empty set like an absent key, and its advice to guard ForAllValues with Null false relies on that. iam-simulate treats the empty list as present.",
    affects: (clause) => Array.isArray(clause.requestValue) && clause.requestValue.length === 0,
    example: {
      condition: { Null: { "aws:CalledVia": "true" } },
      keys: { "aws:CalledVia": [] },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
  {
    name: "ARN operator with the value *",
    judgement: "not documented by AWS",
    reason:
      "AWS documents ARN operator values as ARNs with wildcards in each of the six parts. The engine lets a bare * match any value, as in Resource, and iam-simulate makes the condition false, for ArnNotLike too.",
    affects: (clause) => clause.baseOperator.startsWith("Arn") && clause.values.includes("*"),
    example: {
      condition: { ArnLike: { "aws:PrincipalArn": "*" } },
      keys: { "aws:PrincipalArn": CALLER_ARN },
      engine: "Allowed",
      reference: "ImplicitlyDenied",
    },
  },
];

const OPERATOR_NAME = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/;

function requestValueFor(keys: RequestKeys, key: string): RequestValue | undefined {
  const lowerKey = key.toLowerCase();
  const name = Object.keys(keys).find((candidate) => candidate.toLowerCase() === lowerKey);
  return name === undefined ? undefined : keys[name];
}

/** Returns whether any of the differences affects a clause of the statement. */
function statementUses(statement: StatementDocument, keys: RequestKeys, differences: readonly KnownDifference[]): boolean {
  for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
    for (const key of Object.keys(block)) {
      if (clauseUses(operator, key, block[key]!, keys, differences)) return true;
    }
  }
  return false;
}

function clauseUses(
  operator: string,
  key: string,
  values: ConditionValue | ConditionValue[],
  keys: RequestKeys,
  differences: readonly KnownDifference[],
): boolean {
  const [, qualifier, baseOperator, ifExists] = OPERATOR_NAME.exec(operator)!;
  const clause: ClauseInContext = {
    qualifier,
    baseOperator: baseOperator!,
    ifExists: ifExists !== undefined,
    values: [values].flat().map(String),
    requestValue: requestValueFor(keys, key),
  };
  return differences.some((difference) => difference.affects(clause));
}

/** Returns the case without the clauses that the differences affect. Statements keep their other clauses. */
function withoutClauses(testCase: DifferentialCase, differences: readonly KnownDifference[]): DifferentialCase {
  const rewrite = (policy: PolicyDocument): PolicyDocument => ({
    ...policy,
    Statement: policy.Statement.map((statement) => {
      const condition: ConditionBlock = {};
      for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
        for (const [key, values] of Object.entries(block)) {
          if (!clauseUses(operator, key, values, testCase.keys, differences)) {
            condition[operator] = { ...condition[operator], [key]: values };
          }
        }
      }
      const { Condition: _removed, ...rest } = statement;
      return Object.keys(condition).length === 0 ? rest : { ...rest, Condition: condition };
    }),
  });
  return {
    ...testCase,
    policies: testCase.policies.map(rewrite),
    ...(testCase.boundary === undefined ? {} : { boundary: rewrite(testCase.boundary) }),
  };
}

/**
 * Returns the case without the statements that have a clause the differences affect. A boundary left
 * without statements allows nothing, as it did for requests that only the removed statements matched.
 */
function withoutStatements(testCase: DifferentialCase, differences: readonly KnownDifference[]): DifferentialCase {
  const rewrite = (policy: PolicyDocument): PolicyDocument => ({
    ...policy,
    Statement: policy.Statement.filter((statement) => !statementUses(statement, testCase.keys, differences)),
  });
  const policies = testCase.policies.map(rewrite).filter((policy) => policy.Statement.length > 0);
  if (testCase.boundary === undefined) return { ...testCase, policies };

  const boundary = rewrite(testCase.boundary);
  return { ...testCase, policies, boundary: boundary.Statement.length > 0 ? boundary : BOUNDARY_ALLOWING_NOTHING };
}

async function decideAlike(testCase: DifferentialCase): Promise<boolean> {
  const engine = decideWithEngine(testCase);
  const reference = await decideWithReference(testCase);
  return "decision" in engine && "decision" in reference && engine.decision === reference.decision;
}

/**
 * Returns the known differences that explain a disagreement, or undefined. The
 * differences explain it when the two sides agree both without the clauses that use them and
 * without the statements that contain such clauses. Removing a clause widens its statement, which
 * could let a Deny hide another difference, and removing the statement hides its other clauses,
 * so each check covers the other's blind spot.
 */
async function explainDisagreement(testCase: DifferentialCase): Promise<readonly KnownDifference[] | undefined> {
  const documents = testCase.boundary === undefined ? testCase.policies : [...testCase.policies, testCase.boundary];
  const used = KNOWN_DIFFERENCES.filter((difference) =>
    documents.some((policy) => policy.Statement.some((statement) => statementUses(statement, testCase.keys, [difference]))),
  );
  const candidates = used.length > 1 ? [...used.map((difference) => [difference]), used] : [used];
  for (const differences of candidates) {
    if (differences.length === 0) continue;
    if ((await decideAlike(withoutClauses(testCase, differences))) && (await decideAlike(withoutStatements(testCase, differences)))) {
      return differences;
    }
  }
  return undefined;
}

/** Counts of what happened to the generated cases, printed after the run. */
class Tally {
  generated = 0;
  compared = 0;
  agreed = 0;
  readonly engineRejections = new Map<string, number>();
  readonly referenceRejections = new Map<string, number>();
  readonly decisions = new Map<EvaluationResult, number>();
  readonly explained = new Map<string, number>();
  /** Disagreements that no single known difference explains, but several together do. */
  explainedTogether = 0;

  static add<Key>(counts: Map<Key, number>, key: Key): void {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }

  summary(): string {
    const lines = [
      `generated ${this.generated}, compared ${this.compared}, agreed ${this.agreed} (${((100 * this.agreed) / this.compared).toFixed(2)}%)`,
      `decisions of our engine: ${JSON.stringify(Object.fromEntries(this.decisions))}`,
      `rejected by our engine: ${JSON.stringify(Object.fromEntries(this.engineRejections))}`,
      `rejected by iam-simulate: ${JSON.stringify(Object.fromEntries(this.referenceRejections))}`,
      "disagreements explained by one known difference:",
      ...[...this.explained].map(([name, count]) => `  ${count}  ${name}`),
      `disagreements explained only by several known differences together: ${this.explainedTogether}`,
    ];
    return lines.join("\n");
  }
}

/**
 * Decides generated cases with both implementations and counts the outcomes. Throws, with the
 * shrunk case, at the first disagreement that no known difference explains.
 */
async function compareRandomCases(arbitrary: fc.Arbitrary<DifferentialCase>, numRuns: number): Promise<Tally> {
  const tally = new Tally();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (testCase) => {
      tally.generated++;
      const engine = decideWithEngine(testCase);
      const reference = await decideWithReference(testCase);
      if ("rejection" in engine) Tally.add(tally.engineRejections, engine.rejection);
      if ("rejection" in reference) Tally.add(tally.referenceRejections, reference.rejection);
      if (!("decision" in engine) || !("decision" in reference)) return;

      tally.compared++;
      Tally.add(tally.decisions, engine.decision);
      if (engine.decision === reference.decision) {
        tally.agreed++;
        return;
      }

      const explanation = await explainDisagreement(testCase);
      if (explanation === undefined) {
        throw new Error(
          `our engine decided ${engine.decision} and iam-simulate ${reference.decision}, and no known difference explains it`,
        );
      }
      if (explanation.length === 1) Tally.add(tally.explained, explanation[0]!.name);
      else tally.explainedTogether++;
    }),
    { seed: SEED, numRuns },
  );
  return tally;
}

/** Checks that each decision makes up at least `minimumShare` of the compared cases, without which agreement proves little. */
function expectEveryDecision(tally: Tally, minimumShare: number): void {
  for (const decision of Object.values(REFERENCE_DECISION)) {
    expect(tally.decisions.get(decision) ?? 0, decision).toBeGreaterThan(tally.compared * minimumShare);
  }
}

function examplePolicy(condition: ConditionBlock): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "Example", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/*", Condition: condition }],
  };
}

function exampleCase(policy: PolicyDocument, keys: RequestKeys = {}): DifferentialCase {
  return { policies: [policy], action: "s3:GetObject", resource: "arn:aws:s3:::photos/2024/cat.jpg", keys };
}

describe("policy engine against iam-simulate", () => {
  it("both decide plain policies alike", async () => {
    const allow = exampleCase(examplePolicy({ StringEquals: { "aws:username": "alice" } }), { "aws:username": "alice" });
    const noMatch = exampleCase(examplePolicy({ StringEquals: { "aws:username": "alice" } }), { "aws:username": "bob" });
    const deny = exampleCase({
      Version: "2012-10-17",
      Statement: [
        { Sid: "Read", Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Sid: "NoPhotos", Effect: "Deny", Action: "s3:Get*", Resource: "arn:aws:s3:::photos/*" },
      ],
    });

    expect(decideWithEngine(allow)).toEqual({ decision: "Allowed" });
    expect(await decideWithReference(allow)).toEqual({ decision: "Allowed" });
    expect(decideWithEngine(noMatch)).toEqual({ decision: "ImplicitlyDenied" });
    expect(await decideWithReference(noMatch)).toEqual({ decision: "ImplicitlyDenied" });
    expect(decideWithEngine(deny)).toEqual({ decision: "ExplicitlyDenied" });
    expect(await decideWithReference(deny)).toEqual({ decision: "ExplicitlyDenied" });
  });

  it.each(KNOWN_DIFFERENCES)("known difference still shows: $name", async (difference) => {
    const testCase = exampleCase(examplePolicy(difference.example.condition), difference.example.keys);

    expect(decideWithEngine(testCase)).toEqual({ decision: difference.example.engine });
    expect(await decideWithReference(testCase)).toEqual({ decision: difference.example.reference });
    expect(statementUses(testCase.policies[0]!.Statement[0]!, testCase.keys, [difference])).toBe(true);
  });

  it("random policies get the same decisions", { timeout: 180_000 }, async () => {
    const tally = await compareRandomCases(caseArbitrary, GENERATED_CASES);
    console.log(tally.summary());

    expect(tally.compared).toBeGreaterThanOrEqual(MIN_COMPARED_CASES);
    expectEveryDecision(tally, 0.05);
  });

  it("random policies with a boundary get the same decisions", { timeout: 180_000 }, async () => {
    const tally = await compareRandomCases(boundaryCaseArbitrary, GENERATED_BOUNDARY_CASES);
    console.log(`with a permissions boundary: ${tally.summary()}`);

    expect(tally.compared).toBeGreaterThan(GENERATED_BOUNDARY_CASES / 2);
    // Allow needs both the identity policies and the boundary, so it is rarer here.
    expectEveryDecision(tally, 0.03);
  });
});
