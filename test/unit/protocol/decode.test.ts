import { describe, expect, it } from "vitest";
import { decodeInput } from "../../../shared/protocol/decode.js";
import { ServiceError } from "../../../shared/protocol/errors.js";
import { iamModel } from "../../../shared/protocol/models/iam.js";
import { stsModel } from "../../../shared/protocol/models/sts.js";

const ROLE = "arn:aws:iam::123456789012:role/demo";

function decodeAssumeRole(extra: Record<string, string>) {
  const params = new Map(Object.entries({ RoleArn: ROLE, RoleSessionName: "session", ...extra }));
  return decodeInput(stsModel, "AssumeRole", params);
}

function validationMessage(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("ValidationError");
    return (error as ServiceError).message;
  }
}

describe("decodeInput limits of AssumeRole", () => {
  it.each([
    ["RoleArn", "a".repeat(19), false],
    ["RoleArn", "a".repeat(20), true],
    ["RoleArn", "a".repeat(2048), true],
    ["RoleArn", "a".repeat(2049), false],
    ["RoleSessionName", "a", false],
    ["RoleSessionName", "ab", true],
    ["RoleSessionName", "a".repeat(64), true],
    ["RoleSessionName", "a".repeat(65), false],
    ["RoleSessionName", "a b", false],
    ["RoleSessionName", "a\u0430", false],
    ["RoleSessionName", "a\u200bb", false],
    ["RoleSessionName", "a\nb", false],
    ["RoleSessionName", "_+=,.@-", true],
    ["DurationSeconds", "899", false],
    ["DurationSeconds", "900", true],
    ["DurationSeconds", "43200", true],
    ["DurationSeconds", "43201", false],
    ["DurationSeconds", "3600.5", false],
    ["DurationSeconds", "one", false],
    ["ExternalId", "a", false],
    ["ExternalId", "ab", true],
    ["ExternalId", "a".repeat(1224), true],
    ["ExternalId", "a".repeat(1225), false],
    ["ExternalId", "a:b/c=d", true],
    ["ExternalId", "a b", false],
  ])("%s = %j valid: %s", (name, value, valid) => {
    const message = validationMessage(() => decodeAssumeRole({ [name]: value }));
    if (valid) expect(message).toBeUndefined();
    else expect(message).toContain(`at '${name.charAt(0).toLowerCase()}${name.slice(1)}'`);
  });

  it("reports every failure in one message", () => {
    const message = validationMessage(() => decodeAssumeRole({ RoleSessionName: "a", DurationSeconds: "1" }));
    expect(message).toMatch(/^2 validation errors detected: /);
    expect(message).toContain("Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2");
    expect(message).toContain("Value '1' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900");
  });

  it("reports a missing required member", () => {
    const message = validationMessage(() => decodeInput(stsModel, "AssumeRole", new Map([["RoleArn", ROLE]])));
    expect(message).toBe("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null");
  });

  it("decodes typed values", () => {
    expect(decodeAssumeRole({ DurationSeconds: "1800" })).toEqual({ RoleArn: ROLE, RoleSessionName: "session", DurationSeconds: 1800 });
  });
});

describe("decodeInput of nested shapes", () => {
  it("reads tag lists", () => {
    const params = new Map([
      ["UserName", "alice"],
      ["Tags.member.1.Key", "team"],
      ["Tags.member.1.Value", "red"],
      ["Tags.member.2.Key", "tier"],
      ["Tags.member.2.Value", ""],
    ]);
    expect(decodeInput(iamModel, "CreateUser", params)).toEqual({
      UserName: "alice",
      Tags: [
        { Key: "team", Value: "red" },
        { Key: "tier", Value: "" },
      ],
    });
  });

  it("accepts an empty list marker", () => {
    expect(decodeInput(iamModel, "CreateUser", new Map([["UserName", "a"], ["Tags", ""]]))).toEqual({ UserName: "a", Tags: [] });
  });

  it("rejects more than 50 tags", () => {
    const params = new Map([["UserName", "alice"]]);
    for (let index = 1; index <= 51; index++) {
      params.set(`Tags.member.${index}.Key`, `k${index}`);
      params.set(`Tags.member.${index}.Value`, "v");
    }
    expect(validationMessage(() => decodeInput(iamModel, "CreateUser", params))).toContain(
      "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
  });

  it("requires both members of a tag", () => {
    const params = new Map([["UserName", "alice"], ["Tags.member.1.Key", "team"]]);
    expect(validationMessage(() => decodeInput(iamModel, "CreateUser", params))).toContain(
      "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null",
    );
  });

  it("hides sensitive values in messages", () => {
    const params = new Map([["RoleArn", ROLE], ["RoleSessionName", "ab"], ["WebIdentityToken", "abc"]]);
    const message = validationMessage(() => decodeInput(stsModel, "AssumeRoleWithWebIdentity", params));
    expect(message).toContain("Value at 'webIdentityToken'");
    expect(message).not.toContain("abc");
  });
});
