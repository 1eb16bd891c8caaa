import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldCase, matchesWildcard } from "../../../shared/policy/index.js";
import { globAndValue, referenceGlobMatch } from "./fixtures.js";

describe("matchesWildcard", () => {
  it.each<[string, string, boolean]>([
    ["*", "", true],
    ["*", "anything/at:all", true],
    ["", "", true],
    ["", "a", false],
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "ab", false],
    ["abc", "abcd", false],
    ["a", "A", false],
    ["?", "", false],
    ["?", "a", true],
    ["??", "a", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a*", "a", true],
    ["a*", "ab/c:d", true],
    ["a*", "ba", false],
    ["*a", "ba", true],
    ["*a", "ab", false],
    ["a*b", "ab", true],
    ["a*b", "axxb", true],
    ["a*b", "axxbx", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "acb", false],
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["ab*ba", "aba", false],
    ["ab*ba", "abba", true],
    ["*?*", "", false],
    ["*?*", "x", true],
    ["**a**", "a", true],
    ["***", "", true],
    ["*ab*ab*", "abab", true],
    ["*ab*ab*", "aab", false],
    ["*aab*", "aaab", true],
    ["*abcabd*", "abcabcabd", true],
    ["*abcabd*", "abcabcab", false],
    ["*a?b*", "xaxb", true],
    ["*a?b*", "xab", false],
    ["x*a??b*y", "xaab-aqqby", true],
    ["x*a??b*y", "xaab-aqqbz", false],
    ["?", "é", true],
    ["?", "😀", true],
    ["??", "😀", false],
    ["a?c", "a😀c", true],
    ["*😀", "smile 😀", true],
    // Half of a surrogate pair is a character of its own and never matches part of a pair.
    ["\uD83D*", "😀", false],
    ["*\uDE00", "😀", false],
    ["a*\uDE00*", "a😀b", false],
    ["\uD83D\uDE00", "😀", true],
    ["?\uDE00", "😀", false],
    ["??", "\uDE00\uD83D", true],
    ["*?\uDE00", "a\uD83D\uDE00", false],
    ["sts:*", "sts:AssumeRole", true],
    ["sts:Assume*", "sts:AssumeRoleWithSAML", true],
    ["iam:*AccessKey*", "iam:CreateAccessKey", true],
    ["iam:*AccessKey*", "iam:CreateUser", false],
  ])("%j against %j is %s", (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
  });

  it.each<[string, string, boolean]>([
    ["sts:AssumeRole", "STS:ASSUMEROLE", true],
    ["STS:assume*", "sts:AssumeRoleWithWebIdentity", true],
    ["sts:assume?ole", "sts:AssumeRole", true],
    ["IAM:*", "iam:CreateUser", true],
    ["iam:Get*", "IAM:listusers", false],
    ["*ÉTÉ", "été", true],
  ])("%j ignoring case against %j is %s", (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value, true)).toBe(expected);
    expect(matchesWildcard(pattern, value)).toBe(pattern === value);
  });

  it("matches long pieces with ?", () => {
    const piece = `${"a".repeat(40)}?${"b".repeat(40)}`;
    const hit = `x${"a".repeat(40)}Z${"b".repeat(40)}y`;
    const miss = `x${"a".repeat(40)}Z${"b".repeat(39)}y`;

    expect(matchesWildcard(`x*${piece}*y`, hit)).toBe(true);
    expect(matchesWildcard(`x*${piece}*y`, miss)).toBe(false);
  });

  it("agrees with matching code point by code point", () => {
    const alphabet = ["a", "b", "*", "?", "é", "😀", "\uD83D", "\uDE00"];
    let matches = 0;

    fc.assert(
      fc.property(globAndValue(alphabet, 9), ([pattern, value]) => {
        const expected = referenceGlobMatch(pattern, value);
        if (expected) matches++;
        expect(matchesWildcard(pattern, value)).toBe(expected);
      }),
      { seed: 20261205, numRuns: 5_000 },
    );
    expect(matches).toBeGreaterThan(1_000);
  });

  it("keeps character count when folding", () => {
    expect(foldCase("İ")).toBe("İ");
    expect(foldCase("ABC-Été")).toBe("abc-été");
    expect(matchesWildcard("?", "İ", true)).toBe(true);
  });
});

describe("matchesWildcard worst cases", () => {
  const value = `${"a".repeat(2048)}b`;

  it.each<[string, string]>([
    ["30 '*a' pieces", "*a".repeat(30)],
    ["adjacent stars", `${"*".repeat(10)}a${"*".repeat(10)}c`],
    ["long literal after a star", `*${"a".repeat(1000)}c`],
    ["long piece with ? after a star", `*${"a".repeat(500)}?${"a".repeat(500)}c*`],
    ["many ? pieces", `${"*a?".repeat(200)}c`],
  ])("returns false quickly for %s", (name, pattern) => {
    const started = performance.now();
    const matched = matchesWildcard(pattern, value);
    const elapsed = performance.now() - started;

    console.log(`matchesWildcard ${name} against 2049 characters: ${elapsed.toFixed(3)} ms`);
    expect(matched).toBe(false);
  });
});
