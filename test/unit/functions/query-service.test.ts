import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as stsHandler } from "../../../functions/sts/handler.js";
import { setRuntime } from "../../../functions/lib/runtime.js";
import { handleQueryRequest, type QueryServiceDefinition } from "../../../shared/api/query-service.js";
import { iamActions } from "../../../shared/iam/index.js";
import { iamModel } from "../../../shared/protocol/models/iam.js";
import { stsModel } from "../../../shared/protocol/models/sts.js";
import { stsActions } from "../../../shared/sts/index.js";
import type { Credentials } from "../../support/clients.js";
import { type InProcessService, startInProcessService } from "../../support/in-process.js";
import { signedView } from "../../support/signed-view.js";

const STS: QueryServiceDefinition = { model: stsModel, actions: stsActions };
const IAM: QueryServiceDefinition = { model: iamModel, actions: iamActions };
const CLIENT = { sourceIp: "127.0.0.1", userAgent: "test", secureTransport: true };
const T0 = new Date("2026-03-01T10:00:00Z");
const ROOT: Credentials = { accessKeyId: "AKIAROOTKEYFORTESTS0", secretAccessKey: "root-secret-for-handler-tests-0000000000" };
const ACCOUNT = "123456789012";

const code = (body: string) => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
const element = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];

