import { describe, expect, it } from "vitest";
import { checkSessionPolicy, packedPolicySize, PACKED_SIZE_BUDGET } from "../../../shared/sts/session-policy.js";

const policyOfLength = (length: number): string => {
  const base = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::"}]}';
  const bucket = "b".repeat(length - base.length);
  return base.replace("arn:aws:s3:::", `arn:aws:s3:::${bucket}`);
};

describe("checkSessionPolicy", () => {
  it("accepts 2,048 characters", () => {
    expect(checkSessionPolicy(policyOfLength(2048))).toHaveLength(2048);
  });

  it("rejects 2,049 characters", () => {
    expect(() => checkSessionPolicy(policyOfLength(2049))).toThrow(expect.objectContaining({ code: "ValidationError" }));
  });

  it.each([
    ["not JSON", "{"],
    ["a Principal", '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'],
    ["no Effect", '{"Version":"2012-10-17","Statement":[{"Action":"*","Resource":"*"}]}'],
  ])("rejects %s", (_name, policy) => {
    expect(() => checkSessionPolicy(policy)).toThrow(expect.objectContaining({ code: "MalformedPolicyDocument" }));
  });
});

describe("packedPolicySize", () => {
  it("counts policy characters other than white space", () => {
    expect(packedPolicySize("{ }", [])).toBe(Math.ceil((2 * 100) / PACKED_SIZE_BUDGET));
    expect(packedPolicySize(policyOfLength(2048), [])).toBe(50);
  });

  it("counts tags", () => {
    expect(packedPolicySize(undefined, [{ Key: "Project", Value: "Automation" }])).toBe(1);
    expect(packedPolicySize(undefined, [])).toBe(0);
  });

  it("accepts exactly the budget", () => {
    const tag = { Key: "k".repeat(PACKED_SIZE_BUDGET - 2), Value: "" };
    expect(packedPolicySize(undefined, [tag])).toBe(100);
  });

  it("rejects one byte over the budget", () => {
    const tag = { Key: "k".repeat(PACKED_SIZE_BUDGET - 1), Value: "" };
    expect(() => packedPolicySize(undefined, [tag])).toThrow(expect.objectContaining({ code: "PackedPolicyTooLarge" }));
  });

  it("rejects 50 tags of the longest form", () => {
    const tags = Array.from({ length: 50 }, (_, index) => ({ Key: `${index}`.padEnd(128, "k"), Value: "v".repeat(256) }));
    expect(() => packedPolicySize(undefined, tags)).toThrow(expect.objectContaining({ code: "PackedPolicyTooLarge" }));
  });
});
