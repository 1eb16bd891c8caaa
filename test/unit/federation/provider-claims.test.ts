import type { JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleQueryRequest, type QueryResponse } from "../../../shared/api/query-service.js";
import type { RoleRecord } from "../../../shared/store/entities.js";
import type { Credentials } from "../../support/clients.js";
import { signedView } from "../../support/signed-view.js";
import { newSigningKey, STS_SERVICE, type SigningKey, signToken, startWebIdentityHarness, type WebIdentityHarness } from "../../support/web-identity.js";

// Claim sets shaped like the ID tokens of real providers, signed with local keys that the
// harness publishes under each provider's real issuer URL, so no request leaves the process.

const T0 = new Date("2026-03-01T10:00:00Z");
const NOW = Math.floor(T0.getTime() / 1000);
const CLIENT = { sourceIp: "127.0.0.1", userAgent: "provider-claims-test", secureTransport: true };

/** Account of every provider's roles, with the Entra ID v1 provider registered with its trailing slash. */
const ACCOUNT = "123456789012";
/** Account of the Entra ID v2 provider and of a v1 provider registered without the trailing slash. */
const ENTRA_ACCOUNT = "210987654321";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
const GITHUB_ENTERPRISE_ISSUER = "https://token.actions.githubusercontent.com/my-enterprise";
const GITLAB_ISSUER = "https://gitlab.com";
const EKS_ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const GOOGLE_ISSUER = "https://accounts.google.com";
const COGNITO_ISSUER = "https://cognito-identity.amazonaws.com";
const TENANT = "4e1c2a7b-5d3f-4b8e-9a6c-2f7d1e0b3c5a";
const ENTRA_V1_ISSUER = `https://sts.windows.net/${TENANT}/`;
const ENTRA_V2_ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;

const GOOGLE_WEB_CLIENT = "407408718192-k2b8tq0d9n5vm1c8fexample.apps.googleusercontent.com";
const GOOGLE_ANDROID_CLIENT = "407408718192-a7u3rj6p1s0xw4e9hexample.apps.googleusercontent.com";
const COGNITO_POOL = "us-east-1:3f1c9a2e-7b4d-4e8a-9c61-0d5e2b7a4f18";
const ENTRA_V1_APP_URI = "api://open-sts-demo";
const ENTRA_V2_CLIENT_ID = "6b0e2f4a-91c3-4d7e-8a25-c3f9d1e7b402";

const withoutScheme = (url: string) => url.replace(/^https:\/\//, "");
const element = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];

/** Builds a trust policy that lets `federated` call AssumeRoleWithWebIdentity under `condition`. */
function webIdentityTrust(federated: string, condition: Record<string, Record<string, string | string[]>>): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }],
  });
}

interface ExpectedSession {
  role: RoleRecord;
  sessionName: string;
  subject: string;
  audience: string;
  provider: string;
}

/** Asserts a successful AssumeRoleWithWebIdentity response, one field per assertion. */
function expectSession(response: QueryResponse & { code?: string }, expected: ExpectedSession): void {
  expect(response.code).toBeUndefined();
  expect(response.statusCode).toBe(200);
  expect(element(response.body, "SubjectFromWebIdentityToken")).toBe(expected.subject);
  expect(element(response.body, "Audience")).toBe(expected.audience);
  expect(element(response.body, "Provider")).toBe(expected.provider);
  expect(element(response.body, "Arn")).toBe(`arn:aws:sts::${expected.role.accountId}:assumed-role/${expected.role.roleName}/${expected.sessionName}`);
  expect(element(response.body, "AssumedRoleId")).toBe(`${expected.role.roleId}:${expected.sessionName}`);
  expect(element(response.body, "AccessKeyId")).toMatch(/^ASIA/);
}

/** Asserts a rejection by the role's trust policy. */
function expectDenied(response: QueryResponse & { code?: string }): void {
  expect(response.code).toBe("AccessDenied");
  expect(response.statusCode).toBe(403);
  expect(element(response.body, "Message")).toBe("Not authorized to perform sts:AssumeRoleWithWebIdentity");
  expect(element(response.body, "AccessKeyId")).toBeUndefined();
}

/** Asserts a rejection of the token itself, whose message contains `messagePart`. */
function expectInvalidToken(response: QueryResponse & { code?: string }, messagePart: string): void {
  expect(response.code).toBe("InvalidIdentityToken");
  expect(response.statusCode).toBe(400);
  expect(element(response.body, "Message")).toContain(messagePart);
  expect(element(response.body, "AccessKeyId")).toBeUndefined();
}