describe("query service", () => {
  let service: InProcessService;
  let bob: Credentials;

  const call = async (definition: QueryServiceDefinition, credentials: Credentials, params: Record<string, string>, at: Date) =>
    handleQueryRequest(definition, await signedView(credentials, params, at, definition.model.service), CLIENT, service, at);

  beforeAll(async () => {
    service = await startInProcessService(T0);
    await service.store.ensureAccount(ACCOUNT, T0);
    await service.store.putRootAccessKey(ACCOUNT, ROOT.accessKeyId, ROOT.secretAccessKey, T0);
    const user = await service.store.createUser(ACCOUNT, { userName: "bob", path: "/", tags: [] }, T0);
    const key = await service.store.createAccessKey(ACCOUNT, "bob", T0);
    bob = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    await service.store.createRole(
      ACCOUNT,
      {
        roleName: "target",
        path: "/",
        trustPolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: user.arn }, Action: "sts:AssumeRole" }] }),
        trustPrincipalIds: { [user.arn]: user.userId },
        maxSessionDuration: 3600,
        tags: [],
      },
      T0,
    );
  });
  afterAll(async () => {
    await service.close();
  });

  it("renders the exact GetCallerIdentity document through the middy handler", async () => {
    setRuntime(service);
    const view = await signedView(ROOT, { Action: "GetCallerIdentity", Version: "2011-06-15" }, new Date());
    const event = {
      version: "2.0",
      routeKey: "$default",
      rawPath: "/",
      rawQueryString: "",
      headers: view.headers,
      requestContext: { http: { method: "POST", path: "/", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" }, requestId: "r" },
      body: Buffer.from(view.body).toString("base64"),
      isBase64Encoded: true,
    } as unknown as APIGatewayProxyEventV2;
    const result = await stsHandler(event, { awsRequestId: "r", functionName: "sts" } as Context);
    const requestId = (result.headers as Record<string, string>)["x-amzn-requestid"];
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
        `<UserId>${ACCOUNT}</UserId><Account>${ACCOUNT}</Account><Arn>arn:aws:iam::${ACCOUNT}:root</Arn>` +
        `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  });

  it("rejects session credentials after they expire", async () => {
    const assumed = await call(STS, bob, { Action: "AssumeRole", Version: "2011-06-15", RoleArn: `arn:aws:iam::${ACCOUNT}:role/target`, RoleSessionName: "short-lived", DurationSeconds: "900" }, T0);
    expect(assumed.body).toContain("<AssumeRoleResult>");
    expect(assumed.statusCode).toBe(200);
    const session: Credentials = {
      accessKeyId: element(assumed.body, "AccessKeyId")!,
      secretAccessKey: element(assumed.body, "SecretAccessKey")!,
      sessionToken: element(assumed.body, "SessionToken")!,
    };
    const identity = { Action: "GetCallerIdentity", Version: "2011-06-15" };
    const justBefore = new Date(T0.getTime() + 899_000);
    expect((await call(STS, session, identity, justBefore)).statusCode).toBe(200);

    const atExpiry = new Date(T0.getTime() + 900_000);
    const expired = await call(STS, session, identity, atExpiry);
    expect(expired.statusCode).toBe(403);
    expect(code(expired.body)).toBe("ExpiredToken");
  });

  it("rejects a deactivated access key", async () => {
    const key = await service.store.createAccessKey(ACCOUNT, "bob", T0);
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    const identity = { Action: "GetCallerIdentity", Version: "2011-06-15" };
    expect((await call(STS, credentials, identity, T0)).statusCode).toBe(200);
    const updated = await call(IAM, ROOT, { Action: "UpdateAccessKey", Version: "2010-05-08", UserName: "bob", AccessKeyId: key.accessKeyId, Status: "Inactive" }, T0);
    expect(updated.statusCode).toBe(200);
    const refused = await call(STS, credentials, identity, T0);
    expect(refused.statusCode).toBe(403);
    expect(code(refused.body)).toBe("InvalidClientTokenId");
    await service.store.deleteAccessKey(ACCOUNT, "bob", key.accessKeyId);
  });

  it("audits without secrets", async () => {
    const response = await call(STS, bob, { Action: "AssumeRole", Version: "2011-06-15", RoleArn: `arn:aws:iam::${ACCOUNT}:role/target`, RoleSessionName: "audited" }, T0);
    const secret = element(response.body, "SecretAccessKey")!;
    const token = element(response.body, "SessionToken")!;
    const audit = JSON.stringify(response.audit);
    expect(response.audit.eventName).toBe("AssumeRole");
    expect(response.audit.userIdentity).toMatchObject({ type: "IAMUser", arn: `arn:aws:iam::${ACCOUNT}:user/bob` });
    expect(audit).toContain(element(response.body, "AccessKeyId")!);
    expect(audit).not.toContain(secret);
    expect(audit).not.toContain(token);
    expect(audit).not.toContain(bob.secretAccessKey);
  });

  it("rejects a session token presented with another session's key", async () => {
    const assume = (name: string) =>
      call(STS, bob, { Action: "AssumeRole", Version: "2011-06-15", RoleArn: `arn:aws:iam::${ACCOUNT}:role/target`, RoleSessionName: name }, T0);
    const first = (await assume("first")).body;
    const second = (await assume("second")).body;
    const swapped: Credentials = {
      accessKeyId: element(first, "AccessKeyId")!,
      secretAccessKey: element(first, "SecretAccessKey")!,
      sessionToken: element(second, "SessionToken")!,
    };
    const response = await call(STS, swapped, { Action: "GetCallerIdentity", Version: "2011-06-15" }, T0);
    expect(response.statusCode).toBe(403);
    expect(code(response.body)).toBe("InvalidClientTokenId");
  });

  it("answers arbitrary input with a 4xx error document", async () => {
    const signed = await signedView(bob, { Action: "GetCallerIdentity", Version: "2011-06-15" }, T0);
    const text = fc.string({ unit: "binary", maxLength: 300 });
    const request = fc.record({
      method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "OPTIONS"),
      rawQuery: fc.oneof(text, fc.constant("Action=GetCallerIdentity&Version=2011-06-15")),
      body: fc.oneof(text, fc.constant("Action=AssumeRole&Version=2011-06-15&RoleArn=x")),
      authorization: fc.oneof(text, fc.constant(signed.headers.authorization!), fc.constant(undefined)),
      contentType: fc.constantFrom("application/x-www-form-urlencoded", "application/json", undefined),
    });
    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const headers: Record<string, string> = { ...signed.headers };
        delete headers.authorization;
        delete headers["content-type"];
        if (input.authorization !== undefined) headers.authorization = input.authorization;
        if (input.contentType !== undefined) headers["content-type"] = input.contentType;
        const response = await handleQueryRequest(
          STS,
          { method: input.method, path: "/", rawQuery: input.rawQuery, headers, body: Buffer.from(input.body) },
          CLIENT,
          service,
          T0,
        );
        expect(response.statusCode).toBeGreaterThanOrEqual(400);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.body).toMatch(/^<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>\w+<\/Code>/);
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it("explains a refused AssumeRole in the audit event", async () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Vendor", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: "sts:AssumeRole", Condition: { StringEquals: { "sts:ExternalId": "expected-id" } } }],
    };
    const bobUser = await service.store.getUser(ACCOUNT, "bob");
    await service.store.createRole(
      ACCOUNT,
      { roleName: "guarded", path: "/", trustPolicy: JSON.stringify(trust), trustPrincipalIds: { [bobUser!.arn]: bobUser!.userId }, maxSessionDuration: 3600, tags: [] },
      T0,
    );
    const response = await call(STS, bob, { Action: "AssumeRole", Version: "2011-06-15", RoleArn: `arn:aws:iam::${ACCOUNT}:role/guarded`, RoleSessionName: "vendor", ExternalId: "guessed-id" }, T0);
    expect(code(response.body)).toBe("AccessDenied");
    expect(response.audit.errorDetail).toMatchObject({
      decision: "ImplicitDeny",
      deciding: "resource",
      resource: {
        decision: "ImplicitDeny",
        matchedStatements: [],
        failedConditions: [{ statement: 0, operator: "StringEquals", key: "sts:ExternalId", keyPresent: true }],
      },
    });
    expect(JSON.stringify(response.audit.errorDetail)).not.toContain("expected-id");
  });

  it("fails closed when the store is unreachable", async () => {
    const broken = await startInProcessService(T0);
    await broken.store.ensureAccount(ACCOUNT, T0);
    await broken.store.putRootAccessKey(ACCOUNT, ROOT.accessKeyId, ROOT.secretAccessKey, T0);
    await broken.close();
    const response = await handleQueryRequest(
      STS,
      await signedView(ROOT, { Action: "GetCallerIdentity", Version: "2011-06-15" }, T0),
      CLIENT,
      broken,
      T0,
    );
    expect(response.statusCode).toBe(503);
    expect(code(response.body)).toBe("ServiceUnavailable");
    expect(response.body).not.toContain("ECONNREFUSED");
  });
});
