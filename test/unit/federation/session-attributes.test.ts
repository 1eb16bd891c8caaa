import { describe, expect, it } from "vitest";
import { readSourceIdentityClaim, readTagsClaim, TAGS_CLAIM } from "../../../shared/federation/oidc/aws-claims.js";
import { jsonDepth } from "../../../shared/federation/oidc/token-shape.js";
import { isValidSourceIdentity, requestTagKeys, sessionTagProblem } from "../../../shared/federation/session-attributes.js";

const tags = (count: number) => Array.from({ length: count }, (_, index) => ({ Key: `key${index}`, Value: `value${index}` }));

describe("sessionTagProblem", () => {
  it.each([
    ["50 tags", { tags: tags(50), transitiveTagKeys: [] }, undefined],
    ["51 tags", { tags: tags(51), transitiveTagKeys: [] }, "at most 50 tags"],
    ["128-character key", { tags: [{ Key: "k".repeat(128), Value: "v" }], transitiveTagKeys: [] }, undefined],
    ["129-character key", { tags: [{ Key: "k".repeat(129), Value: "v" }], transitiveTagKeys: [] }, "1 to 128"],
    ["empty key", { tags: [{ Key: "", Value: "v" }], transitiveTagKeys: [] }, "1 to 128"],
    ["256-character value", { tags: [{ Key: "k", Value: "v".repeat(256) }], transitiveTagKeys: [] }, undefined],
    ["257-character value", { tags: [{ Key: "k", Value: "v".repeat(257) }], transitiveTagKeys: [] }, "at most 256"],
    ["empty value", { tags: [{ Key: "k", Value: "" }], transitiveTagKeys: [] }, undefined],
    ["all allowed characters", { tags: [{ Key: "Ünï cöde_.:/=+-@9", Value: "a b_.:/=+-@" }], transitiveTagKeys: [] }, undefined],
    ["key with a comma", { tags: [{ Key: "a,b", Value: "v" }], transitiveTagKeys: [] }, "1 to 128"],
    ["value with a star", { tags: [{ Key: "k", Value: "a*" }], transitiveTagKeys: [] }, "at most 256"],
    ["aws: key prefix", { tags: [{ Key: "AWS:team", Value: "v" }], transitiveTagKeys: [] }, "reserved prefix"],
    ["aws: value prefix", { tags: [{ Key: "team", Value: "aws:x" }], transitiveTagKeys: [] }, "reserved prefix"],
    ["keys differing in case", { tags: [{ Key: "Team", Value: "a" }, { Key: "team", Value: "b" }], transitiveTagKeys: [] }, "appears twice"],
    ["transitive key of a tag", { tags: [{ Key: "Team", Value: "a" }], transitiveTagKeys: ["team"] }, undefined],
    ["transitive key without a tag", { tags: [{ Key: "Team", Value: "a" }], transitiveTagKeys: ["Project"] }, "not one of the session's tags"],
  ])("%s", (_name, set, problem) => {
    const found = sessionTagProblem(set);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("isValidSourceIdentity", () => {
  it.each([
    ["ab", true],
    ["a".repeat(64), true],
    ["a", false],
    ["a".repeat(65), false],
    ["user@example.com", true],
    ["with space", false],
    ["aws:admin", false],
    ["AWS:admin", false],
  ])("%s", (value, valid) => {
    expect(isValidSourceIdentity(value)).toBe(valid);
  });
});

describe("readTagsClaim", () => {
  it("reads tags and transitive keys", () => {
    const set = readTagsClaim({ [TAGS_CLAIM]: { principal_tags: { Project: ["Automation"], Cost: ["42"] }, transitive_tag_keys: ["Project"] } });
    expect(set.tags).toEqual([
      { Key: "Project", Value: "Automation" },
      { Key: "Cost", Value: "42" },
    ]);
    expect(set.transitiveTagKeys).toEqual(["Project"]);
    expect(requestTagKeys(set)).toEqual({
      "aws:RequestTag/Project": "Automation",
      "aws:RequestTag/Cost": "42",
      "aws:TagKeys": ["Project", "Cost"],
      "sts:TransitiveTagKeys": ["Project"],
    });
  });

  it("returns no tags without the claim", () => {
    expect(readTagsClaim({})).toEqual({ tags: [], transitiveTagKeys: [] });
    expect(requestTagKeys({ tags: [], transitiveTagKeys: [] })).toEqual({});
  });

  it.each([
    ["a string claim", "Project=Automation"],
    ["a plain string value", { principal_tags: { Project: "Automation" } }],
    ["two values", { principal_tags: { Project: ["a", "b"] } }],
    ["a number value", { principal_tags: { Project: [1] } }],
    ["a list of tags", { principal_tags: [["Project", "a"]] }],
    ["transitive keys as a string", { principal_tags: { Project: ["a"] }, transitive_tag_keys: "Project" }],
    ["an unknown transitive key", { principal_tags: { Project: ["a"] }, transitive_tag_keys: ["Team"] }],
    ["a reserved key", { principal_tags: { "aws:Project": ["a"] } }],
  ])("rejects %s", (_name, claim) => {
    expect(() => readTagsClaim({ [TAGS_CLAIM]: claim })).toThrow(expect.objectContaining({ code: "InvalidIdentityToken" }));
  });
});

describe("readSourceIdentityClaim", () => {
  it("reads a valid value", () => {
    expect(readSourceIdentityClaim({ "https://aws.amazon.com/source_identity": "alice" })).toBe("alice");
    expect(readSourceIdentityClaim({})).toBeUndefined();
  });

  it.each([["aws:alice"], ["a"], [42], ["has space"]])("rejects %s", (value) => {
    expect(() => readSourceIdentityClaim({ "https://aws.amazon.com/source_identity": value })).toThrow(
      expect.objectContaining({ code: "InvalidIdentityToken" }),
    );
  });
});

describe("jsonDepth", () => {
  it.each([
    ["empty object", "{}", 1],
    ["nested values", '{"a":[1,{"b":[]}]}', 4],
    ["brackets in a string", '{"a":"[[[[{{{{"}', 1],
    ["escaped quote in a string", '{"a":"\\"[[["}', 1],
    ["5,000 nested arrays", "[".repeat(5000) + "]".repeat(5000), 5000],
  ])("%s", (_name, text, depth) => {
    expect(jsonDepth(text)).toBe(depth);
  });
});
