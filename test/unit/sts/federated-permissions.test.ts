import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleQueryRequest, type QueryServiceDefinition } from "../../../shared/api/query-service.js";
import { authenticate } from "../../../shared/auth/authenticate.js";
import { decide } from "../../../shared/auth/authorize.js";
import type { Caller } from "../../../shared/auth/principal.js";
import { globalConditionKeys } from "../../../shared/auth/request-keys.js";
import { stsModel } from "../../../shared/protocol/models/sts.js";
import { stsActions } from "../../../shared/sts/index.js";
import type { Credentials } from "../../support/clients.js";
import { type InProcessService, startInProcessService } from "../../support/in-process.js";
import { signedView } from "../../support/signed-view.js";

const STS: QueryServiceDefinition = { model: stsModel, actions: stsActions };
const CLIENT = { sourceIp: "127.0.0.1", userAgent: "test", secureTransport: true };
const T0 = new Date("2026-03-01T10:00:00Z");
const ACCOUNT = "123456789012";
const ROOT: Credentials = { accessKeyId: "AKIAROOTKEYFORFEDTST", secretAccessKey: "root-secret-for-federation-tests-00000000" };

const element = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
const policyOf = (...statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/**
 * What a GetFederationToken session may do, decided by the policy engine for requests signed with
 * its credentials: only what both the calling user's policies and the session policies allow.
 */
describe("federated user permissions", () => {
  let service: InProcessService;
  let alice: Credentials;

  const call = async (credentials: Credentials, params: Record<string, string>, at = T0) =>
    handleQueryRequest(STS, await signedView(credentials, { Version: "2011-06-15", ...params }, at), CLIENT, service, at);

  async function federate(params: Record<string, string>, credentials = alice): Promise<Caller> {
    const response = await call(credentials, { Action: "GetFederationToken", ...params });
    expect(response.statusCode, response.body).toBe(200);
    const session: Credentials = {
      accessKeyId: element(response.body, "AccessKeyId")!,
      secretAccessKey: element(response.body, "SecretAccessKey")!,
      sessionToken: element(response.body, "SessionToken")!,
    };
    return authenticateAs(session);
  }

  /** Authenticates a GetCallerIdentity request signed with the credentials, as the service would. */
  async function authenticateAs(credentials: Credentials): Promise<Caller> {
    return authenticate(await signedView(credentials, { Action: "GetCallerIdentity", Version: "2011-06-15" }, T0), {
      store: service.store,
      ring: service.ring,
      partition: "aws",
      services: ["sts"],
      maxSkewSeconds: 300,
      now: T0,
    });
  }

  const allowed = async (caller: Caller, action: string, resource = "*", at = T0) =>
    (
      await decide(
        caller,
        { action, resource, resourceAccountId: ACCOUNT, keys: globalConditionKeys(caller, { ...CLIENT, now: at, region: "us-east-1" }) },
        service.store,
      )
    ).decision;

  beforeAll(async () => {
    service = await startInProcessService(T0);
    await service.store.ensureAccount(ACCOUNT, T0);
    await service.store.putRootAccessKey(ACCOUNT, ROOT.accessKeyId, ROOT.secretAccessKey, T0);
    await service.store.createUser(ACCOUNT, { userName: "alice", path: "/", tags: [{ Key: "team", Value: "red" }, { Key: "site", Value: "north" }] }, T0);
    await service.store.putUserPolicy(
      ACCOUNT,
      "alice",
      "main",
      policyOf(
        { Effect: "Allow", Action: ["sts:GetFederationToken", "sts:TagSession"], Resource: "*" },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "*" },
      ),
    );
    const key = await service.store.createAccessKey(ACCOUNT, "alice", T0);
    alice = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
  });
  afterAll(async () => {
    await service.close();
  });

  it("allows nothing without a session policy", async () => {
    const caller = await federate({ Name: "NoPolicy" });
    expect(caller.principal).toMatchObject({ kind: "federated-user", arn: `arn:aws:sts::${ACCOUNT}:federated-user/NoPolicy`, userId: `${ACCOUNT}:NoPolicy` });
    expect(await allowed(caller, "s3:GetObject")).toBe("ImplicitDeny");
  });

  it("allows the intersection of the user's policies and the session policy", async () => {
    const caller = await federate({ Name: "Reader", Policy: policyOf({ Effect: "Allow", Action: ["s3:GetObject", "ec2:*"], Resource: "*" }) });
    expect(await allowed(caller, "s3:GetObject")).toBe("Allow");
    // The session policy does not allow it.
    expect(await allowed(caller, "s3:PutObject")).toBe("ImplicitDeny");
    // The user's policies do not allow it.
    expect(await allowed(caller, "ec2:RunInstances")).toBe("ImplicitDeny");
  });

  it("applies managed session policies by ARN", async () => {
    const managed = await service.store.managedPolicies.createPolicy(
      ACCOUNT,
      { policyName: "put-only", path: "/", document: policyOf({ Effect: "Allow", Action: "s3:PutObject", Resource: "*" }), tags: [] },
      T0,
    );
    const caller = await federate({ Name: "Writer", "PolicyArns.member.1.arn": managed.arn });
    expect(await allowed(caller, "s3:PutObject")).toBe("Allow");
    expect(await allowed(caller, "s3:GetObject")).toBe("ImplicitDeny");
  });

  it("sees the user's tags and the session's tags as principal tags, the session's winning", async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: IAM policy variables, meant literally.
    const byTeam = policyOf({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::${aws:PrincipalTag/team}-${aws:PrincipalTag/site}/*" });
    const caller = await federate({ Name: "Tagged", Policy: byTeam, "Tags.member.1.Key": "Team", "Tags.member.1.Value": "blue" });
    expect(await allowed(caller, "s3:GetObject", "arn:aws:s3:::blue-north/report")).toBe("Allow");
    expect(await allowed(caller, "s3:GetObject", "arn:aws:s3:::red-north/report")).toBe("ImplicitDeny");
  });

  it("acts within root's permissions when root created it", async () => {
    const caller = await federate({ Name: "RootFed", Policy: policyOf({ Effect: "Allow", Action: "iam:GetUser", Resource: "*" }) }, ROOT);
    expect(await allowed(caller, "iam:GetUser")).toBe("Allow");
    expect(await allowed(caller, "iam:DeleteUser")).toBe("ImplicitDeny");
  });

  it("loses the user's permissions when the user is deleted", async () => {
    await service.store.createUser(ACCOUNT, { userName: "temp", path: "/", tags: [] }, T0);
    await service.store.putUserPolicy(ACCOUNT, "temp", "main", policyOf({ Effect: "Allow", Action: "*", Resource: "*" }));
    const key = await service.store.createAccessKey(ACCOUNT, "temp", T0);
    const caller = await federate({ Name: "Orphan", Policy: policyOf({ Effect: "Allow", Action: "s3:*", Resource: "*" }) }, {
      accessKeyId: key.accessKeyId,
      secretAccessKey: key.secretAccessKey,
    });
    expect(await allowed(caller, "s3:GetObject")).toBe("Allow");
    await service.store.deleteAccessKey(ACCOUNT, "temp", key.accessKeyId);
    await service.store.deleteUserPolicy(ACCOUNT, "temp", "main");
    await service.store.deleteUser(ACCOUNT, "temp");
    expect(await allowed(caller, "s3:GetObject")).toBe("ImplicitDeny");
  });

  it("reports the MFA keys of GetSessionToken sessions only when MFA was used", async () => {
    const response = await call(alice, { Action: "GetSessionToken" });
    const session: Credentials = {
      accessKeyId: element(response.body, "AccessKeyId")!,
      secretAccessKey: element(response.body, "SecretAccessKey")!,
      sessionToken: element(response.body, "SessionToken")!,
    };
    const caller = await authenticateAs(session);
    const keys = globalConditionKeys(caller, { ...CLIENT, now: T0, region: "us-east-1" });
    expect(keys["aws:MultiFactorAuthPresent"]).toBe("false");
    expect(keys["aws:MultiFactorAuthAge"]).toBeUndefined();
    expect(keys["aws:TokenIssueTime"]).toBe(T0.toISOString());
    expect(keys["aws:username"]).toBe("alice");
    // Long-term credentials carry neither key, as in AWS.
    const longTerm = await authenticateAs(alice);
    expect(globalConditionKeys(longTerm, { ...CLIENT, now: T0, region: "us-east-1" })["aws:MultiFactorAuthPresent"]).toBeUndefined();
  });
});
