/** Shared accounts, principals and builders for the policy engine tests. */

import fc from "fast-check";
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

/**
 * Matches a glob by dynamic programming over code points: `*` takes any run, `?` one code point.
 * Slow but plainly right, so the engine's matcher is checked against it.
 */
export function referenceGlobMatch(pattern: string, value: string): boolean {
  const characters = [...value];
  // reachable[n] is whether the pattern read so far can match the first n characters.
  let reachable = characters.map(() => false).concat(false);
  reachable[0] = true;
  for (const token of pattern) {
    const next = reachable.map(() => false);
    let starReach = false;
    for (let length = 0; length <= characters.length; length++) {
      if (token === "*") {
        starReach ||= reachable[length]!;
        next[length] = starReach;
      } else if (length > 0) {
        next[length] = reachable[length - 1]! && (token === "?" || token === characters[length - 1]);
      }
    }
    reachable = next;
  }
  return reachable[characters.length]!;
}

/**
 * Pairs of glob and value over a small alphabet. Half the globs, or all with `derivedOnly`, are
 * written from their value with some characters replaced by a wildcard or dropped, so that
 * matches are common.
 */
export function globAndValue(alphabet: readonly string[], maxLength: number, derivedOnly = false): fc.Arbitrary<[string, string]> {
  const text = fc.array(fc.constantFrom(...alphabet), { maxLength }).map((characters) => characters.join(""));
  const edits = fc.array(fc.constantFrom("keep", "keep", "?", "*", "drop"), { minLength: maxLength, maxLength });
  const derived = fc.tuple(text, edits).map(([value, chosen]): [string, string] => {
    const pattern = [...value].map((character, index) => {
      const edit = chosen[index]!;
      if (edit === "keep") return character;
      return edit === "drop" ? "" : edit;
    });
    return [pattern.join(""), value];
  });
  return derivedOnly ? derived : fc.oneof(fc.tuple(text, text), derived);
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
