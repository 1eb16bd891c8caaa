import { CreateAccessKeyCommand, CreateRoleCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Credentials } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient, trustPolicy } from "../support/sdk.js";
import { errorCode, presignQuery, send, signQuery } from "../support/signed-fetch.js";

const IDENTITY = { Action: "GetCallerIdentity", Version: "2011-06-15" };
const ROLE_ARN = "arn:aws:iam::000000000000:role/wire-target";

describe("Query protocol on the wire", () => {
  let host: RunningHost;
  let bob: Credentials;
  let bobArn: string;

  beforeAll(async () => {
    host = await startHost();
    const iam = iamClient(host.url, DEMO_ROOT);
    bobArn = (await iam.send(new CreateUserCommand({ UserName: "wire-bob" }))).User!.Arn!;
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "wire-bob" }))).AccessKey!;
    bob = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    await iam.send(new CreateRoleCommand({ RoleName: "wire-target", AssumeRolePolicyDocument: trustPolicy({ AWS: bobArn }), MaxSessionDuration: 43200 }));
  });
  afterAll(async () => {
    await host.stop();
  });

  const assumeRole = (extra: Record<string, string>) =>
    signQuery(host.url, bob, { Action: "AssumeRole", Version: "2011-06-15", RoleArn: ROLE_ARN, RoleSessionName: "wire", ...extra }).then(send);

  it.each(["GET", "POST"] as const)("serves GetCallerIdentity by %s", async (method) => {
    const response = await send(await signQuery(host.url, bob, IDENTITY, { method }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml");
    expect(response.body).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(response.body).toContain(`<Arn>${bobArn}</Arn>`);
    const requestId = response.headers.get("x-amzn-requestid");
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body).toContain(`<RequestId>${requestId}</RequestId>`);
  });

  it("accepts a presigned GetCallerIdentity URL", async () => {
    const url = await presignQuery(host.url, bob, IDENTITY, 60);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`<Arn>${bobArn}</Arn>`);
  });

  it("rejects an expired presigned URL", async () => {
    const url = await presignQuery(host.url, bob, IDENTITY, 60, new Date(Date.now() - 120_000));
    const response = await fetch(url);
    const body = await response.text();
    expect(response.status).toBe(403);
    expect(errorCode(body)).toBe("AccessDenied");
    expect(body).toContain("Request has expired");
  });

  it.each([
    ["an unknown action", { Action: "StealCredentials", Version: "2011-06-15" }, {}, 400, "InvalidAction"],
    ["a foreign API version", { Action: "GetCallerIdentity", Version: "2010-05-08" }, {}, 400, "InvalidAction"],
    ["a missing action", { Version: "2011-06-15" }, {}, 400, "MissingAction"],
    [
      "an action that needs AWS Organizations",
      {
        Action: "AssumeRoot",
        Version: "2011-06-15",
        TargetPrincipal: "111122223333",
        "TaskPolicyArn.arn": "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
      },
      {},
      400,
      "InvalidAction",
    ],
    ["a signature older than five minutes", IDENTITY, { signingDate: new Date(Date.now() - 400_000) }, 403, "SignatureDoesNotMatch"],
    ["a signature for another service", IDENTITY, { service: "s3" }, 403, "SignatureDoesNotMatch"],
  ])("rejects %s", async (_name, params, options, status, code) => {
    const response = await send(await signQuery(host.url, bob, params as Record<string, string>, options));
    expect(response.status).toBe(status);
    expect(errorCode(response.body)).toBe(code);
    expect(response.body).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>$/);
  });

  it.each([
    ["an unsigned request", async () => ({ url: `${host.url}/?Action=GetCallerIdentity&Version=2011-06-15`, init: {} }), 403, "MissingAuthenticationToken"],
    ["a wrong secret", async () => signQuery(host.url, { ...bob, secretAccessKey: "x".repeat(40) }, IDENTITY), 403, "SignatureDoesNotMatch"],
    ["an unknown access key", async () => signQuery(host.url, { ...bob, accessKeyId: "AKIAUNKNOWNKEY000000" }, IDENTITY), 403, "InvalidClientTokenId"],
    ["a temporary key without its token", async () => signQuery(host.url, { ...bob, accessKeyId: "ASIAUNKNOWNKEY000000" }, IDENTITY), 403, "InvalidClientTokenId"],
    ["a forged session token", async () => signQuery(host.url, { ...bob, accessKeyId: "ASIAUNKNOWNKEY000000", sessionToken: "forged" }, IDENTITY), 403, "InvalidClientTokenId"],
    ["a malformed Authorization header", async () => ({ url: `${host.url}/`, init: { method: "POST", body: "Action=GetCallerIdentity&Version=2011-06-15", headers: { authorization: "AWS4-HMAC-SHA256 Credential=broken", "x-amz-date": "20261204T000000Z", "content-type": "application/x-www-form-urlencoded" } } }), 400, "IncompleteSignature"],
    ["a repeated parameter", async () => signQuery(host.url, bob, {}, { rawBody: "Action=GetCallerIdentity&Version=2011-06-15&Version=2011-06-15" }), 400, "ValidationError"],
    ["a bad percent escape", async () => signQuery(host.url, bob, {}, { rawBody: "Action=GetCallerIdentity&Version=2011-06-15&X=%ZZ" }), 404, "MalformedQueryString"],
  ])("rejects %s", async (_name, build, status, code) => {
    const response = await send(await build());
    expect(response.status).toBe(status);
    expect(errorCode(response.body)).toBe(code);
  });

  it("rejects a body over 512 KiB", async () => {
    const response = await send(await signQuery(host.url, bob, {}, { rawBody: `Action=GetCallerIdentity&Version=2011-06-15&Pad=${"a".repeat(600_000)}` }));
    expect(response.status).toBe(413);
    expect(errorCode(response.body)).toBe("RequestEntityTooLarge");
  });

  it.each([
    ["DurationSeconds", "899", "Member must have value greater than or equal to 900"],
    ["DurationSeconds", "43201", "Member must have value less than or equal to 43200"],
    ["RoleSessionName", "a", "Member must have length greater than or equal to 2"],
    ["RoleSessionName", "a".repeat(65), "Member must have length less than or equal to 64"],
    ["RoleSessionName", "two words", "Member must satisfy regular expression pattern"],
    ["RoleSessionName", "kyрillic", "Member must satisfy regular expression pattern"],
    ["ExternalId", "x", "Member must have length greater than or equal to 2"],
    ["ExternalId", "x".repeat(1225), "Member must have length less than or equal to 1224"],
    ["ExternalId", "has space", "Member must satisfy regular expression pattern"],
    ["RoleArn", "arn:aws:iam::0:role", "Member must have length greater than or equal to 20"],
    ["RoleArn", `arn:aws:iam::000000000000:role/${"r".repeat(2018)}`, "Member must have length less than or equal to 2048"],
  ])("rejects %s %j", async (name, value, message) => {
    const response = await assumeRole({ [name]: value });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe("ValidationError");
    expect(response.body).toContain(message);
  });

  it.each([
    ["DurationSeconds", "900"],
    ["DurationSeconds", "43200"],
    ["RoleSessionName", "ab"],
    ["RoleSessionName", "a".repeat(64)],
    ["RoleSessionName", "user+tag=x,y.z@example-1"],
    ["ExternalId", "xy"],
    ["ExternalId", "x".repeat(1224)],
  ])("accepts %s at its limit", async (name, value) => {
    const response = await assumeRole({ [name]: value });
    expect(response.status).toBe(200);
    expect(response.body).toContain("<AccessKeyId>ASIA");
  });

  it.each([
    ["an unknown role", { Action: "GetRole", RoleName: "nobody" }, 404, "NoSuchEntity"],
    ["a duplicate user", { Action: "CreateUser", UserName: "WIRE-BOB" }, 409, "EntityAlreadyExists"],
    ["a malformed policy", { Action: "PutUserPolicy", UserName: "wire-bob", PolicyName: "p", PolicyDocument: "{" }, 400, "MalformedPolicyDocument"],
    ["a user that still has keys", { Action: "DeleteUser", UserName: "wire-bob" }, 409, "DeleteConflict"],
    ["a name over 64 characters", { Action: "CreateUser", UserName: "u".repeat(65) }, 400, "ValidationError"],
  ])("answers IAM's status for %s", async (_name, params, status, code) => {
    const response = await send(await signQuery(host.url, DEMO_ROOT, { Version: "2010-05-08", ...params }, { service: "iam" }));
    expect(response.status).toBe(status);
    expect(errorCode(response.body)).toBe(code);
    expect(response.body).toContain('<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
  });

  it("refuses IAM calls that the caller's policies do not allow", async () => {
    const response = await send(await signQuery(host.url, bob, { Action: "ListRoles", Version: "2010-05-08" }, { service: "iam" }));
    expect(response.status).toBe(403);
    expect(errorCode(response.body)).toBe("AccessDenied");
    expect(response.body).toContain(
      `User: ${bobArn} is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::000000000000:role/ because no identity-based policy allows the iam:ListRoles action`,
    );
  });

  it("rejects a well-formed ARN that is not a role", async () => {
    const response = await assumeRole({ RoleArn: "arn:aws:iam::000000000000:user/wire-bob" });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe("ValidationError");
  });

  it("rejects unknown managed session policies", async () => {
    const response = await assumeRole({ "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe("ValidationError");
    expect(response.body).toContain("does not exist or is not a managed policy");
  });
});