/** Token lifetime claims: issued a minute before T0, valid for ten minutes. */
function lifetime(): { iat: number; nbf: number; exp: number } {
  return { iat: NOW - 60, nbf: NOW - 60, exp: NOW + 540 };
}

interface GitHubRun {
  repository: string;
  event: "push" | "pull_request" | "workflow_dispatch";
  ref: string;
  environment?: string;
  issuer?: string;
  audience?: string;
}

/**
 * Claims of a GitHub Actions OIDC token. The subject follows GitHub's default template: the
 * environment when the job has one, `pull_request` for pull request events, otherwise the ref.
 */
function githubClaims(run: GitHubRun): JWTPayload {
  const owner = run.repository.split("/")[0]!;
  let subject = `repo:${run.repository}:ref:${run.ref}`;
  if (run.event === "pull_request") subject = `repo:${run.repository}:pull_request`;
  if (run.environment !== undefined) subject = `repo:${run.repository}:environment:${run.environment}`;
  const workflowRef = `${run.repository}/.github/workflows/deploy.yml@${run.ref}`;
  return {
    jti: "0b5f5e0c-6f1e-4b7a-9d3e-2c8a1f4b6d71",
    sub: subject,
    aud: run.audience ?? "sts.amazonaws.com",
    ref: run.ref,
    sha: "4f9a1c3e7b2d8a6f0e5c1b9d7a3e2f8c6b4d0a12",
    repository: run.repository,
    repository_owner: owner,
    repository_owner_id: "81234567",
    repository_visibility: "private",
    repository_id: "612345678",
    run_id: "9876543210",
    run_number: "57",
    run_attempt: "1",
    actor: "octocat",
    actor_id: "583231",
    workflow: "Deploy",
    workflow_ref: workflowRef,
    workflow_sha: "4f9a1c3e7b2d8a6f0e5c1b9d7a3e2f8c6b4d0a12",
    job_workflow_ref: workflowRef,
    job_workflow_sha: "4f9a1c3e7b2d8a6f0e5c1b9d7a3e2f8c6b4d0a12",
    head_ref: run.event === "pull_request" ? "feature/faster-builds" : "",
    base_ref: run.event === "pull_request" ? "main" : "",
    event_name: run.event,
    ref_type: run.ref.startsWith("refs/tags/") ? "tag" : "branch",
    ref_protected: run.ref === "refs/heads/main" ? "true" : "false",
    runner_environment: "github-hosted",
    ...(run.environment === undefined ? {} : { environment: run.environment }),
    iss: run.issuer ?? GITHUB_ISSUER,
    ...lifetime(),
  };
}

interface GitLabJob {
  projectPath: string;
  refType: "branch" | "tag";
  ref: string;
  audience?: string;
}

/** Claims of a GitLab CI `id_tokens` token, with GitLab's subject `project_path:...:ref_type:...:ref:...`. */
function gitlabClaims(job: GitLabJob): JWTPayload {
  const namespace = job.projectPath.slice(0, job.projectPath.lastIndexOf("/"));
  return {
    namespace_id: "72",
    namespace_path: namespace,
    project_id: "20",
    project_path: job.projectPath,
    user_id: "5",
    user_login: "deploy-bot",
    user_email: "deploy-bot@example.com",
    user_access_level: "maintainer",
    pipeline_id: "1212",
    pipeline_source: "push",
    job_id: "3434",
    ref: job.ref,
    ref_type: job.refType,
    ref_path: job.refType === "branch" ? `refs/heads/${job.ref}` : `refs/tags/${job.ref}`,
    ref_protected: "true",
    runner_id: "1",
    runner_environment: "gitlab-hosted",
    sha: "714a629c0b401fdce83e847fc9589983fc6f46bc",
    project_visibility: "private",
    ci_config_ref_uri: `gitlab.com/${job.projectPath}//.gitlab-ci.yml@refs/heads/main`,
    ci_config_sha: "714a629c0b401fdce83e847fc9589983fc6f46bc",
    jti: "235b3a54-b797-45c7-ae9a-f72d7bc6ef5b",
    iss: GITLAB_ISSUER,
    aud: job.audience ?? GITLAB_ISSUER,
    sub: `project_path:${job.projectPath}:ref_type:${job.refType}:ref:${job.ref}`,
    ...lifetime(),
  };
}

