import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateIdentityPolicies, evaluateResourcePolicy, matchesWildcard } from "../../../shared/policy/index.js";
import type { Decision, PrincipalIdentity } from "../../../shared/policy/index.js";
import { ALICE, BUILDER_SESSION, CALLER_ACCOUNT, OUTSIDER, policyOf } from "./fixtures.js";

const SETTINGS = { seed: 20260131, numRuns: 200 };

const ACTIONS = ["sts:AssumeRole", "sts:TagSession", "iam:CreateUser", "iam:ListRoles"];
const ACTION_PATTERNS = ["*", "sts:*", "iam:*", "sts:AssumeRole", "sts:Tag?ession", "*:*Role*", "iam:Create*"];
const RESOURCES = ["arn:aws:iam::444455556666:role/Dev", "arn:aws:iam::444455556666:role/Prod", "arn:aws:iam::111122223333:user/alice"];
const RESOURCE_PATTERNS = ["*", "arn:aws:iam::*:role/*", "arn:aws:iam::444455556666:role/Dev", "arn:aws:iam::*:user/*"];

const actionElement = fc.record({
  name: fc.constantFrom("Action", "NotAction"),
  patterns: fc.uniqueArray(fc.constantFrom(...ACTION_PATTERNS), { minLength: 1, maxLength: 3 }),
});
const resourceElement = fc.record({
  name: fc.constantFrom("Resource", "NotResource"),
  patterns: fc.uniqueArray(fc.constantFrom(...RESOURCE_PATTERNS), { minLength: 1, maxLength: 2 }),
});
const condition = fc.option(
  fc.record({
    operator: fc.constantFrom("StringEquals", "StringNotEquals", "StringLikeIfExists", "ForAnyValue:StringEquals", "Null"),
    values: fc.uniqueArray(fc.constantFrom("a", "b", "true"), { minLength: 1, maxLength: 2 }),
  }),
  { nil: undefined },
);

/** Builds statements over small sets of actions, resources and condition values, so that matches are common. */
function statementArbitrary(effect: fc.Arbitrary<"Allow" | "Deny">, principal?: fc.Arbitrary<unknown>) {
  return fc
    .record({ effect, action: actionElement, resource: resourceElement, condition, principal: principal ?? fc.constant(undefined) })
    .map(({ effect, action, resource, condition, principal }) => ({
      Effect: effect,
      [action.name]: action.patterns,
      ...(principal === undefined ? { [resource.name]: resource.patterns } : { Principal: principal }),
      ...(condition === undefined ? {} : { Condition: { [condition.operator]: { "test:key": conditionValues(condition) } } }),
    }));
}

/** Returns the generated values, or "true" or "false" for Null, which takes only those. */
function conditionValues(condition: { operator: string; values: string[] }): string[] {
  if (condition.operator !== "Null") return condition.values;
  return [String(condition.values.includes("true"))];
}

const request = fc.record({
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  key: fc.constantFrom(undefined, "a", "b", "c"),
});

/** Counts of runs where the request was allowed before the Deny, and where the Deny took it away. */
interface Tally {
  allowedBefore: number;
  revoked: number;
}

function neverGainsAllow(before: Decision, after: Decision, tally: Tally): void {
  if (before !== "Allow") expect(after).not.toBe("Allow");
  if (before === "ExplicitDeny") expect(after).toBe("ExplicitDeny");
  if (before === "Allow") tally.allowedBefore++;
  if (before === "Allow" && after === "ExplicitDeny") tally.revoked++;
}

/** Checks that generated requests were often allowed and sometimes revoked, without which the property proves little. */
function expectBothOutcomes(tally: Tally): void {
  console.log(`allowed before the Deny: ${tally.allowedBefore} of ${SETTINGS.numRuns}, revoked by it: ${tally.revoked}`);
  expect(tally.allowedBefore).toBeGreaterThan(20);
  expect(tally.revoked).toBeGreaterThan(0);
}

