import { CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, boto3, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient } from "../support/sdk.js";

const READ_BUCKET = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    { Sid: "Read", Effect: "Allow", Action: "s3:Get*", Resource: "arn:aws:s3:::bucket/*" },
    { Sid: "Secret", Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/secret/*" },
  ],
});
const REGIONAL = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }],
});

interface Result {
  EvalActionName: string;
  EvalResourceName: string;
  EvalDecision: string;
  MatchedStatements: { SourcePolicyId: string; SourcePolicyType: string; StartPosition: { Line: number; Column: number } }[];
  MissingContextValues: string[];
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean };
}

describe("IAM policy simulator", () => {
  let host: RunningHost;
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);
  const decisions = (results: Result[]) => results.map((result) => `${result.EvalActionName} ${result.EvalResourceName} ${result.EvalDecision}`);

  beforeAll(async () => {
    host = await startHost();
    const iam = iamClient(host.url, DEMO_ROOT);
    await iam.send(new CreateUserCommand({ UserName: "analyst" }));
    await iam.send(new PutUserPolicyCommand({ UserName: "analyst", PolicyName: "read-bucket", PolicyDocument: READ_BUCKET }));
  });
  afterAll(async () => {
    await host.stop();
  });

  it("decides each action on each resource", async () => {
    const result = await aws(
      "iam", "simulate-custom-policy", "--policy-input-list", READ_BUCKET,
      "--action-names", "s3:GetObject", "s3:PutObject",
      "--resource-arns", "arn:aws:s3:::bucket/report", "arn:aws:s3:::bucket/secret/key",
    );
    expect(result.exitCode).toBe(0);
    const results = result.json.EvaluationResults as Result[];
    expect(decisions(results)).toEqual([
      "s3:GetObject arn:aws:s3:::bucket/report allowed",
      "s3:GetObject arn:aws:s3:::bucket/secret/key explicitDeny",
      "s3:PutObject arn:aws:s3:::bucket/report implicitDeny",
      "s3:PutObject arn:aws:s3:::bucket/secret/key implicitDeny",
    ]);
    expect(results[0]!.MatchedStatements).toEqual([
      { SourcePolicyId: "PolicyInputList.1", SourcePolicyType: "IAM Policy", StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 122 } },
    ]);
    expect(results[1]!.MatchedStatements.map((statement) => statement.StartPosition.Column)).toEqual([124]);
    expect(results[2]!.MatchedStatements).toEqual([]);
  });

  it("uses context entries and reports missing ones", async () => {
    const base = ["iam", "simulate-custom-policy", "--policy-input-list", REGIONAL, "--action-names", "s3:PutObject"];
    const missing = (await aws(...base)).json.EvaluationResults[0] as Result;
    expect(missing.EvalDecision).toBe("implicitDeny");
    expect(missing.MissingContextValues).toEqual(["aws:RequestedRegion"]);

    const entry = (region: string) => ["--context-entries", `ContextKeyName=aws:RequestedRegion,ContextKeyValues=${region},ContextKeyType=string`];
    expect(((await aws(...base, ...entry("eu-west-1"))).json.EvaluationResults[0] as Result).EvalDecision).toBe("allowed");
    const other = (await aws(...base, ...entry("us-east-1"))).json.EvaluationResults[0] as Result;
    expect(other.EvalDecision).toBe("implicitDeny");
    expect(other.MissingContextValues).toEqual([]);
  });

  it("applies a permissions boundary", async () => {
    const boundary = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:List*", Resource: "*" }] });
    const result = await aws(
      "iam", "simulate-custom-policy", "--policy-input-list", READ_BUCKET,
      "--permissions-boundary-policy-input-list", boundary,
      "--action-names", "s3:GetObject", "--resource-arns", "arn:aws:s3:::bucket/report",
    );
    const evaluation = result.json.EvaluationResults[0] as Result;
    expect(evaluation.EvalDecision).toBe("implicitDeny");
    expect(evaluation.PermissionsBoundaryDecisionDetail).toEqual({ AllowedByPermissionsBoundary: false });
  });

  it("combines a resource policy by account", async () => {
    const resourcePolicy = (principal: string) =>
      JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: principal }, Action: "s3:GetObject", Resource: "*" }] });
    const noIdentity = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }] });
    const run = async (caller: string, owner: string, principal: string) =>
      (
        await aws(
          "iam", "simulate-custom-policy", "--policy-input-list", noIdentity, "--action-names", "s3:GetObject",
          "--resource-arns", "arn:aws:s3:::bucket/report", "--resource-policy", resourcePolicy(principal),
          "--caller-arn", caller, "--resource-owner", owner,
        )
      ).json.EvaluationResults[0].EvalDecision;

    const sameAccountUser = "arn:aws:iam::000000000000:user/analyst";
    expect(await run(sameAccountUser, "arn:aws:iam::000000000000:root", sameAccountUser)).toBe("allowed");
    expect(await run(sameAccountUser, "arn:aws:iam::000000000000:root", "000000000000")).toBe("implicitDeny");
    const partner = "arn:aws:iam::111111111111:user/partner";
    expect(await run(partner, "arn:aws:iam::000000000000:root", partner)).toBe("implicitDeny");
  });

  it("simulates a user's own policies", async () => {
    const result = await aws(
      "iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/analyst",
      "--action-names", "s3:GetObject", "--resource-arns", "arn:aws:s3:::bucket/report",
    );
    const evaluation = result.json.EvaluationResults[0] as Result;
    expect(evaluation.EvalDecision).toBe("allowed");
    expect(evaluation.MatchedStatements[0]!.SourcePolicyId).toBe("read-bucket");
    expect(evaluation.MatchedStatements[0]!.SourcePolicyType).toBe("user");
  });

  it("lists the context keys of policies", async () => {
    expect((await aws("iam", "get-context-keys-for-custom-policy", "--policy-input-list", REGIONAL)).json.ContextKeyNames).toEqual([
      "aws:RequestedRegion",
    ]);
    const principal = await aws(
      "iam", "get-context-keys-for-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/analyst",
      "--policy-input-list", REGIONAL,
    );
    expect(principal.json.ContextKeyNames).toEqual(["aws:RequestedRegion"]);
  });

  it("pages through results", async () => {
    const pages = await boto3(
      host.url,
      DEMO_ROOT,
      `
import boto3, json, os
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"])
args = dict(PolicyInputList=[${JSON.stringify(READ_BUCKET)}], ActionNames=["s3:GetObject", "s3:GetObjectAcl", "s3:PutObject"], MaxItems=2)
first = iam.simulate_custom_policy(**args)
second = iam.simulate_custom_policy(Marker=first["Marker"], **args)
print(json.dumps({"first": [r["EvalActionName"] for r in first["EvaluationResults"]], "truncated": first["IsTruncated"],
  "second": [r["EvalActionName"] for r in second["EvaluationResults"]], "done": not second["IsTruncated"]}))
`,
    );
    expect(pages).toEqual({ first: ["s3:GetObject", "s3:GetObjectAcl"], truncated: true, second: ["s3:PutObject"], done: true });
  });

  it.each([
    ["a malformed policy", ["iam", "simulate-custom-policy", "--policy-input-list", "{", "--action-names", "s3:GetObject"], "MalformedPolicyDocument"],
    ["an unknown principal", ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::000000000000:user/nobody", "--action-names", "s3:GetObject"], "NoSuchEntity"],
    ["a principal of another account", ["iam", "simulate-principal-policy", "--policy-source-arn", "arn:aws:iam::111111111111:user/x", "--action-names", "s3:GetObject"], "InvalidInput"],
  ])("rejects %s", async (_name, args, code) => {
    expect(cliErrorCode(await aws(...args))).toBe(code);
  });
});
