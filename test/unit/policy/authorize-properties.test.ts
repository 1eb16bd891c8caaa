import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authorizeRequest, evaluateIdentityPolicies, matchesWildcard, parsePolicy } from "../../../shared/policy/index.js";
import type { AuthorizationInput, Decision, PrincipalIdentity } from "../../../shared/policy/index.js";
import {
  ALICE,
  ALICE_ARN,
  BUILDER_ROLE_ARN,
  BUILDER_SESSION,
  BUILDER_SESSION_ARN,
  CALLER_ACCOUNT,
  CALLER_ROOT_ARN,
  OTHER_ACCOUNT,
  OUTSIDER,
  policyOf,
} from "./fixtures.js";

const SETTINGS = { seed: 20260204, numRuns: 300 };

/** Writes `${body}` without a string that linters take for a misplaced template placeholder. */
function ref(body: string): string {
  return `\${${body}}`;
}

const ACTIONS = ["s3:GetObject", "s3:PutObject", "sts:AssumeRole"];
const ACTION_PATTERNS = ["*", "s3:*", "s3:Get*", "sts:AssumeRole", "s3:PutObject"];
const RESOURCES = ["arn:aws:s3:::reports/alice/q1.csv", "arn:aws:s3:::reports/bob/q1.csv", "arn:aws:s3:::logs/a"];
const RESOURCE_PATTERNS = ["*", "arn:aws:s3:::reports/*", `arn:aws:s3:::reports/${ref("aws:username")}/*`, "arn:aws:s3:::logs/*"];
const PRINCIPALS: readonly unknown[] = [
  "*",
  { AWS: ALICE_ARN },
  { AWS: CALLER_ACCOUNT },
  { AWS: CALLER_ROOT_ARN },
  { AWS: BUILDER_ROLE_ARN },
  { AWS: BUILDER_SESSION_ARN },
  { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
];

// One statement in four has a condition, so that most generated requests depend on the combination rules.
const condition = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 3 },
  {
    arbitrary: fc.constantFrom<object>(
      { StringEquals: { "test:key": "a" } },
      { StringNotEquals: { "test:key": "b" } },
      { StringLike: { "s3:prefix": `${ref("aws:username")}/*` } },
      { StringNotEqualsIfExists: { "test:key": ref("aws:PrincipalTag/team") } },
    ),
    weight: 1,
  },
);

/** Builds identity-style statements over small sets of actions and resources, so that matches are common. */
function statement(effect: fc.Arbitrary<"Allow" | "Deny">) {
  return fc
    .record({
      effect,
      actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 2 }),
      resources: fc.uniqueArray(fc.constantFrom(...RESOURCE_PATTERNS), { minLength: 1, maxLength: 2 }),
      condition,
    })
    .map(({ effect, actions, resources, condition }) => ({
      Effect: effect,
      Action: actions,
      Resource: resources,
      ...(condition === undefined ? {} : { Condition: condition }),
    }));
}

/** Builds resource policy statements, which name a principal and apply to the resource they are attached to. */
function resourceStatement(effect: fc.Arbitrary<"Allow" | "Deny">) {
  return fc
    .record({
      effect,
      principal: fc.constantFrom(...PRINCIPALS),
      actions: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 2 }),
      condition,
    })
    .map(({ effect, principal, actions, condition }) => ({
      Effect: effect,
      Principal: principal,
      Action: actions,
      ...(condition === undefined ? {} : { Condition: condition }),
    }));
}

const anyEffect = fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Deny");
const statements = fc.array(statement(anyEffect), { minLength: 1, maxLength: 3 });
const allowStatements = fc.array(statement(fc.constant<"Allow">("Allow")), { minLength: 1, maxLength: 3 });

