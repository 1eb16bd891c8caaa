import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesArn, splitArn } from "../../../shared/policy/index.js";
import { globAndValue, referenceGlobMatch } from "./fixtures.js";

const ROLE = "arn:aws:iam::444455556666:role/Deploy";

describe("matchesArn", () => {
  it.each<[string, string, boolean]>([
    ["*", ROLE, true],
    ["*", "not-an-arn", true],
    [ROLE, ROLE, true],
    ["arn:aws:iam::444455556666:role/deploy", ROLE, false],
    ["arn:aws:IAM::444455556666:role/Deploy", ROLE, false],
    ["arn:aws-cn:iam::444455556666:role/Deploy", ROLE, false],
    ["arn:aws:sts::444455556666:role/Deploy", ROLE, false],
    ["arn:aws:iam::999988887777:role/Deploy", ROLE, false],
    ["arn:aws:iam::*:role/Deploy", ROLE, true],
    ["arn:*:iam::444455556666:role/Deploy", ROLE, true],
    ["arn:aws:*::444455556666:role/Deploy", ROLE, true],
    ["arn:aws:iam:*:444455556666:role/Deploy", ROLE, true],
    ["arn:aws:iam:us-east-1:444455556666:role/Deploy", ROLE, false],
    ["arn:aws:iam::4444*:role/Deploy", ROLE, true],
    ["arn:aws:iam::44445555666?:role/Deploy", ROLE, true],
    ["arn:aws:iam::?:role/Deploy", ROLE, false],
    ["arn:aws:iam::444455556666:role/*", ROLE, true],
    ["arn:aws:iam::444455556666:role/Dep?oy", ROLE, true],
    ["arn:aws:iam::444455556666:role/Dep??oy", ROLE, false],
    ["arn:aws:iam::444455556666:*", ROLE, true],
    ["arn:aws:iam::444455556666:user/*", ROLE, false],
    ["arn:aws:iam::*:role/team/*", "arn:aws:iam::444455556666:role/team/sub/Deploy", true],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", true],
    ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", false],
    ["arn:aws:sts::*:assumed-role/Builder/*", "arn:aws:sts::111122223333:assumed-role/Builder/ci", true],
    // A star in the region must not reach into the account part.
    ["arn:aws:iam:*:111122223333:role/Deploy", "arn:aws:iam:us-east-1:999988887777:role/x:111122223333:role/Deploy", false],
    ["arn:aws:iam*:444455556666:role/Deploy", ROLE, false],
    ["arn:aws:iam::444455556666:role/Deploy", "role/Deploy", false],
    ["arn:aws:iam::444455556666", "arn:aws:iam::444455556666", false],
    ["arn:aws:s?:::photos/a", "arn:aws:s3:::photos/a", true],
    ["arn:aws:*:::photos/*", "arn:aws:s3:::photos/a:b", true],
    ["arn:aws:*:::photos/*", "arn:aws:s3::1:photos/a", false],
    ["arn:aws:s3:::photos/?", "arn:aws:s3:::photos/😀", true],
    ["arn:aws:s3:::photos/\uD83D*", "arn:aws:s3:::photos/😀", false],
  ])("%s against %s is %s", (pattern, arn, expected) => {
    expect(matchesArn(pattern, arn)).toBe(expected);
  });

  it("agrees with matching the six parts one by one", () => {
    // Six glob and value pairs joined by colons give ARN-shaped pairs, and parts may hold colons too.
    const parts = fc.array(globAndValue(["a", "b", ":", "*", "?", "/", "😀"], 4, true), { minLength: 6, maxLength: 6 });
    const arnShaped = parts.map((pairs): [string, string] => [
      pairs.map(([pattern]) => pattern).join(":"),
      pairs.map(([, value]) => value).join(":"),
    ]);
    let matches = 0;

    fc.assert(
      fc.property(fc.oneof(arnShaped, globAndValue(["a", ":", "*", "?"], 8)), ([pattern, arn]) => {
        const patternParts = splitArn(pattern);
        const arnParts = splitArn(arn);
        const partsMatch =
          patternParts !== undefined &&
          arnParts !== undefined &&
          patternParts.every((part, index) => referenceGlobMatch(part, arnParts[index]!));
        const expected = pattern === "*" || partsMatch;
        if (expected) matches++;
        expect(matchesArn(pattern, arn)).toBe(expected);
      }),
      { seed: 20261205, numRuns: 5_000 },
    );
    expect(matches).toBeGreaterThan(300);
  });
});

describe("splitArn", () => {
  it.each<[string, readonly string[] | undefined]>([
    [ROLE, ["arn", "aws", "iam", "", "444455556666", "role/Deploy"]],
    ["arn:aws:s3:::bucket/a:b", ["arn", "aws", "s3", "", "", "bucket/a:b"]],
    ["arn:aws:sts::1:assumed-role/R/S", ["arn", "aws", "sts", "", "1", "assumed-role/R/S"]],
    ["arn:aws:iam::1", undefined],
    ["", undefined],
  ])("splits %j", (arn, parts) => {
    expect(splitArn(arn)).toEqual(parts);
  });
});