/** Claims of a Kubernetes projected service account token as EKS issues it for IAM roles for service accounts. */
function eksClaims(namespace: string, serviceAccount: string, audience: string[] = ["sts.amazonaws.com"]): JWTPayload {
  return {
    aud: audience,
    iss: EKS_ISSUER,
    sub: `system:serviceaccount:${namespace}:${serviceAccount}`,
    "kubernetes.io": {
      namespace,
      pod: { name: `${serviceAccount}-7d9f8c6b5-x2k4q`, uid: "0f3d2c1b-8a7e-4d6c-9b5a-1e2f3a4b5c6d" },
      serviceaccount: { name: serviceAccount, uid: "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d" },
      node: { name: "ip-192-168-12-34.ec2.internal", uid: "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b" },
    },
    ...lifetime(),
  };
}

/**
 * Claims of a Google ID token. A web sign-in names the web client in both `aud` and `azp`. An
 * Android sign-in names the Android client in `azp` and the web (server) client in `aud`.
 */
function googleClaims(options: { issuer: string; audience: string; authorizedParty: string }): JWTPayload {
  return {
    iss: options.issuer,
    azp: options.authorizedParty,
    aud: options.audience,
    sub: "110169484474386276334",
    email: "ana.lopez@example.com",
    email_verified: true,
    at_hash: "HK6E_P6Dh8Y93mRNtsDB1Q",
    name: "Ana Lopez",
    given_name: "Ana",
    family_name: "Lopez",
    locale: "en",
    ...lifetime(),
  };
}

/** Claims of a Cognito identity pool OpenID token, whose `amr` starts with `authenticated` or `unauthenticated`. */
function cognitoClaims(amr: string[], pool = COGNITO_POOL): JWTPayload {
  return {
    iss: COGNITO_ISSUER,
    aud: pool,
    sub: "us-east-1:c4a7e2d9-3b1f-4e6a-8d5c-9f0b2a7e1c36",
    amr,
    ...lifetime(),
  };
}

/** Claims of a Microsoft Entra ID v1.0 access token for a signed-in user. */
function entraV1Claims(options: { upn: string; subject: string; objectId: string }): JWTPayload {
  return {
    aud: ENTRA_V1_APP_URI,
    iss: ENTRA_V1_ISSUER,
    aio: "E2ZgYJj8dv3x4ZfB/6k7QpwA",
    amr: ["pwd", "mfa"],
    appid: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    appidacr: "0",
    family_name: "Lopez",
    given_name: "Ana",
    idp: ENTRA_V1_ISSUER,
    ipaddr: "203.0.113.10",
    name: "Ana Lopez",
    oid: options.objectId,
    scp: "user_impersonation",
    sub: options.subject,
    tid: TENANT,
    unique_name: options.upn,
    upn: options.upn,
    uti: "fqiBqXLPj0eQa82S-IYFAA",
    ver: "1.0",
    ...lifetime(),
  };
}

/** Claims of a Microsoft Entra ID v2.0 ID token issued to the application `audience`. */
function entraV2Claims(audience = ENTRA_V2_CLIENT_ID): JWTPayload {
  return {
    aud: audience,
    iss: ENTRA_V2_ISSUER,
    azp: audience,
    azpacr: "0",
    name: "Ana Lopez",
    oid: "00000000-0000-0000-66f3-3332eca7ea81",
    preferred_username: "ana.lopez@contoso.example",
    rh: "0.AXoA-example",
    scp: "openid profile",
    sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    tid: TENANT,
    uti: "Ljg5WdTC0EOE3v0j-xMkAA",
    ver: "2.0",
    ...lifetime(),
  };
}

