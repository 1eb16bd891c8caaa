import { createHash } from "node:crypto";
import { CreatePolicyCommand, CreateRoleCommand, CreateSAMLProviderCommand, type IAMClient, PutRolePolicyCommand, TagSAMLProviderCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, boto3, cliErrorCode, type Credentials } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { AWS_SAML_ENDPOINT, createTestSamlIdp, generateCertificate, type TestSamlIdp } from "../support/saml-idp.js";
import { DEMO_ROOT, iamClient } from "../support/sdk.js";

const ANONYMOUS: Credentials = { accessKeyId: "", secretAccessKey: "" };
const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
const SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";

/** Builds a trust policy that lets the SAML provider assume the role, as AWS's console creates it. */
function samlTrust(providerArn: string, actions: string[] = ["sts:AssumeRoleWithSAML"], conditions: Record<string, string> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: actions,
        Condition: { StringEquals: { "SAML:aud": AWS_SAML_ENDPOINT, ...conditions } },
      },
    ],
  });
}

describe("AssumeRoleWithSAML with samlify as the identity provider", () => {
  let host: RunningHost;
  let iam: IAMClient;
  let adfs: TestSamlIdp;
  let okta: TestSamlIdp;
  let adfsArn: string;
  let oktaArn: string;
  let roleCount = 0;

  const createRole = async (trust: string, policy?: string): Promise<string> => {
    const roleName = `saml-${++roleCount}`;
    const role = await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trust }));
    if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: "inline", PolicyDocument: policy }));
    return role.Role!.Arn!;
  };
  const assertion = (idp: TestSamlIdp, roleArn: string, providerArn: string, extra: Record<string, string[]> = {}) =>
    idp.respond({
      nameId: "alice@example.com",
      nameIdFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
      attributes: { [ROLE_ATTRIBUTE]: [`${roleArn},${providerArn}`], [SESSION_NAME_ATTRIBUTE]: ["alice"], ...extra },
    });
  const cliAssume = (roleArn: string, providerArn: string, encoded: string) =>
    awsCli(host.url, ANONYMOUS, ["sts", "assume-role-with-saml", "--role-arn", roleArn, "--principal-arn", providerArn, "--saml-assertion", encoded]);

  beforeAll(async () => {
    host = await startHost({ OPEN_STS_UNSIGNED_RATE_PER_SECOND: "0" });
    iam = iamClient(host.url, DEMO_ROOT);
    adfs = createTestSamlIdp({ entityId: "http://adfs.example.com/adfs/services/trust", signing: "assertion" });
    okta = createTestSamlIdp({ entityId: "http://www.okta.com/exk1example", signing: "both" });
    adfsArn = (await iam.send(new CreateSAMLProviderCommand({ Name: "adfs", SAMLMetadataDocument: adfs.metadata }))).SAMLProviderArn!;
    oktaArn = (await iam.send(new CreateSAMLProviderCommand({ Name: "okta", SAMLMetadataDocument: okta.metadata }))).SAMLProviderArn!;
  });
  afterAll(async () => {
    iam?.destroy();
    await host?.stop();
  });

  it("issues working credentials to the AWS CLI", async () => {
    const roleArn = await createRole(samlTrust(adfsArn));
    const result = await cliAssume(roleArn, adfsArn, await assertion(adfs, roleArn, adfsArn));
    expect(result.stderr).toBe("");
    const response = result.json;
    expect(response.Subject).toBe("alice@example.com");
    expect(response.SubjectType).toBe("urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress");
    expect(response.Issuer).toBe(adfs.entityId);
    expect(response.Audience).toBe(AWS_SAML_ENDPOINT);
    expect(response.NameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(response.AssumedRoleUser.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/saml-${roleCount}/alice`);

    const credentials = {
      accessKeyId: response.Credentials.AccessKeyId,
      secretAccessKey: response.Credentials.SecretAccessKey,
      sessionToken: response.Credentials.SessionToken,
    };
    const identity = await awsCli(host.url, credentials, ["sts", "get-caller-identity"]);
    expect(identity.json.Arn).toBe(response.AssumedRoleUser.Arn);
  });

  it("serves boto3 with a doubly signed response", async () => {
    const roleArn = await createRole(samlTrust(oktaArn));
    const encoded = await assertion(okta, roleArn, oktaArn);
    const result = await boto3(
      host.url,
      ANONYMOUS,
      [
        "import boto3, json, os",
        "from botocore import UNSIGNED",
        "from botocore.config import Config",
        "sts = boto3.client('sts', endpoint_url=os.environ['ENDPOINT'], config=Config(signature_version=UNSIGNED))",
        `r = sts.assume_role_with_saml(RoleArn='${roleArn}', PrincipalArn='${oktaArn}', SAMLAssertion='${encoded}')`,
        "print(json.dumps({'Arn': r['AssumedRoleUser']['Arn'], 'Issuer': r['Issuer']}))",
      ].join("\n"),
    );
    expect(result.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/saml-${roleCount}/alice`);
    expect(result.Issuer).toBe(okta.entityId);
  });

  it("accepts response-only signing when the provider opts in", async () => {
    // Keycloak can sign only the Response and encrypt the assertion inside it.
    const decryption = generateCertificate("open-sts-keycloak-sp");
    const signsResponse = createTestSamlIdp({
      entityId: "https://keycloak.example.com/realms/corp",
      signing: "response",
      encryptTo: decryption.certificate,
    });
    const arn = (
      await iam.send(
        new CreateSAMLProviderCommand({ Name: "keycloak", SAMLMetadataDocument: signsResponse.metadata, AddPrivateKey: decryption.privateKey }),
      )
    ).SAMLProviderArn!;
    const roleArn = await createRole(samlTrust(arn));
    const rejected = await cliAssume(roleArn, arn, await assertion(signsResponse, roleArn, arn));
    expect(cliErrorCode(rejected)).toBe("InvalidIdentityToken");
    expect(rejected.stderr).toContain("does not accept a signature on the Response alone");

    await iam.send(new TagSAMLProviderCommand({ SAMLProviderArn: arn, Tags: [{ Key: "open-sts:AllowResponseOnlySigning", Value: "true" }] }));
    const accepted = await cliAssume(roleArn, arn, await assertion(signsResponse, roleArn, arn));
    expect(accepted.exitCode).toBe(0);
    expect(accepted.json.Issuer).toBe(signsResponse.entityId);
  });

  it("decrypts encrypted assertions with the provider's key", async () => {
    const decryption = generateCertificate("open-sts-sp");
    const shibboleth = createTestSamlIdp({ entityId: "https://idp.example.edu/idp/shibboleth", signing: "assertion", encryptTo: decryption.certificate });
    const plain = createTestSamlIdp({ entityId: shibboleth.entityId, signing: "assertion", keys: shibboleth.keys });
    const arn = (
      await iam.send(
        new CreateSAMLProviderCommand({
          Name: "shibboleth",
          SAMLMetadataDocument: shibboleth.metadata,
          AddPrivateKey: decryption.privateKey,
          AssertionEncryptionMode: "Required",
        }),
      )
    ).SAMLProviderArn!;
    const roleArn = await createRole(samlTrust(arn));
    const encrypted = await assertion(shibboleth, roleArn, arn);
    expect(Buffer.from(encrypted, "base64").toString("utf8")).toContain("EncryptedAssertion");
    const accepted = await cliAssume(roleArn, arn, encrypted);
    expect(accepted.stderr).toBe("");
    expect(accepted.json.Subject).toBe("alice@example.com");

    // The provider requires encryption, so the same IdP's plaintext assertion is rejected.
    const rejected = await cliAssume(roleArn, arn, await assertion(plain, roleArn, arn));
    expect(cliErrorCode(rejected)).toBe("InvalidIdentityToken");
    expect(rejected.stderr).toContain("requires encrypted assertions");
  });

  it("maps Entra ID claims to saml keys", async () => {
    const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const entra = createTestSamlIdp({ entityId: `https://sts.windows.net/${tenant}/`, signing: "assertion" });
    const arn = (await iam.send(new CreateSAMLProviderCommand({ Name: "entra", SAMLMetadataDocument: entra.metadata }))).SAMLProviderArn!;
    const mailClaim = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
    const trust = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: arn },
          Action: "sts:AssumeRoleWithSAML",
          Condition: {
            StringEquals: { "SAML:aud": AWS_SAML_ENDPOINT, "saml:iss": entra.entityId, "saml:doc": "000000000000/entra" },
            "ForAnyValue:StringEquals": { "saml:mail": "alice@contoso.com" },
          },
        },
      ],
    });
    const roleArn = await createRole(trust);
    const respond = (mail: string) =>
      entra.respond({
        nameId: "AAAAAAAAAAAAAAAAAAAAAF0yq3lmZQbUt9KXbNoFUk8",
        attributes: { [ROLE_ATTRIBUTE]: [`${roleArn},${arn}`], [SESSION_NAME_ATTRIBUTE]: [mail], [mailClaim]: [mail] },
      });
    const accepted = await cliAssume(roleArn, arn, await respond("alice@contoso.com"));
    expect(accepted.json.SubjectType).toBe("persistent");
    const qualifier = createHash("sha1").update(`${entra.entityId}000000000000/entra`).digest("base64");
    expect(accepted.json.NameQualifier).toBe(qualifier);
    expect(cliErrorCode(await cliAssume(roleArn, arn, await respond("mallory@contoso.com")))).toBe("AccessDenied");
  });

  it("shortens the session to the assertion's limits", async () => {
    const roleArn = await createRole(samlTrust(adfsArn));
    const now = Date.now();
    const viaAttribute = await cliAssume(
      roleArn,
      adfsArn,
      await assertion(adfs, roleArn, adfsArn, { "https://aws.amazon.com/SAML/Attributes/SessionDuration": ["1200"] }),
    );
    const attributeLifetime = Date.parse(viaAttribute.json.Credentials.Expiration) - now;
    expect(attributeLifetime).toBeGreaterThan(1_100_000);
    expect(attributeLifetime).toBeLessThanOrEqual(1_201_000);

    const sessionEnd = new Date(now + 1000_000);
    const capped = await cliAssume(
      roleArn,
      adfsArn,
      await adfs.respond({
        nameId: "alice@example.com",
        attributes: { [ROLE_ATTRIBUTE]: [`${roleArn},${adfsArn}`], [SESSION_NAME_ATTRIBUTE]: ["alice"] },
        sessionNotOnOrAfter: sessionEnd,
      }),
    );
    expect(Date.parse(capped.json.Credentials.Expiration)).toBeLessThanOrEqual(sessionEnd.getTime());
    expect(Date.parse(capped.json.Credentials.Expiration)).toBeGreaterThan(sessionEnd.getTime() - 10_000);
  });

  it("sets the source identity when trusted to", async () => {
    const sourceIdentity = { "https://aws.amazon.com/SAML/Attributes/SourceIdentity": ["alice"] };
    const without = await createRole(samlTrust(adfsArn));
    expect(cliErrorCode(await cliAssume(without, adfsArn, await assertion(adfs, without, adfsArn, sourceIdentity)))).toBe("AccessDenied");
    const roleArn = await createRole(samlTrust(adfsArn, ["sts:AssumeRoleWithSAML", "sts:SetSourceIdentity"]));
    const result = await cliAssume(roleArn, adfsArn, await assertion(adfs, roleArn, adfsArn, sourceIdentity));
    expect(result.json.SourceIdentity).toBe("alice");
  });

  it("accepts each assertion once", async () => {
    const roleArn = await createRole(samlTrust(adfsArn));
    const encoded = await assertion(adfs, roleArn, adfsArn);
    expect((await cliAssume(roleArn, adfsArn, encoded)).exitCode).toBe(0);
    const replay = await cliAssume(roleArn, adfsArn, encoded);
    expect(cliErrorCode(replay)).toBe("InvalidIdentityToken");
    expect(replay.stderr).toContain("has been used before");
  });

  it("issues one session for 100 concurrent replays", async () => {
    const roleArn = await createRole(samlTrust(adfsArn));
    const encoded = await assertion(adfs, roleArn, adfsArn);
    const body = new URLSearchParams({
      Action: "AssumeRoleWithSAML",
      Version: "2011-06-15",
      RoleArn: roleArn,
      PrincipalArn: adfsArn,
      SAMLAssertion: encoded,
    }).toString();
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(host.url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }).then(async (response) => ({
          status: response.status,
          text: await response.text(),
        })),
      ),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    expect(responses.filter((response) => response.text.includes("<Code>InvalidIdentityToken</Code>"))).toHaveLength(99);
  });

  it("rejects a role the assertion does not list", async () => {
    const listed = await createRole(samlTrust(adfsArn));
    const other = await createRole(samlTrust(adfsArn));
    const result = await cliAssume(other, adfsArn, await assertion(adfs, listed, adfsArn));
    expect(cliErrorCode(result)).toBe("AccessDenied");
  });

  it("rejects an assertion of another provider", async () => {
    const roleArn = await createRole(samlTrust(adfsArn));
    const result = await cliAssume(roleArn, adfsArn, await assertion(okta, roleArn, adfsArn));
    expect(cliErrorCode(result)).toBe("InvalidIdentityToken");
  });

  it("applies trust conditions on saml keys", async () => {
    const roleArn = await createRole(samlTrust(adfsArn, ["sts:AssumeRoleWithSAML"], { "saml:sub": "bob@example.com" }));
    const result = await cliAssume(roleArn, adfsArn, await assertion(adfs, roleArn, adfsArn));
    expect(cliErrorCode(result)).toBe("AccessDenied");
  });

  it("applies managed session policies", async () => {
    const allIam = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "*" }] });
    const roleArn = await createRole(samlTrust(adfsArn), allIam);
    const listRoles = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:ListRoles", Resource: "*" }] });
    const managed = (await iam.send(new CreatePolicyCommand({ PolicyName: "saml-list-roles", PolicyDocument: listRoles }))).Policy!.Arn!;
    const result = await awsCli(host.url, ANONYMOUS, [
      "sts",
      "assume-role-with-saml",
      "--role-arn",
      roleArn,
      "--principal-arn",
      adfsArn,
      "--saml-assertion",
      await assertion(adfs, roleArn, adfsArn),
      "--policy-arns",
      `arn=${managed}`,
    ]);
    const session = {
      accessKeyId: result.json.Credentials.AccessKeyId,
      secretAccessKey: result.json.Credentials.SecretAccessKey,
      sessionToken: result.json.Credentials.SessionToken,
    };
    expect((await awsCli(host.url, session, ["iam", "list-roles"])).exitCode).toBe(0);
    expect(cliErrorCode(await awsCli(host.url, session, ["iam", "list-users"]))).toBe("AccessDenied");
  });

  it("carries principal tags into the session", async () => {
    const readRoles = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "iam:ListRoles", Resource: "*", Condition: { StringEquals: { "aws:PrincipalTag/Department": "Finance" } } }],
    });
    const untagged = await createRole(samlTrust(adfsArn), readRoles);
    const tags = { "https://aws.amazon.com/SAML/Attributes/PrincipalTag:Department": ["Finance"] };
    expect(cliErrorCode(await cliAssume(untagged, adfsArn, await assertion(adfs, untagged, adfsArn, tags)))).toBe("AccessDenied");

    const roleArn = await createRole(samlTrust(adfsArn, ["sts:AssumeRoleWithSAML", "sts:TagSession"]), readRoles);
    const result = await cliAssume(roleArn, adfsArn, await assertion(adfs, roleArn, adfsArn, tags));
    expect(result.json.PackedPolicySize).toBeGreaterThan(0);
    const session = {
      accessKeyId: result.json.Credentials.AccessKeyId,
      secretAccessKey: result.json.Credentials.SecretAccessKey,
      sessionToken: result.json.Credentials.SessionToken,
    };
    expect((await awsCli(host.url, session, ["iam", "list-roles"])).exitCode).toBe(0);
  });
});