/** Everything of an AuthorizationInput except session policies, as JSON-like statements. */
const scenario = fc.record({
  caller: fc.constantFrom<PrincipalIdentity>(ALICE, BUILDER_SESSION, OUTSIDER),
  crossAccount: fc.constantFrom(false, false, true),
  mode: fc.constantFrom<"resource" | "trust" | undefined>(undefined, undefined, "resource", "trust"),
  identity: fc.array(statements, { minLength: 1, maxLength: 2 }),
  boundary: fc.option(allowStatements, { nil: undefined }),
  resource: fc.option(fc.array(resourceStatement(anyEffect), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  action: fc.constantFrom(...ACTIONS),
  target: fc.constantFrom(...RESOURCES),
  username: fc.constantFrom<string | undefined>(undefined, "alice", "bob", "*"),
  testKey: fc.constantFrom<string | undefined>(undefined, "a", "b"),
  team: fc.constantFrom<string | undefined>(undefined, "a"),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function inputOf(generated: Scenario, sessionStatements?: readonly (readonly object[])[]): AuthorizationInput {
  const callerAccount = generated.caller.accountId!;
  const otherAccount = callerAccount === CALLER_ACCOUNT ? OTHER_ACCOUNT : CALLER_ACCOUNT;
  return {
    request: {
      action: generated.action,
      resource: generated.target,
      principal: generated.caller,
      keys: {
        "aws:username": generated.username,
        "test:key": generated.testKey,
        "aws:PrincipalTag/team": generated.team,
        "s3:prefix": "alice/x",
      },
    },
    callerAccountId: callerAccount,
    resourceAccountId: generated.crossAccount ? otherAccount : callerAccount,
    identityPolicies: generated.identity.map((list) => policyOf("identity", list)),
    ...(generated.boundary === undefined ? {} : { permissionsBoundary: policyOf("identity", generated.boundary) }),
    ...(sessionStatements === undefined ? {} : { sessionPolicies: sessionStatements.map((list) => policyOf("session", list)) }),
    ...(generated.resource === undefined ? {} : { resourcePolicy: policyOf("trust", generated.resource) }),
    ...(generated.mode === undefined ? {} : { resourcePolicyMode: generated.mode }),
  };
}

/** Counts of runs that were allowed before the change and that the change took the Allow from. */
interface Tally {
  allowedBefore: number;
  narrowed: number;
}

function neverWidens(before: Decision, after: Decision, tally: Tally): void {
  if (before !== "Allow") expect(after).not.toBe("Allow");
  if (before === "Allow") tally.allowedBefore++;
  if (before === "Allow" && after !== "Allow") tally.narrowed++;
}

/** Checks that runs were often allowed and sometimes narrowed, without which the property proves little. */
function expectBothOutcomes(name: string, tally: Tally): void {
  console.log(`${name}: allowed before ${tally.allowedBefore} of ${SETTINGS.numRuns}, narrowed ${tally.narrowed}`);
  expect(tally.allowedBefore).toBeGreaterThan(SETTINGS.numRuns / 10);
  expect(tally.narrowed).toBeGreaterThan(0);
}

describe("authorizeRequest properties", () => {
  it("session policies never widen", () => {
    const sessions = fc.array(fc.array(statement(anyEffect), { minLength: 1, maxLength: 3 }), { maxLength: 2 });
    const tally: Tally = { allowedBefore: 0, narrowed: 0 };

    fc.assert(
      fc.property(scenario, sessions, (generated, sessionStatements) => {
        const without = authorizeRequest(inputOf(generated));
        const withSession = authorizeRequest(inputOf(generated, sessionStatements));

        neverWidens(without.decision, withSession.decision, tally);
        if (without.decision === "ExplicitDeny") expect(withSession.decision).toBe("ExplicitDeny");
      }),
      SETTINGS,
    );
    expectBothOutcomes("session policies", tally);
  });

  it("added Deny never allows", () => {
    const sessions = fc.option(fc.array(allowStatements, { maxLength: 2 }), { nil: undefined });
    const place = fc.constantFrom("identity", "new identity policy", "boundary", "session", "resource");
    const tally: Tally = { allowedBefore: 0, narrowed: 0 };

    fc.assert(
      fc.property(
        scenario,
        sessions,
        place,
        statement(fc.constant<"Deny">("Deny")),
        resourceStatement(fc.constant<"Deny">("Deny")),
        (generated, sessionStatements, where, extraDeny, extraResourceDeny) => {
          const before = authorizeRequest(inputOf(generated, sessionStatements));

          const changed = { ...generated };
          let changedSessions = sessionStatements;
          if (where === "boundary" && generated.boundary !== undefined) {
            changed.boundary = [...generated.boundary, extraDeny];
          } else if (where === "session" && sessionStatements !== undefined && sessionStatements.length > 0) {
            changedSessions = [[...sessionStatements[0]!, extraDeny], ...sessionStatements.slice(1)];
          } else if (where === "resource" && generated.resource !== undefined) {
            changed.resource = [...generated.resource, extraResourceDeny];
          } else if (where === "identity" && generated.identity.length > 0) {
            changed.identity = [[...generated.identity[0]!, extraDeny], ...generated.identity.slice(1)];
          } else {
            changed.identity = [...generated.identity, [extraDeny]];
          }
          const after = authorizeRequest(inputOf(changed, changedSessions));

          neverWidens(before.decision, after.decision, tally);
          if (before.decision === "ExplicitDeny") expect(after.decision).toBe("ExplicitDeny");
        },
      ),
      SETTINGS,
    );
    expectBothOutcomes("added Deny", tally);
  });
});

const SIZES = [1024, 2048, 4096, 8192];
const LINEAR_RUNS = 12;

/** A pattern of `*`, `?` and the letters a and b, and a value that matches it, both grown to a size. */
interface GlobCase {
  pattern: string;
  value: string;
}

/**
 * Repeats `unit` (a pattern piece) and fills each wildcard with letters from `fill`, until the
 * pattern has about `size` characters. The value matches by construction, and the pattern with
 * "*c*" in the middle does not, because values contain no "c".
 */
function growGlob(unit: readonly string[], fill: readonly string[], size: number): GlobCase {
  let pattern = "";
  let value = "";
  let index = 0;
  while (pattern.length < size) {
    const token = unit[index % unit.length]!;
    const filler = fill[index % fill.length]!;
    pattern += token;
    if (token === "*") value += filler;
    else if (token === "?") value += filler.slice(0, 1) || "a";
    else value += token;
    index++;
  }
  return { pattern, value };
}

/** Median of the times in milliseconds, for printing. */
function median(times: readonly number[]): number {
  const sorted = [...times].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function printTimings(name: string, timings: ReadonlyMap<number, number[]>): void {
  const cells = SIZES.map((size) => `${size}: ${median(timings.get(size)!).toFixed(3)} ms`);
  console.log(`${name}, median of ${LINEAR_RUNS} runs: ${cells.join(", ")}`);
}

describe("matching time", () => {
  const unit = fc.array(fc.constantFrom("a", "b", "*", "?"), { minLength: 2, maxLength: 8 });
  const fill = fc.array(fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 4 }), { minLength: 1, maxLength: 4 });

  it("matches globs at 1k to 8k characters", () => {
    const timings = new Map(SIZES.map((size) => [size, [] as number[]]));

    fc.assert(
      fc.property(unit, fill, (pieces, fillers) => {
        for (const size of SIZES) {
          const { pattern, value } = growGlob(pieces, fillers, size);
          const middle = Math.floor(pattern.length / 2);
          const missing = `${pattern.slice(0, middle)}*c*${pattern.slice(middle)}`;

          const started = performance.now();
          const hit = matchesWildcard(pattern, value);
          const miss = matchesWildcard(missing, value);
          timings.get(size)!.push(performance.now() - started);

          expect(hit).toBe(true);
          expect(miss).toBe(false);
        }
      }),
      { seed: SETTINGS.seed, numRuns: LINEAR_RUNS },
    );
    printTimings("matchesWildcard hit and miss", timings);
  });

  it("matches substituted Resource values at 1k to 8k characters", () => {
    const policy = parsePolicy(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::reports/*/${ref("aws:username")}/*` },
      }),
      "identity",
    );
    const timings = new Map(SIZES.map((size) => [size, [] as number[]]));

    fc.assert(
      fc.property(unit, fill, (pieces, fillers) => {
        for (const size of SIZES) {
          // The variable's value contains * and ?, which must stay literal.
          const { pattern: username, value: expanded } = growGlob(pieces, fillers, size);
          const request = (name: string) => ({
            action: "s3:GetObject",
            resource: `arn:aws:s3:::reports/${"ab".repeat(size / 4)}/${name}/q1.csv`,
            keys: { "aws:username": username },
          });

          const started = performance.now();
          const literal = evaluateIdentityPolicies([policy], request(username)).decision;
          const expandedName = evaluateIdentityPolicies([policy], request(expanded)).decision;
          timings.get(size)!.push(performance.now() - started);

          expect(literal).toBe("Allow");
          if (expanded !== username) expect(expandedName).toBe("ImplicitDeny");
        }
      }),
      { seed: SETTINGS.seed, numRuns: LINEAR_RUNS },
    );
    printTimings("Resource with a substituted variable, two evaluations", timings);
  });
});
