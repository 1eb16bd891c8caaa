import {
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  DeletePolicyVersionCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ManagedPolicyStore } from "../../shared/store/managed-policy-store.js";
import { awsCli, type Credentials, cliErrorCode } from "../support/clients.js";
import { type InProcessService, startInProcessService } from "../support/in-process.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { allowPolicy, DEMO_ROOT, iamClient } from "../support/sdk.js";

const POLICY_ARN = "arn:aws:iam::000000000000:policy";
const READ = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
const WRITE = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }] };

/** Builds a compact policy document of exactly `size` characters, none of them white space. */
function documentOfSize(size: number): string {
  const make = (padding: number) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::b/${"a".repeat(padding)}` }] });
  const document = make(size - make(0).length);
  expect(document).toHaveLength(size);
  return document;
}

// Each AWS CLI call starts a Python process, so the CLI runs only the action under test. Setup
// and read-back go through the JS SDK, and independent tests run concurrently.
describe.concurrent("customer managed policies through the AWS CLI", () => {
  let host: RunningHost;
  let iam: IAMClient;
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);
  const setUp = async (name: string, document: unknown = READ, path?: string): Promise<string> =>
    (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify(document), ...(path ? { Path: path } : {}) }))).Policy!.Arn!;
  const addVersion = async (arn: string, document: unknown, setAsDefault = false): Promise<string> =>
    (await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: JSON.stringify(document), SetAsDefault: setAsDefault })))
      .PolicyVersion!.VersionId!;
  const onPolicy = (command: string, arn: string, ...extra: string[]) => aws("iam", command, "--policy-arn", arn, ...extra);

  beforeAll(async () => {
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
  });

  it("manages a policy and its versions", async () => {
    const created = await aws(
      "iam", "create-policy",
      "--policy-name", "ReadObjects",
      "--path", "/team/storage/",
      "--description", "Reads objects",
      "--policy-document", JSON.stringify(READ),
      "--tags", "Key=team,Value=red",
    );
    expect(created.exitCode).toBe(0);
    const policy = created.json.Policy;
    const arn = `${POLICY_ARN}/team/storage/ReadObjects`;
    expect(policy.Arn).toBe(arn);
    expect(policy.PolicyName).toBe("ReadObjects");
    expect(policy.Path).toBe("/team/storage/");
    expect(policy.PolicyId).toMatch(/^ANPA[A-Z2-7]{16}$/);
    expect(policy.DefaultVersionId).toBe("v1");
    expect(policy.AttachmentCount).toBe(0);
    expect(policy.IsAttachable).toBe(true);
    expect(policy.Tags).toEqual([{ Key: "team", Value: "red" }]);
    expect(Date.parse(policy.CreateDate)).not.toBeNaN();

    const got = (await onPolicy("get-policy", arn)).json.Policy;
    expect(got.Description).toBe("Reads objects");
    expect(got.PolicyId).toBe(policy.PolicyId);
    const first = (await onPolicy("get-policy-version", arn, "--version-id", "v1")).json.PolicyVersion;
    expect(first.Document).toEqual(READ);
    expect(first.IsDefaultVersion).toBe(true);

    const second = await onPolicy("create-policy-version", arn, "--policy-document", JSON.stringify(WRITE), "--set-as-default");
    expect(second.exitCode).toBe(0);
    expect(second.json.PolicyVersion.VersionId).toBe("v2");
    expect(second.json.PolicyVersion.IsDefaultVersion).toBe(true);
    expect((await onPolicy("get-policy", arn)).json.Policy.DefaultVersionId).toBe("v2");

    const versions = (await onPolicy("list-policy-versions", arn)).json.Versions;
    expect(versions.map((version: { VersionId: string }) => version.VersionId)).toEqual(["v2", "v1"]);
    expect(versions.map((version: { IsDefaultVersion: boolean }) => version.IsDefaultVersion)).toEqual([true, false]);
    expect(versions[0].Document).toBeUndefined();

    expect((await onPolicy("set-default-policy-version", arn, "--version-id", "v1")).exitCode).toBe(0);
    expect((await onPolicy("get-policy", arn)).json.Policy.DefaultVersionId).toBe("v1");
    expect((await onPolicy("get-policy-version", arn, "--version-id", "v2")).json.PolicyVersion.IsDefaultVersion).toBe(false);

    const conflict = await onPolicy("delete-policy", arn);
    expect(cliErrorCode(conflict)).toBe("DeleteConflict");
    expect(conflict.stderr).toContain("you must delete the policy's versions");
    const defaultDeletion = await onPolicy("delete-policy-version", arn, "--version-id", "v1");
    expect(cliErrorCode(defaultDeletion)).toBe("DeleteConflict");
    expect(defaultDeletion.stderr).toContain("Cannot delete the default version of a policy.");

    expect((await onPolicy("delete-policy-version", arn, "--version-id", "v2")).exitCode).toBe(0);
    expect((await onPolicy("delete-policy", arn)).exitCode).toBe(0);
    const deleted = await onPolicy("get-policy", arn);
    expect(cliErrorCode(deleted)).toBe("NoSuchEntity");
    expect(deleted.stderr).toContain(`Policy ${arn} does not exist or is not attachable.`);
  });

  it("returns documents url-encoded to the sdk", async () => {
    const document = JSON.stringify(READ, null, 2);
    const arn = (await iam.send(new CreatePolicyCommand({ PolicyName: "Encoded", PolicyDocument: document }))).Policy!.Arn!;
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: "v1" }))).PolicyVersion!;
    expect(version.Document).toBe(encodeURIComponent(document));
    expect(decodeURIComponent(version.Document!)).toBe(document);
  });

  it("limits a policy to 5 versions", async () => {
    const arn = await setUp("FiveVersions");
    for (const expected of ["v2", "v3", "v4"]) expect(await addVersion(arn, WRITE)).toBe(expected);

    const fifth = await onPolicy("create-policy-version", arn, "--policy-document", JSON.stringify(WRITE));
    expect(fifth.json.PolicyVersion.VersionId).toBe("v5");
    const sixth = await onPolicy("create-policy-version", arn, "--policy-document", JSON.stringify(WRITE));
    expect(cliErrorCode(sixth)).toBe("LimitExceeded");
    expect(sixth.stderr).toContain("A managed policy can have up to 5 versions.");

    // Version numbers are never reused: after v2 is deleted, the next version is v6.
    await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: "v2" }));
    expect(await addVersion(arn, WRITE, true)).toBe("v6");
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(listed.Versions!.map((version) => version.VersionId)).toEqual(["v6", "v5", "v4", "v3", "v1"]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.DefaultVersionId).toBe("v6");
  });

  it.each([
    ["6,144 characters", documentOfSize(6144), undefined],
    ["6,145 characters", documentOfSize(6145), "LimitExceeded"],
    ["6,144 characters and white space", JSON.stringify(JSON.parse(documentOfSize(6144)), null, 4), undefined],
    ["a principal", JSON.stringify({ Version: "2012-10-17", Statement: [{ ...READ.Statement[0], Principal: "*" }] }), "MalformedPolicyDocument"],
    ["invalid json", '{"Version": "2012-10-17", "Statement": [', "MalformedPolicyDocument"],
  ])("create-policy with %s", async (name, document, code) => {
    const result = await aws("iam", "create-policy", "--policy-name", `Size-${name.replace(/[^a-z0-9]/gi, "")}`, "--policy-document", document);
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
    }
    if (code === "LimitExceeded") expect(result.stderr).toContain("Cannot exceed quota for PolicySize: 6144");
  });

  it("checks version documents through the sdk", async () => {
    const arn = await setUp("VersionLimits");
    const create = (document: string) => iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document }));

    expect((await create(documentOfSize(6144))).PolicyVersion!.VersionId).toBe("v2");
    await expect(create(documentOfSize(6145))).rejects.toMatchObject({ name: "LimitExceededException" });
    await expect(create('{"Statement": []')).rejects.toMatchObject({ name: "MalformedPolicyDocumentException" });
    const listed = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(listed.Versions).toHaveLength(2);
  });

  it("rejects a second policy of one name", async () => {
    await setUp("Twice", READ, "/first/");
    const again = await aws("iam", "create-policy", "--policy-name", "TWICE", "--path", "/second/", "--policy-document", JSON.stringify(READ));
    expect(cliErrorCode(again)).toBe("EntityAlreadyExists");
    expect(again.stderr).toContain("A policy called TWICE already exists.");
  });

  it("lists policies by scope and path", async () => {
    const local = await setUp("Listed", READ, "/listing/");
    await setUp("Elsewhere", READ, "/elsewhere/");
    const arns = async (...extra: string[]) =>
      (await aws("iam", "list-policies", ...extra)).json.Policies.map((policy: { Arn: string }) => policy.Arn);

    expect(await arns("--path-prefix", "/listing/")).toEqual([local]);
    expect(await arns("--scope", "Local", "--path-prefix", "/listing/")).toEqual([local]);
    expect(await arns("--scope", "AWS")).toEqual([]);
    expect(await arns("--only-attached")).toEqual([]);
    const all = await arns();
    expect(all).toContain(local);
    expect(all).toContain(`${POLICY_ARN}/elsewhere/Elsewhere`);

    const listed = (await aws("iam", "list-policies", "--path-prefix", "/listing/")).json.Policies[0];
    expect(listed.Description).toBeUndefined();
    expect(listed.DefaultVersionId).toBe("v1");
  });

  it("pages policies and versions", async () => {
    for (const name of ["page-b", "page-a", "Page-C"]) await setUp(name, READ, "/paging/");
    const first = await aws("iam", "list-policies", "--path-prefix", "/paging/", "--no-paginate", "--max-items", "2");
    expect(first.json.Policies.map((policy: { PolicyName: string }) => policy.PolicyName)).toEqual(["page-a", "page-b"]);
    expect(first.json.IsTruncated).toBe(true);
    const rest = await aws("iam", "list-policies", "--path-prefix", "/paging/", "--no-paginate", "--marker", first.json.Marker);
    expect(rest.json.Policies.map((policy: { PolicyName: string }) => policy.PolicyName)).toEqual(["Page-C"]);
    expect(rest.json.IsTruncated).toBe(false);

    const arn = `${POLICY_ARN}/paging/page-a`;
    await addVersion(arn, WRITE);
    await addVersion(arn, WRITE);
    const versions = await onPolicy("list-policy-versions", arn, "--no-paginate", "--max-items", "2");
    expect(versions.json.Versions.map((version: { VersionId: string }) => version.VersionId)).toEqual(["v3", "v2"]);
    expect(versions.json.IsTruncated).toBe(true);
    const older = await onPolicy("list-policy-versions", arn, "--no-paginate", "--marker", versions.json.Marker);
    expect(older.json.Versions.map((version: { VersionId: string }) => version.VersionId)).toEqual(["v1"]);
    expect(older.json.IsTruncated).toBe(false);
  });

  it.each([
    ["an unknown policy", `${POLICY_ARN}/Unknown`, "NoSuchEntity"],
    ["another path", `${POLICY_ARN}/other/Known`, "NoSuchEntity"],
    ["another account", "arn:aws:iam::111111111111:policy/known/Known", "NoSuchEntity"],
    ["another partition", "arn:aws-cn:iam::000000000000:policy/known/Known", "NoSuchEntity"],
    ["an AWS managed policy", "arn:aws:iam::aws:policy/ReadOnlyAccess", "NoSuchEntity"],
    ["a role arn", "arn:aws:iam::000000000000:role/known/Known", "InvalidInput"],
  ])("get-policy of %s", async (_name, arn, code) => {
    await setUp("Known", READ, "/known/").catch(() => undefined);
    const result = await onPolicy("get-policy", arn);
    expect(cliErrorCode(result)).toBe(code);
  });

  it.each([
    ["get-policy-version", "--version-id", "v9"],
    ["set-default-policy-version", "--version-id", "v9"],
    ["delete-policy-version", "--version-id", "v9"],
  ])("%s of an unknown version is NoSuchEntity", async (command, ...extra) => {
    const arn = await setUp(`Unknown-${command}`);
    const result = await onPolicy(command, arn, ...extra);
    expect(cliErrorCode(result)).toBe("NoSuchEntity");
    expect(result.stderr).toContain(`Policy ${arn} version v9 does not exist`);
  });

  it("authorizes on the policy arn", async () => {
    const allowed = await setUp("AuthAllowed");
    const denied = await setUp("AuthDenied");
    await iam.send(new CreateUserCommand({ UserName: "policy-reader" }));
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["iam:GetPolicy", "iam:GetPolicyVersion"], Resource: allowed },
        { Effect: "Allow", Action: "iam:ListPolicies", Resource: `${POLICY_ARN}/*` },
      ],
    };
    await iam.send(new PutUserPolicyCommand({ UserName: "policy-reader", PolicyName: "read", PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "policy-reader" }))).AccessKey!;
    const reader: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const asReader = (...args: string[]) => awsCli(host.url, reader, args);

    expect((await asReader("iam", "get-policy", "--policy-arn", allowed)).exitCode).toBe(0);
    expect((await asReader("iam", "get-policy-version", "--policy-arn", allowed, "--version-id", "v1")).exitCode).toBe(0);
    expect((await asReader("iam", "list-policies")).exitCode).toBe(0);
    const other = await asReader("iam", "get-policy", "--policy-arn", denied);
    expect(cliErrorCode(other)).toBe("AccessDenied");
    expect(other.stderr).toContain(`iam:GetPolicy on resource: ${denied}`);
    const version = await asReader("iam", "create-policy-version", "--policy-arn", allowed, "--policy-document", allowPolicy("s3:*", "*"));
    expect(cliErrorCode(version)).toBe("AccessDenied");
    const creation = await asReader("iam", "create-policy", "--policy-name", "ByReader", "--policy-document", JSON.stringify(READ));
    expect(cliErrorCode(creation)).toBe("AccessDenied");
    expect(creation.stderr).toContain(`iam:CreatePolicy on resource: ${POLICY_ARN}/ByReader`);
  });
});

describe("managed policy store", () => {
  let service: InProcessService;
  let store: ManagedPolicyStore;
  const account = "000000000000";
  const now = new Date("2025-01-01T00:00:00Z");
  const create = (policyName: string, path = "/") =>
    store.createPolicy(account, { policyName, path, document: JSON.stringify(READ), tags: [] }, now);

  beforeAll(async () => {
    service = await startInProcessService(now);
    store = service.store.managedPolicies;
  });
  afterAll(async () => {
    await service.close();
  });

  it("reads the default document by arn", async () => {
    const policy = await create("ByArn", "/session/");
    expect(await store.getPolicyDocumentByArn(policy.arn)).toBe(JSON.stringify(READ));

    await store.createPolicyVersion(account, "ByArn", JSON.stringify(WRITE), true, now);
    expect(await store.getPolicyDocumentByArn(policy.arn)).toBe(JSON.stringify(WRITE));
    await store.setDefaultPolicyVersion(account, "ByArn", "v1");
    expect(await store.getPolicyDocumentByArn(policy.arn)).toBe(JSON.stringify(READ));
    await store.createPolicyVersion(account, "ByArn", JSON.stringify(WRITE), false, now);
    expect(await store.getPolicyDocumentByArn(policy.arn)).toBe(JSON.stringify(READ));
  });

  it.each([
    ["an unknown policy", "arn:aws:iam::000000000000:policy/session/Unknown"],
    ["another path", "arn:aws:iam::000000000000:policy/ByArnPath"],
    ["another account", "arn:aws:iam::111111111111:policy/session/ByArnPath"],
    ["another partition", "arn:aws-cn:iam::000000000000:policy/session/ByArnPath"],
    ["an AWS managed policy", "arn:aws:iam::aws:policy/ReadOnlyAccess"],
    ["a role arn", "arn:aws:iam::000000000000:role/session/ByArnPath"],
  ])("returns no document for %s", async (_name, arn) => {
    await create("ByArnPath", "/session/").catch(() => undefined);
    expect(await store.getPolicyDocumentByArn(arn)).toBeUndefined();
  });

  it("returns no document after deletion", async () => {
    const policy = await create("Deleted");
    await store.deletePolicy(account, "Deleted");
    expect(await store.getPolicyDocumentByArn(policy.arn)).toBeUndefined();
  });

  it("keeps 5 versions under concurrent creates", async () => {
    await create("Race");
    const attempts = await Promise.allSettled(
      Array.from({ length: 12 }, () => store.createPolicyVersion(account, "Race", JSON.stringify(WRITE), false, now)),
    );
    const created = attempts.filter((attempt) => attempt.status === "fulfilled");
    expect(created).toHaveLength(4);
    const versions = (await store.getPolicy(account, "Race"))!.versions.map((version) => version.versionId);
    expect(versions).toEqual(["v1", "v2", "v3", "v4", "v5"]);
    // Losing creates delete the documents they wrote, so only the five listed versions have one.
    const documents = await service.table.queryPrefix(`ACCOUNT#${account}`, "POLICYDOC#race#");
    expect(documents).toHaveLength(5);
  });
});