describe("claims of real identity providers", () => {
  let harness: WebIdentityHarness;
  const keys: Record<string, SigningKey> = {};
  const providerArns: Record<string, string> = {};
  let roleCount = 0;

  const registerProvider = async (accountId: string, url: string, clientIds: string[]): Promise<string> => {
    const record = await (await harness.service.store.oidcProviders()).createOidcProvider(
      accountId,
      { url, urlWithoutScheme: withoutScheme(url), clientIds, thumbprints: [], tags: [] },
      T0,
    );
    return record.arn;
  };

  const createRole = (accountId: string, trustPolicy: string): Promise<RoleRecord> =>
    harness.service.store.createRole(
      accountId,
      { roleName: `federated-${++roleCount}`, path: "/", trustPolicy, trustPrincipalIds: {}, maxSessionDuration: 3600, tags: [] },
      T0,
    );

  const assume = (role: RoleRecord, token: string, sessionName = "provider-claims") =>
    harness.assume({ RoleArn: role.arn, RoleSessionName: sessionName, WebIdentityToken: token }, T0);

  beforeAll(async () => {
    harness = await startWebIdentityHarness(T0);
    await harness.service.store.ensureAccount(ACCOUNT, T0);
    await harness.service.store.ensureAccount(ENTRA_ACCOUNT, T0);

    // Each provider signs with its own key, published where discovery of its issuer would find it.
    // GitHub's enterprise issuer serves the same key set as the public one.
    keys.github = await newSigningKey("RS256");
    keys.gitlab = await newSigningKey("RS256");
    keys.eks = await newSigningKey("RS256");
    keys.google = await newSigningKey("RS256");
    keys.cognito = await newSigningKey("RS512", "us-east-1-4");
    keys.entra = await newSigningKey("RS256");
    harness.keys.publish(GITHUB_ISSUER, { keys: [keys.github.publicJwk] });
    harness.keys.publish(GITHUB_ENTERPRISE_ISSUER, { keys: [keys.github.publicJwk] });
    harness.keys.publish(GITLAB_ISSUER, { keys: [keys.gitlab.publicJwk] });
    harness.keys.publish(EKS_ISSUER, { keys: [keys.eks.publicJwk] });
    harness.keys.publish(GOOGLE_ISSUER, { keys: [keys.google.publicJwk] });
    harness.keys.publish(COGNITO_ISSUER, { keys: [keys.cognito.publicJwk] });
    // Entra ID's key set entries carry no alg, but an x5t thumbprint and the v2.0 issuer of the tenant.
    const { alg: _entraAlg, ...entraJwk } = keys.entra.publicJwk;
    const entraKeySet = { keys: [{ ...entraJwk, x5t: keys.entra.kid, issuer: ENTRA_V2_ISSUER }] };
    harness.keys.publish(ENTRA_V1_ISSUER, entraKeySet);
    harness.keys.publish(ENTRA_V2_ISSUER, entraKeySet);

    providerArns.github = await registerProvider(ACCOUNT, GITHUB_ISSUER, ["sts.amazonaws.com"]);
    providerArns.githubEnterprise = await registerProvider(ACCOUNT, GITHUB_ENTERPRISE_ISSUER, ["sts.amazonaws.com"]);
    providerArns.gitlab = await registerProvider(ACCOUNT, GITLAB_ISSUER, [GITLAB_ISSUER]);
    providerArns.eks = await registerProvider(ACCOUNT, EKS_ISSUER, ["sts.amazonaws.com"]);
    providerArns.entraV1 = await registerProvider(ACCOUNT, ENTRA_V1_ISSUER, [ENTRA_V1_APP_URI]);
    providerArns.entraV2 = await registerProvider(ENTRA_ACCOUNT, ENTRA_V2_ISSUER, [ENTRA_V2_CLIENT_ID]);
    providerArns.entraV1NoSlash = await registerProvider(ENTRA_ACCOUNT, ENTRA_V1_ISSUER.slice(0, -1), [ENTRA_V1_APP_URI]);
  });
  afterAll(async () => {
    await harness?.close();
  });

  describe("GitHub Actions", () => {
    const prefix = withoutScheme(GITHUB_ISSUER);
    const repository = "octo-org/octo-repo";
    let anyRef: RoleRecord;
    let mainOnly: RoleRecord;

    beforeAll(async () => {
      // The usual trust policy for GitHub Actions tests the STS audience and a subject pattern per repository.
      anyRef = await createRole(
        ACCOUNT,
        webIdentityTrust(providerArns.github!, {
          StringEquals: { [`${prefix}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${prefix}:sub`]: `repo:${repository}:*` },
        }),
      );
      mainOnly = await createRole(
        ACCOUNT,
        webIdentityTrust(providerArns.github!, {
          StringEquals: { [`${prefix}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${prefix}:sub`]: `repo:${repository}:ref:refs/heads/main` },
        }),
      );
    });

    const runs: Array<[string, GitHubRun, string]> = [
      ["branch", { repository, event: "push", ref: "refs/heads/main" }, `repo:${repository}:ref:refs/heads/main`],
      ["tag", { repository, event: "push", ref: "refs/tags/v1.2.3" }, `repo:${repository}:ref:refs/tags/v1.2.3`],
      ["environment", { repository, event: "workflow_dispatch", ref: "refs/heads/main", environment: "prod" }, `repo:${repository}:environment:prod`],
      ["pull_request", { repository, event: "pull_request", ref: "refs/pull/42/merge" }, `repo:${repository}:pull_request`],
    ];
    for (const [form, run, subject] of runs) {
      it(`accepts ${form} subject`, async () => {
        // GitHub's tokens carry an x5t thumbprint header next to kid.
        const token = await signToken(keys.github!, githubClaims(run), { x5t: "ykRSCb7Mk3XnBd7a0J2rREuX9tE" });
        const response = await assume(anyRef, token, "github-deploy");
        expectSession(response, { role: anyRef, sessionName: "github-deploy", subject, audience: "sts.amazonaws.com", provider: providerArns.github! });
      });
    }

    it("accepts main on main-only role", async () => {
      const token = await signToken(keys.github!, githubClaims({ repository, event: "push", ref: "refs/heads/main" }));
      const response = await assume(mainOnly, token);
      expectSession(response, {
        role: mainOnly,
        sessionName: "provider-claims",
        subject: `repo:${repository}:ref:refs/heads/main`,
        audience: "sts.amazonaws.com",
        provider: providerArns.github!,
      });
    });

    it("rejects other branch on main-only role", async () => {
      const token = await signToken(keys.github!, githubClaims({ repository, event: "push", ref: "refs/heads/feature/faster-builds" }));
      expectDenied(await assume(mainOnly, token));
    });

    it("rejects pull request on main-only role", async () => {
      const token = await signToken(keys.github!, githubClaims({ repository, event: "pull_request", ref: "refs/pull/42/merge" }));
      expectDenied(await assume(mainOnly, token));
    });

    it("rejects a fork's repository", async () => {
      const token = await signToken(keys.github!, githubClaims({ repository: "octo-fork/octo-repo", event: "push", ref: "refs/heads/main" }));
      expectDenied(await assume(anyRef, token));
    });

    it("rejects a repository sharing the prefix", async () => {
      // `repo:octo-org/octo-repo:*` must not match `octo-repo-tools`: the colon ends the name.
      const token = await signToken(keys.github!, githubClaims({ repository: "octo-org/octo-repo-tools", event: "push", ref: "refs/heads/main" }));
      expectDenied(await assume(anyRef, token));
    });

    it("rejects GitHub's default audience", async () => {
      // Without `audience:` in the workflow, GitHub sets aud to the repository owner's URL, which is no client id here.
      const token = await signToken(
        keys.github!,
        githubClaims({ repository, event: "push", ref: "refs/heads/main", audience: "https://github.com/octo-org" }),
      );
      expectInvalidToken(await assume(anyRef, token), 'Incorrect token audience: "https://github.com/octo-org"');
    });

    describe("enterprise issuer", () => {
      const enterprisePrefix = withoutScheme(GITHUB_ENTERPRISE_ISSUER);
      let enterpriseRole: RoleRecord;
      let plainKeysRole: RoleRecord;

      beforeAll(async () => {
        enterpriseRole = await createRole(
          ACCOUNT,
          webIdentityTrust(providerArns.githubEnterprise!, {
            StringEquals: { [`${enterprisePrefix}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${enterprisePrefix}:sub`]: `repo:${repository}:*` },
          }),
        );
        // Names the enterprise provider but tests the condition keys of the public issuer.
        plainKeysRole = await createRole(
          ACCOUNT,
          webIdentityTrust(providerArns.githubEnterprise!, { StringLike: { [`${prefix}:sub`]: `repo:${repository}:*` } }),
        );
      });

      it("accepts token from enterprise issuer", async () => {
        const claims = githubClaims({ repository, event: "push", ref: "refs/heads/main", issuer: GITHUB_ENTERPRISE_ISSUER });
        const response = await assume(enterpriseRole, await signToken(keys.github!, claims));
        expectSession(response, {
          role: enterpriseRole,
          sessionName: "provider-claims",
          subject: `repo:${repository}:ref:refs/heads/main`,
          audience: "sts.amazonaws.com",
          provider: providerArns.githubEnterprise!,
        });
        expect(providerArns.githubEnterprise).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com/my-enterprise`);
      });

      it("prefixes keys with the path", async () => {
        const claims = githubClaims({ repository, event: "push", ref: "refs/heads/main", issuer: GITHUB_ENTERPRISE_ISSUER });
        expectDenied(await assume(plainKeysRole, await signToken(keys.github!, claims)));
      });

      it("rejects public issuer on enterprise role", async () => {
        const token = await signToken(keys.github!, githubClaims({ repository, event: "push", ref: "refs/heads/main" }));
        expectDenied(await assume(enterpriseRole, token));
      });

      it("rejects enterprise issuer on public role", async () => {
        const claims = githubClaims({ repository, event: "push", ref: "refs/heads/main", issuer: GITHUB_ENTERPRISE_ISSUER });
        expectDenied(await assume(anyRef, await signToken(keys.github!, claims)));
      });
    });
  });

  describe("GitLab CI", () => {
    const prefix = withoutScheme(GITLAB_ISSUER);
    let role: RoleRecord;

    beforeAll(async () => {
      role = await createRole(
        ACCOUNT,
        webIdentityTrust(providerArns.gitlab!, { StringLike: { [`${prefix}:sub`]: "project_path:mygroup/*:ref_type:branch:ref:main" } }),
      );
    });

    it("accepts main branch of project", async () => {
      const token = await signToken(keys.gitlab!, gitlabClaims({ projectPath: "mygroup/myproject", refType: "branch", ref: "main" }));
      const response = await assume(role, token, "gitlab-job-3434");
      expectSession(response, {
        role,
        sessionName: "gitlab-job-3434",
        subject: "project_path:mygroup/myproject:ref_type:branch:ref:main",
        audience: GITLAB_ISSUER,
        provider: providerArns.gitlab!,
      });
      expect(providerArns.gitlab).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/gitlab.com`);
    });

    it("rejects another branch", async () => {
      const token = await signToken(keys.gitlab!, gitlabClaims({ projectPath: "mygroup/myproject", refType: "branch", ref: "feature-x" }));
      expectDenied(await assume(role, token));
    });

    it("rejects a tag named main", async () => {
      const token = await signToken(keys.gitlab!, gitlabClaims({ projectPath: "mygroup/myproject", refType: "tag", ref: "main" }));
      expectDenied(await assume(role, token));
    });

    it("rejects another group's project", async () => {
      const token = await signToken(keys.gitlab!, gitlabClaims({ projectPath: "othergroup/myproject", refType: "branch", ref: "main" }));
      expectDenied(await assume(role, token));
    });

    it("rejects unregistered audience", async () => {
      const claims = gitlabClaims({ projectPath: "mygroup/myproject", refType: "branch", ref: "main", audience: "sts.amazonaws.com" });
      expectInvalidToken(await assume(role, await signToken(keys.gitlab!, claims)), 'Incorrect token audience: "sts.amazonaws.com"');
    });
  });

  describe("EKS service accounts", () => {
    const prefix = withoutScheme(EKS_ISSUER);
    let role: RoleRecord;

    beforeAll(async () => {
      role = await createRole(
        ACCOUNT,
        webIdentityTrust(providerArns.eks!, {
          StringEquals: { [`${prefix}:sub`]: "system:serviceaccount:payments:s3-reader", [`${prefix}:aud`]: "sts.amazonaws.com" },
        }),
      );
    });

    it("accepts the trusted service account", async () => {
      const response = await assume(role, await signToken(keys.eks!, eksClaims("payments", "s3-reader")), "botocore-session-1772359200");
      expectSession(response, {
        role,
        sessionName: "botocore-session-1772359200",
        subject: "system:serviceaccount:payments:s3-reader",
        audience: "sts.amazonaws.com",
        provider: providerArns.eks!,
      });
    });

    it("rejects another service account", async () => {
      expectDenied(await assume(role, await signToken(keys.eks!, eksClaims("payments", "default"))));
    });

    it("rejects same name, other namespace", async () => {
      expectDenied(await assume(role, await signToken(keys.eks!, eksClaims("staging", "s3-reader"))));
    });

    it("rejects API server audience", async () => {
      // The default projected token is meant for the Kubernetes API server, not for STS.
      const token = await signToken(keys.eks!, eksClaims("payments", "s3-reader", ["https://kubernetes.default.svc"]));
      expectInvalidToken(await assume(role, token), 'Incorrect token audience: "https://kubernetes.default.svc"');
    });

    it("issues credentials GetCallerIdentity accepts", async () => {
      const response = await assume(role, await signToken(keys.eks!, eksClaims("payments", "s3-reader")), "pod-session");
      expect(response.statusCode).toBe(200);
      const credentials: Credentials = {
        accessKeyId: element(response.body, "AccessKeyId")!,
        secretAccessKey: element(response.body, "SecretAccessKey")!,
        sessionToken: element(response.body, "SessionToken")!,
      };
      const at = new Date(T0.getTime() + 60_000);
      const view = await signedView(credentials, { Action: "GetCallerIdentity", Version: "2011-06-15" }, at);
      const identity = await handleQueryRequest(STS_SERVICE, view, CLIENT, { ...harness.service, oidcKeys: harness.keys }, at);
      expect(identity.statusCode).toBe(200);
      expect(element(identity.body, "Arn")).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${role.roleName}/pod-session`);
      expect(element(identity.body, "UserId")).toBe(`${role.roleId}:pod-session`);
      expect(element(identity.body, "Account")).toBe(ACCOUNT);
    });
  });

  describe("Google", () => {
    const webToken = (issuer: string) =>
      signToken(keys.google!, googleClaims({ issuer, audience: GOOGLE_WEB_CLIENT, authorizedParty: GOOGLE_WEB_CLIENT }));
    const androidToken = () =>
      signToken(keys.google!, googleClaims({ issuer: GOOGLE_ISSUER, audience: GOOGLE_WEB_CLIENT, authorizedParty: GOOGLE_ANDROID_CLIENT }));
    let webRole: RoleRecord;
    let androidRole: RoleRecord;

    beforeAll(async () => {
      // Google needs no IAM provider: trust policies name the built-in `accounts.google.com`.
      webRole = await createRole(ACCOUNT, webIdentityTrust("accounts.google.com", { StringEquals: { "accounts.google.com:aud": GOOGLE_WEB_CLIENT } }));
      androidRole = await createRole(
        ACCOUNT,
        webIdentityTrust("accounts.google.com", {
          StringEquals: { "accounts.google.com:aud": GOOGLE_ANDROID_CLIENT, "accounts.google.com:oaud": GOOGLE_WEB_CLIENT },
        }),
      );
    });

    for (const issuer of [GOOGLE_ISSUER, "accounts.google.com"]) {
      it(`accepts web sign-in from ${issuer}`, async () => {
        const response = await assume(webRole, await webToken(issuer), "ana");
        expectSession(response, {
          role: webRole,
          sessionName: "ana",
          subject: "110169484474386276334",
          audience: GOOGLE_WEB_CLIENT,
          provider: "accounts.google.com",
        });
      });
    }

    it("matches Android azp as aud", async () => {
      // For Google, `accounts.google.com:aud` is the requesting app (azp) and `:oaud` is the token's aud.
      const response = await assume(androidRole, await androidToken(), "ana");
      expectSession(response, {
        role: androidRole,
        sessionName: "ana",
        subject: "110169484474386276334",
        audience: GOOGLE_ANDROID_CLIENT,
        provider: "accounts.google.com",
      });
    });

    it("rejects Android token on web role", async () => {
      expectDenied(await assume(webRole, await androidToken()));
    });

    it("rejects token for another app", async () => {
      const otherApp = "918273645501-zz9yy8xx7ww6vv5uexample.apps.googleusercontent.com";
      const token = await signToken(keys.google!, googleClaims({ issuer: GOOGLE_ISSUER, audience: otherApp, authorizedParty: otherApp }));
      expectDenied(await assume(webRole, token));
    });

    it("rejects Google on GitHub-only role", async () => {
      const githubRole = await createRole(
        ACCOUNT,
        webIdentityTrust(providerArns.github!, { StringEquals: { [`${withoutScheme(GITHUB_ISSUER)}:aud`]: "sts.amazonaws.com" } }),
      );
      expectDenied(await assume(githubRole, await webToken(GOOGLE_ISSUER)));
    });
  });

  describe("Microsoft Entra ID", () => {
    const v1Prefix = withoutScheme(ENTRA_V1_ISSUER);
    const v2Prefix = withoutScheme(ENTRA_V2_ISSUER);
    const ana = { upn: "ana.lopez@contoso.example", subject: "l3_roISQU222bULS9yi2k0XpqpOiMz5H3ZACo1GeXA", objectId: "9f4880d8-80ba-4c40-97bc-f7a23c703084" };
    let v1Role: RoleRecord;
    let v1RoleNoSlash: RoleRecord;
    let v2Role: RoleRecord;

    beforeAll(async () => {
      const v1Trust = (providerArn: string) =>
        webIdentityTrust(providerArn, { StringEquals: { [`${v1Prefix}:aud`]: ENTRA_V1_APP_URI, [`${v1Prefix}:sub`]: ana.subject } });
      v1Role = await createRole(ACCOUNT, v1Trust(providerArns.entraV1!));
      v1RoleNoSlash = await createRole(ENTRA_ACCOUNT, v1Trust(providerArns.entraV1NoSlash!));
      v2Role = await createRole(
        ENTRA_ACCOUNT,
        webIdentityTrust(providerArns.entraV2!, {
          StringEquals: { [`${v2Prefix}:aud`]: ENTRA_V2_CLIENT_ID, [`${v2Prefix}:sub`]: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ" },
        }),
      );
    });

    it("accepts v1 token with trailing slash", async () => {
      expect(v1Prefix).toBe(`sts.windows.net/${TENANT}/`);
      const response = await assume(v1Role, await signToken(keys.entra!, entraV1Claims(ana)), "ana.lopez");
      expectSession(response, {
        role: v1Role,
        sessionName: "ana.lopez",
        subject: ana.subject,
        audience: ENTRA_V1_APP_URI,
        provider: `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/${TENANT}/`,
      });
    });

    it("rejects another v1 user", async () => {
      const bob = { upn: "bob@contoso.example", subject: "Kx0Ue8cO2m2D1nWvPq8cY6gq3bJr7vHhT0sA5eZ1yLk", objectId: "2b7c9e1f-4d6a-4f3b-8c5e-7a9d1b3f5e20" };
      expectDenied(await assume(v1Role, await signToken(keys.entra!, entraV1Claims(bob))));
    });

    it("rejects v1 registered without slash", async () => {
      const response = await assume(v1RoleNoSlash, await signToken(keys.entra!, entraV1Claims(ana)));
      expectInvalidToken(response, `No OpenIDConnect provider found in your account for ${ENTRA_V1_ISSUER}`);
    });

    it("accepts v2 token", async () => {
      const response = await assume(v2Role, await signToken(keys.entra!, entraV2Claims()), "ana.lopez");
      expectSession(response, {
        role: v2Role,
        sessionName: "ana.lopez",
        subject: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        audience: ENTRA_V2_CLIENT_ID,
        provider: providerArns.entraV2!,
      });
    });

    it("rejects v2 token for another app", async () => {
      const token = await signToken(keys.entra!, entraV2Claims("0c8e5d2a-7f41-4b96-a3d0-e2b9c6f71a58"));
      expectInvalidToken(await assume(v2Role, token), 'Incorrect token audience: "0c8e5d2a-7f41-4b96-a3d0-e2b9c6f71a58"');
    });

    it("rejects v2 token on v1 registration", async () => {
      // The main account registers only the v1 issuer of the same tenant.
      const response = await assume(v1Role, await signToken(keys.entra!, entraV2Claims()));
      expectInvalidToken(response, "No OpenIDConnect provider found in your account for https://login.microsoftonline.com/");
    });
  });

  describe("Cognito identity pools", () => {
    let role: RoleRecord;

    beforeAll(async () => {
      // The usual trust policy of a pool's authenticated role tests the pool id and the `authenticated` amr value.
      role = await createRole(
        ACCOUNT,
        webIdentityTrust("cognito-identity.amazonaws.com", {
          StringEquals: { "cognito-identity.amazonaws.com:aud": COGNITO_POOL },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        }),
      );
    });

    it("accepts an authenticated identity", async () => {
      const token = await signToken(keys.cognito!, cognitoClaims(["authenticated", "graph.facebook.com", "graph.facebook.com:10157283940123456"]));
      const response = await assume(role, token, "CognitoIdentityCredentials");
      expectSession(response, {
        role,
        sessionName: "CognitoIdentityCredentials",
        subject: "us-east-1:c4a7e2d9-3b1f-4e6a-8d5c-9f0b2a7e1c36",
        audience: COGNITO_POOL,
        provider: "cognito-identity.amazonaws.com",
      });
    });

    it("rejects an unauthenticated identity", async () => {
      expectDenied(await assume(role, await signToken(keys.cognito!, cognitoClaims(["unauthenticated"]))));
    });

    it("rejects another identity pool", async () => {
      const token = await signToken(keys.cognito!, cognitoClaims(["authenticated"], "us-east-1:0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"));
      expectDenied(await assume(role, token));
    });
  });
});