describe("policy evaluation properties", () => {
  it("added Deny never allows identity requests", () => {
    const anyEffect = fc.constantFrom<"Allow" | "Deny">("Allow", "Deny");
    const policies = fc.array(fc.array(statementArbitrary(anyEffect), { minLength: 1, maxLength: 4 }), { maxLength: 3 });
    const denyStatement = statementArbitrary(fc.constant<"Deny">("Deny"));
    const tally: Tally = { allowedBefore: 0, revoked: 0 };

    fc.assert(
      fc.property(policies, denyStatement, fc.boolean(), request, (statementLists, extraDeny, ownPolicy, call) => {
        const context = { action: call.action, resource: call.resource, keys: { "test:key": call.key } };
        const before = evaluateIdentityPolicies(
          statementLists.map((statements) => policyOf("identity", statements)),
          context,
        );

        const withDeny =
          ownPolicy || statementLists.length === 0
            ? [...statementLists, [extraDeny]]
            : [[...statementLists[0]!, extraDeny], ...statementLists.slice(1)];
        const after = evaluateIdentityPolicies(
          withDeny.map((statements) => policyOf("identity", statements)),
          context,
        );

        neverGainsAllow(before.decision, after.decision, tally);
      }),
      SETTINGS,
    );
    expectBothOutcomes(tally);
  });

  it("added Deny never allows trust requests", () => {
    const principal = fc.constantFrom<unknown>(
      "*",
      { AWS: CALLER_ACCOUNT },
      { AWS: ALICE.names[0] },
      { AWS: [BUILDER_SESSION.names[0], OUTSIDER.names[0]] },
    );
    const anyEffect = fc.constantFrom<"Allow" | "Deny">("Allow", "Deny");
    const statements = fc.array(statementArbitrary(anyEffect, principal), { minLength: 1, maxLength: 4 });
    const denyStatement = statementArbitrary(fc.constant<"Deny">("Deny"), principal);
    const caller = fc.constantFrom<PrincipalIdentity>(ALICE, BUILDER_SESSION, OUTSIDER);
    const tally: Tally = { allowedBefore: 0, revoked: 0 };

    fc.assert(
      fc.property(statements, denyStatement, request, caller, (trustStatements, extraDeny, call, principalIdentity) => {
        const context = { action: call.action, resource: call.resource, principal: principalIdentity, keys: { "test:key": call.key } };

        const before = evaluateResourcePolicy(policyOf("trust", trustStatements), context);
        const after = evaluateResourcePolicy(policyOf("trust", [...trustStatements, extraDeny]), context);

        neverGainsAllow(before.decision, after.decision, tally);
        if (after.decision !== "Allow") expect(after.grantedVia).toBeUndefined();
      }),
      SETTINGS,
    );
    expectBothOutcomes(tally);
  });
});

/** Reference glob matcher by dynamic programming over code points; quadratic, for short inputs only. */
function referenceMatch(pattern: string, value: string): boolean {
  const p = [...pattern];
  const v = [...value];
  // row[j] is true when the pattern prefix read so far matches v[0..j).
  let row = v.map(() => false);
  row.unshift(true);
  for (const token of p) {
    const next = [token === "*" && row[0]!];
    for (let j = 1; j <= v.length; j++) {
      if (token === "*") next.push(row[j]! || next[j - 1]!);
      else next.push(row[j - 1]! && (token === "?" || token === v[j - 1]));
    }
    row = next;
  }
  return row[v.length]!;
}

describe("matchesWildcard properties", () => {
  const patternText = fc.string({ unit: fc.constantFrom("a", "b", "*", "?"), maxLength: 8 });
  const valueText = fc.string({ unit: fc.constantFrom("a", "b"), maxLength: 10 });

  it("agrees with a reference matcher", () => {
    let matches = 0;
    fc.assert(
      fc.property(patternText, valueText, (pattern, value) => {
        const expected = referenceMatch(pattern, value);
        if (expected) matches++;
        expect(matchesWildcard(pattern, value)).toBe(expected);
      }),
      SETTINGS,
    );
    // Both outcomes must occur, or the property proves little.
    expect(matches).toBeGreaterThan(10);
    expect(matches).toBeLessThan(190);
  });

  it("agrees ignoring case", () => {
    const mixedPattern = fc.string({ unit: fc.constantFrom("a", "A", "b", "*", "?", "é", "É"), maxLength: 8 });
    const mixedValue = fc.string({ unit: fc.constantFrom("a", "A", "b", "é", "😀"), maxLength: 10 });

    fc.assert(
      fc.property(mixedPattern, mixedValue, (pattern, value) => {
        expect(matchesWildcard(pattern, value, true)).toBe(referenceMatch(pattern.toLowerCase(), value.toLowerCase()));
      }),
      SETTINGS,
    );
  });
});
