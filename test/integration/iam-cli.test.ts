import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT } from "../support/sdk.js";

const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "sts:AssumeRole" }] };
const READ_ONLY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:Get*", Resource: "*" }] };

describe("IAM through the AWS CLI", () => {
  let host: RunningHost;
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);

  beforeAll(async () => {
    host = await startHost();
  });
  afterAll(async () => {
    await host.stop();
  });

  it("manages a user, its keys and inline policies", async () => {
    const created = await aws("iam", "create-user", "--user-name", "alice", "--path", "/team/", "--tags", "Key=team,Value=red");
    expect(created.exitCode).toBe(0);
    expect(created.json.User.UserName).toBe("alice");
    expect(created.json.User.Path).toBe("/team/");
    expect(created.json.User.Arn).toBe("arn:aws:iam::000000000000:user/team/alice");
    expect(created.json.User.UserId).toMatch(/^AIDA[A-Z2-7]{16}$/);

    const duplicate = await aws("iam", "create-user", "--user-name", "ALICE");
    expect(cliErrorCode(duplicate)).toBe("EntityAlreadyExists");

    const key = await aws("iam", "create-access-key", "--user-name", "alice");
    expect(key.exitCode).toBe(0);
    expect(key.json.AccessKey.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.json.AccessKey.SecretAccessKey).toHaveLength(40);
    expect(key.json.AccessKey.Status).toBe("Active");

    const listed = await aws("iam", "list-access-keys", "--user-name", "alice");
    expect(listed.json.AccessKeyMetadata.map((entry: { AccessKeyId: string }) => entry.AccessKeyId)).toEqual([
      key.json.AccessKey.AccessKeyId,
    ]);

    const put = await aws("iam", "put-user-policy", "--user-name", "alice", "--policy-name", "read", "--policy-document", JSON.stringify(READ_ONLY));
    expect(put.exitCode).toBe(0);
    const got = await aws("iam", "get-user-policy", "--user-name", "alice", "--policy-name", "read");
    expect(got.json.PolicyDocument).toEqual(READ_ONLY);
    expect(got.json.UserName).toBe("alice");

    const conflict = await aws("iam", "delete-user", "--user-name", "alice");
    expect(cliErrorCode(conflict)).toBe("DeleteConflict");

    expect((await aws("iam", "delete-user-policy", "--user-name", "alice", "--policy-name", "read")).exitCode).toBe(0);
    const missingPolicy = await aws("iam", "get-user-policy", "--user-name", "alice", "--policy-name", "read");
    expect(cliErrorCode(missingPolicy)).toBe("NoSuchEntity");
    expect(
      (await aws("iam", "delete-access-key", "--user-name", "alice", "--access-key-id", key.json.AccessKey.AccessKeyId)).exitCode,
    ).toBe(0);
    expect((await aws("iam", "list-access-keys", "--user-name", "alice")).json.AccessKeyMetadata).toEqual([]);
    expect((await aws("iam", "delete-user", "--user-name", "alice")).exitCode).toBe(0);
    expect(cliErrorCode(await aws("iam", "get-user", "--user-name", "alice"))).toBe("NoSuchEntity");
  });

  it("manages a role and its inline policies", async () => {
    const created = await aws(
      "iam", "create-role", "--role-name", "deployer", "--path", "/ci/", "--max-session-duration", "7200",
      "--assume-role-policy-document", JSON.stringify(TRUST), "--description", "CI deploys", "--tags", "Key=env,Value=test",
    );
    expect(created.exitCode).toBe(0);
    expect(created.json.Role.Arn).toBe("arn:aws:iam::000000000000:role/ci/deployer");
    expect(created.json.Role.RoleId).toMatch(/^AROA[A-Z2-7]{16}$/);
    expect(created.json.Role.MaxSessionDuration).toBe(7200);
    expect(created.json.Role.Tags).toEqual([{ Key: "env", Value: "test" }]);

    const role = await aws("iam", "get-role", "--role-name", "deployer");
    expect(role.json.Role.AssumeRolePolicyDocument).toEqual(TRUST);
    expect(role.json.Role.Description).toBe("CI deploys");

    const roles = await aws("iam", "list-roles", "--path-prefix", "/ci/");
    expect(roles.json.Roles.map((entry: { RoleName: string }) => entry.RoleName)).toEqual(["deployer"]);

    expect((await aws("iam", "update-role", "--role-name", "deployer", "--max-session-duration", "43200", "--description", "nightly")).exitCode).toBe(0);
    const updated = (await aws("iam", "get-role", "--role-name", "deployer")).json.Role;
    expect(updated.MaxSessionDuration).toBe(43200);
    expect(updated.Description).toBe("nightly");

    const newTrust = { ...TRUST, Statement: [{ ...TRUST.Statement[0], Sid: "OnlyRoot" }] };
    expect((await aws("iam", "update-assume-role-policy", "--role-name", "deployer", "--policy-document", JSON.stringify(newTrust))).exitCode).toBe(0);
    expect((await aws("iam", "get-role", "--role-name", "deployer")).json.Role.AssumeRolePolicyDocument).toEqual(newTrust);

    expect((await aws("iam", "put-role-policy", "--role-name", "deployer", "--policy-name", "read", "--policy-document", JSON.stringify(READ_ONLY))).exitCode).toBe(0);
    expect((await aws("iam", "list-role-policies", "--role-name", "deployer")).json.PolicyNames).toEqual(["read"]);
    expect((await aws("iam", "get-role-policy", "--role-name", "deployer", "--policy-name", "read")).json.PolicyDocument).toEqual(READ_ONLY);

    expect(cliErrorCode(await aws("iam", "delete-role", "--role-name", "deployer"))).toBe("DeleteConflict");
    expect((await aws("iam", "delete-role-policy", "--role-name", "deployer", "--policy-name", "read")).exitCode).toBe(0);
    expect((await aws("iam", "delete-role", "--role-name", "deployer")).exitCode).toBe(0);
    expect(cliErrorCode(await aws("iam", "get-role", "--role-name", "deployer"))).toBe("NoSuchEntity");
  });

  it.each([
    ["malformed trust policy", ["iam", "create-role", "--role-name", "bad", "--assume-role-policy-document", '{"Statement":'], "MalformedPolicyDocument"],
    ["trust policy without principal", ["iam", "create-role", "--role-name", "bad", "--assume-role-policy-document", JSON.stringify(READ_ONLY)], "MalformedPolicyDocument"],
    ["session duration above 43200", ["iam", "create-role", "--role-name", "bad", "--max-session-duration", "43201", "--assume-role-policy-document", JSON.stringify(TRUST)], "ValidationError"],
    ["role name with a space", ["iam", "create-role", "--role-name", "bad name", "--assume-role-policy-document", JSON.stringify(TRUST)], "ValidationError"],
    ["path without slashes", ["iam", "create-user", "--user-name", "bob", "--path", "team"], "ValidationError"],
    ["unknown role", ["iam", "get-role", "--role-name", "nobody"], "NoSuchEntity"],
    ["policy on unknown user", ["iam", "put-user-policy", "--user-name", "nobody", "--policy-name", "p", "--policy-document", JSON.stringify(READ_ONLY)], "NoSuchEntity"],
    ["policy on unknown role", ["iam", "put-role-policy", "--role-name", "nobody", "--policy-name", "p", "--policy-document", JSON.stringify(TRUST)], "NoSuchEntity"],
  ])("rejects %s", async (_name, args, code) => {
    const result = await aws(...args);
    expect(result.exitCode).not.toBe(0);
    expect(cliErrorCode(result)).toBe(code);
  });

  it("rejects an identity policy that names a principal", async () => {
    await aws("iam", "create-user", "--user-name", "policy-target");
    const result = await aws("iam", "put-user-policy", "--user-name", "policy-target", "--policy-name", "p", "--policy-document", JSON.stringify(TRUST));
    expect(cliErrorCode(result)).toBe("MalformedPolicyDocument");
  });

  it("resolves policy variables for the caller", async () => {
    await aws("iam", "create-user", "--user-name", "self-service");
    await aws("iam", "create-user", "--user-name", "neighbour");
    const own = {
      Version: "2012-10-17",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM's own ${...} syntax
      Statement: [{ Effect: "Allow", Action: ["iam:GetUser", "iam:ListAccessKeys"], Resource: "arn:aws:iam::*:user/${aws:username}" }],
    };
    await aws("iam", "put-user-policy", "--user-name", "self-service", "--policy-name", "own", "--policy-document", JSON.stringify(own));
    const key = (await aws("iam", "create-access-key", "--user-name", "self-service")).json.AccessKey;
    const user = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };

    const self = await awsCli(host.url, user, ["iam", "get-user", "--user-name", "self-service"]);
    expect(self.json.User.UserName).toBe("self-service");
    const other = await awsCli(host.url, user, ["iam", "get-user", "--user-name", "neighbour"]);
    expect(cliErrorCode(other)).toBe("AccessDenied");
    expect(other.stderr).toContain("because no identity-based policy allows the iam:GetUser action");
  });

  it("enforces two access keys per user", async () => {
    await aws("iam", "create-user", "--user-name", "keyholder");
    expect((await aws("iam", "create-access-key", "--user-name", "keyholder")).exitCode).toBe(0);
    expect((await aws("iam", "create-access-key", "--user-name", "keyholder")).exitCode).toBe(0);
    expect(cliErrorCode(await aws("iam", "create-access-key", "--user-name", "keyholder"))).toBe("LimitExceeded");
  });
});
