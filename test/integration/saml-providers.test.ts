import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAccessKeyCommand,
  CreateSAMLProviderCommand,
  type CreateSAMLProviderCommandInput,
  CreateUserCommand,
  DeleteSAMLProviderCommand,
  GetSAMLProviderCommand,
  type IAMClient,
  ListSAMLProvidersCommand,
  ListSAMLProviderTagsCommand,
  PutUserPolicyCommand,
  UpdateSAMLProviderCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdpMetadata } from "../../shared/iam/saml-metadata.js";
import type { ServiceError } from "../../shared/protocol/errors.js";
import { accountPk, samlProviderSk } from "../../shared/store/keys.js";
import type { NewSamlProvider, SamlProviderStore } from "../../shared/store/saml-provider-store.js";
import { awsCli, type Credentials, cliErrorCode } from "../support/clients.js";
import { type InProcessService, startInProcessService } from "../support/in-process.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient } from "../support/sdk.js";

const PROVIDER_ARN = "arn:aws:iam::000000000000:saml-provider/";
const MD = "urn:oasis:names:tc:SAML:2.0:metadata";
const DS = "http://www.w3.org/2000/09/xmldsig#";
/** KeyIds and SAMLProviderUUIDs have the shape of the model's privateKeyIdType. */
const KEY_ID = /^[A-Z0-9]{22,64}$/;

const repeat = (count: number, make: (index: number) => string): string[] => Array.from({ length: count }, (_, index) => make(index));
const tagArgs = (count: number): string[] => repeat(count, (index) => `Key=key${index},Value=value${index}`);

/** Builds the metadata of an identity provider that signs with `certificatePems`. */
function metadataXml(certificatePems: readonly string[], options: { entityId?: string; validUntil?: string } = {}): string {
  const keyDescriptors = certificatePems.map((pem) => {
    const base64 = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    return `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${base64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
  });
  const validUntil = options.validUntil === undefined ? "" : ` validUntil="${options.validUntil}"`;
  return [
    `<md:EntityDescriptor xmlns:md="${MD}" xmlns:ds="${DS}" entityID="${options.entityId ?? "https://idp.example.com/saml"}"${validUntil}>`,
    `<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    ...keyDescriptors,
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/sso"/>`,
    `</md:IDPSSODescriptor>`,
    `</md:EntityDescriptor>`,
  ].join("\n");
}

/** Pads a document with a leading comment to exactly `bytes` bytes. */
function padTo(xml: string, bytes: number): string {
  const padded = `<!--${"x".repeat(bytes - xml.length - "<!---->".length)}-->${xml}`;
  if (Buffer.byteLength(padded) !== bytes) throw new Error(`padding produced ${Buffer.byteLength(padded)} bytes`);
  return padded;
}

/** Test keys and certificates, made with openssl in a temporary folder that is removed afterwards. */
class KeyMaterial {
  readonly folder = mkdtempSync(join(tmpdir(), "open-sts-saml-providers-"));
  private counter = 0;

  constructor() {
    const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: this.folder, stdio: "ignore" });
    for (const name of ["signing", "rollover"]) {
      openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", `/CN=${name}`);
    }
    for (const name of ["key1", "key2", "key3"]) openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", `${name}.pem`);
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", "short.pem");
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec.pem");
    openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-256-cbc", "-pass", "pass:secret", "-out", "encrypted.pem");

    // openssl 3.0's req cannot set past dates, so a one-off self-signing CA writes the expired certificate.
    writeFileSync(join(this.folder, "index.txt"), "");
    writeFileSync(join(this.folder, "serial"), "01\n");
    writeFileSync(
      join(this.folder, "ca.cnf"),
      ["[ca]", "default_ca = expired", "[expired]", `database = ${join(this.folder, "index.txt")}`, `new_certs_dir = ${this.folder}`,
        `serial = ${join(this.folder, "serial")}`, "default_md = sha256", "policy = any", "[any]", "commonName = supplied"].join("\n"),
    );
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "expired.key", "-out", "expired.csr", "-subj", "/CN=expired");
    openssl("ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "expired.key", "-in", "expired.csr", "-out", "expired.pem",
      "-startdate", "20200101000000Z", "-enddate", "20210101000000Z", "-notext");
  }

  read(name: string): string {
    return readFileSync(join(this.folder, name), "utf8");
  }

  /** Writes `content` to a new file and returns its `file://` URL, the form the AWS CLI reads parameters from. */
  file(content: string): string {
    const path = join(this.folder, `parameter-${this.counter++}.txt`);
    writeFileSync(path, content);
    return `file://${path}`;
  }

  remove(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}

// Each AWS CLI call starts a Python process, so the CLI runs only the action under test. Setup
// and read-back go through the JS SDK, and independent tests run concurrently.
describe.concurrent("SAML providers through the AWS CLI", () => {
  let host: RunningHost;
  let iam: IAMClient;
  let material: KeyMaterial;
  let metadata: string;
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);
  const setUp = async (input: Partial<CreateSAMLProviderCommandInput> & { Name: string }): Promise<string> =>
    (await iam.send(new CreateSAMLProviderCommand({ SAMLMetadataDocument: metadata, ...input }))).SAMLProviderArn!;
  const read = (arn: string) => iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
  const create = (name: string, document: string, ...extra: string[]) =>
    aws("iam", "create-saml-provider", "--name", name, "--saml-metadata-document", material.file(document), ...extra);
  const onProvider = (command: string, arn: string, ...extra: string[]) => aws("iam", command, "--saml-provider-arn", arn, ...extra);

  beforeAll(async () => {
    material = new KeyMaterial();
    metadata = metadataXml([material.read("signing.pem")]);
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
    material.remove();
  });

  it("manages a provider", async () => {
    const created = await create("Corporate-IdP", metadata, "--tags", "Key=team,Value=red");
    expect(created.exitCode).toBe(0);
    const arn = created.json.SAMLProviderArn;
    expect(arn).toBe(`${PROVIDER_ARN}Corporate-IdP`);
    expect(created.json.Tags).toEqual([{ Key: "team", Value: "red" }]);

    const got = (await onProvider("get-saml-provider", arn)).json;
    expect(got.SAMLMetadataDocument).toBe(metadata);
    expect(got.SAMLProviderUUID).toMatch(KEY_ID);
    expect(Date.parse(got.CreateDate)).not.toBeNaN();
    expect(got.ValidUntil).toBeUndefined();
    expect(got.Tags).toEqual([{ Key: "team", Value: "red" }]);
    expect(got.AssertionEncryptionMode).toBeUndefined();
    expect(got.PrivateKeyList).toBeUndefined();

    const listed = (await aws("iam", "list-saml-providers")).json.SAMLProviderList;
    expect(listed).toContainEqual({ Arn: arn, CreateDate: got.CreateDate });

    const rolledOver = metadataXml([material.read("signing.pem"), material.read("rollover.pem")], { validUntil: "2035-06-30T12:00:00Z" });
    const updated = await onProvider("update-saml-provider", arn, "--saml-metadata-document", material.file(rolledOver));
    expect(updated.exitCode).toBe(0);
    expect(updated.json.SAMLProviderArn).toBe(arn);
    const afterUpdate = await read(arn);
    expect(afterUpdate.SAMLMetadataDocument).toBe(rolledOver);
    expect(afterUpdate.ValidUntil).toEqual(new Date("2035-06-30T12:00:00Z"));
    expect(afterUpdate.SAMLProviderUUID).toBe(got.SAMLProviderUUID);

    expect((await onProvider("tag-saml-provider", arn, "--tags", "Key=TEAM,Value=blue", "Key=env,Value=ci")).exitCode).toBe(0);
    expect((await onProvider("list-saml-provider-tags", arn)).json.Tags).toEqual([
      { Key: "env", Value: "ci" },
      { Key: "TEAM", Value: "blue" },
    ]);
    expect((await onProvider("untag-saml-provider", arn, "--tag-keys", "Team", "absent")).exitCode).toBe(0);
    expect((await read(arn)).Tags).toEqual([{ Key: "env", Value: "ci" }]);

    expect((await onProvider("delete-saml-provider", arn)).exitCode).toBe(0);
    await expect(read(arn)).rejects.toMatchObject({ name: "NoSuchEntityException" });
    expect((await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList?.map((entry) => entry.Arn)).not.toContain(arn);
  });

  it("returns the model's shapes to the SDK", async () => {
    const document = metadataXml([material.read("signing.pem")], { validUntil: "2033-01-01T00:00:00Z" });
    const arn = await setUp({
      Name: "sdk-shapes",
      SAMLMetadataDocument: document,
      AssertionEncryptionMode: "Allowed",
      AddPrivateKey: material.read("key1.pem"),
      Tags: [{ Key: "b", Value: "2" }],
    });

    const got = await read(arn);
    expect(got.SAMLMetadataDocument).toBe(document);
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect(got.ValidUntil).toEqual(new Date("2033-01-01T00:00:00Z"));
    expect(got.AssertionEncryptionMode).toBe("Allowed");
    expect(got.PrivateKeyList).toHaveLength(1);
    expect(got.PrivateKeyList![0]!.KeyId).toMatch(KEY_ID);
    expect(got.PrivateKeyList![0]!.Timestamp).toBeInstanceOf(Date);
    expect(got.Tags).toEqual([{ Key: "b", Value: "2" }]);

    const entry = (await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList?.find((provider) => provider.Arn === arn);
    expect(entry?.ValidUntil).toEqual(new Date("2033-01-01T00:00:00Z"));
    expect(entry?.CreateDate).toEqual(got.CreateDate);
    const tags = await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }));
    expect(tags.Tags).toEqual([{ Key: "b", Value: "2" }]);
    expect(tags.IsTruncated).toBe(false);

    const updated = await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, AssertionEncryptionMode: "Required" }));
    expect(updated.SAMLProviderArn).toBe(arn);
    expect((await read(arn)).AssertionEncryptionMode).toBe("Required");
  });

  it.each([
    ["a 128-character name", "n".repeat(128), undefined],
    ["dots, underscores and dashes", "a.b_c-D9", undefined],
    ["a 129-character name", "n".repeat(129), "ValidationError"],
    ["a space", "with space", "ValidationError"],
    ["an at sign", "user@idp", "ValidationError"],
    ["a plus sign", "a+b", "ValidationError"],
  ])("create with %s", async (_name, name, code) => {
    const result = await create(name, metadata);
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
      expect(result.json.SAMLProviderArn).toBe(`${PROVIDER_ARN}${name}`);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
    }
  });

  it.each([
    ["1,000 characters that are not metadata", () => "x".repeat(1000), "InvalidInput", "not well-formed XML"],
    ["200,000 bytes", () => padTo(metadata, 200_000), undefined, undefined],
    ["200,001 bytes", () => padTo(metadata, 200_001), "InvalidInput", "Open STS stores documents of at most 200000 bytes"],
    ["a DOCTYPE", () => `<!DOCTYPE md:EntityDescriptor>${metadata}`, "InvalidInput", "document type declaration"],
    ["no IDPSSODescriptor", () => metadata.replaceAll("IDPSSODescriptor", "SPSSODescriptor"), "InvalidInput", "has no IDPSSODescriptor"],
    ["an expired certificate", () => metadataXml([material.read("expired.pem")]), undefined, undefined],
    ["two certificates", () => metadataXml([material.read("signing.pem"), material.read("rollover.pem")]), undefined, undefined],
  ])("create with metadata of %s", async (name, build, code, message) => {
    const result = await create(`metadata-${name.replace(/[^\w]+/g, "-")}`, build());
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
      expect(result.stderr).toContain(message);
    }
  });

  it("rejects 999-character metadata", async () => {
    // The CLI rejects values below the model's minimum length before sending; the SDK leaves that to the server.
    const request = iam.send(new CreateSAMLProviderCommand({ Name: "metadata-999", SAMLMetadataDocument: "x".repeat(999) }));
    await expect(request).rejects.toMatchObject({ name: "ValidationError" });
    await expect(request).rejects.toThrow("Member must have length greater than or equal to 1000");
  });

  it("rejects a second provider of one name", async () => {
    await setUp({ Name: "Twice" });
    const again = await create("twice", metadata);
    expect(cliErrorCode(again)).toBe("EntityAlreadyExists");
    expect(again.stderr).toContain("SAML provider with name twice already exists.");
  });

  it("finds a provider by name regardless of case", async () => {
    const arn = await setUp({ Name: "MixedCase" });
    const got = await onProvider("get-saml-provider", `${PROVIDER_ARN}mixedcase`);
    expect(got.exitCode).toBe(0);
    expect(got.json.SAMLMetadataDocument).toBe(metadata);
    const updated = await onProvider("update-saml-provider", `${PROVIDER_ARN}MIXEDCASE`, "--assertion-encryption-mode", "Allowed");
    expect(updated.json.SAMLProviderArn).toBe(arn);
  });

  it.each([
    ["50 tags", ["--tags", ...tagArgs(50)], undefined],
    ["51 tags", ["--tags", ...tagArgs(51)], "ValidationError"],
    ["tag keys that differ in case", ["--tags", "Key=env,Value=a", "Key=ENV,Value=b"], "InvalidInput"],
  ])("create with %s", async (name, extra, code) => {
    const result = await create(`tags-${name.replaceAll(" ", "-")}`, metadata, ...extra);
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
    }
  });

  it("limits tags to 50 when tagging", async () => {
    const tags49 = repeat(49, (index) => `key${index}`).map((key, index) => ({ Key: key, Value: `value${index}` }));
    const arn = await setUp({ Name: "tag-quota", Tags: tags49 });
    const tag = (...tags: string[]) => onProvider("tag-saml-provider", arn, "--tags", ...tags);

    expect((await tag("Key=key49,Value=value49")).exitCode).toBe(0);
    const over = await tag("Key=key50,Value=value50");
    expect(cliErrorCode(over)).toBe("LimitExceeded");
    expect(over.stderr).toContain("Cannot exceed quota for TagsPerSamlProvider: 50");
    expect((await tag("Key=KEY0,Value=replaced")).exitCode).toBe(0);

    const tags = (await iam.send(new ListSAMLProviderTagsCommand({ SAMLProviderArn: arn }))).Tags;
    expect(tags).toHaveLength(50);
    expect(tags).toContainEqual({ Key: "KEY0", Value: "replaced" });
  });

  it("pages provider tags", async () => {
    const arn = await setUp({
      Name: "paged-tags",
      Tags: [
        { Key: "b", Value: "2" },
        { Key: "a", Value: "1" },
        { Key: "C", Value: "3" },
      ],
    });
    const first = await onProvider("list-saml-provider-tags", arn, "--no-paginate", "--max-items", "2");
    expect(first.json.Tags).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
    expect(first.json.IsTruncated).toBe(true);

    const rest = await onProvider("list-saml-provider-tags", arn, "--no-paginate", "--marker", first.json.Marker);
    expect(rest.json.Tags).toEqual([{ Key: "C", Value: "3" }]);
    expect(rest.json.IsTruncated).toBe(false);
  });

  it("rotates private keys", async () => {
    const created = await create("rotation", metadata, "--add-private-key", material.file(material.read("key1.pem")), "--assertion-encryption-mode", "Required");
    expect(created.exitCode).toBe(0);
    const arn = created.json.SAMLProviderArn;
    const update = (...extra: string[]) => onProvider("update-saml-provider", arn, ...extra);
    const keyIds = async () => ((await read(arn)).PrivateKeyList ?? []).map((key) => key.KeyId!);

    const [first] = await keyIds();
    expect(first).toMatch(KEY_ID);
    expect((await update("--add-private-key", material.file(material.read("key2.pem")))).exitCode).toBe(0);
    const both = await keyIds();
    expect(both).toHaveLength(2);
    const second = both.find((keyId) => keyId !== first)!;

    const third = await update("--add-private-key", material.file(material.read("key3.pem")));
    expect(cliErrorCode(third)).toBe("LimitExceeded");
    expect(third.stderr).toContain("Cannot exceed quota for PrivateKeysPerSamlProvider: 2");
    const again = await update("--add-private-key", material.file(material.read("key2.pem")));
    expect(cliErrorCode(again)).toBe("InvalidInput");
    expect(again.stderr).toContain(`already has this private key, as key ${second}`);
    const swap = await update("--add-private-key", material.file(material.read("key3.pem")), "--remove-private-key", first!);
    expect(cliErrorCode(swap)).toBe("InvalidInput");
    const unknown = await update("--remove-private-key", "A".repeat(32));
    expect(cliErrorCode(unknown)).toBe("NoSuchEntity");

    expect((await update("--remove-private-key", first!)).exitCode).toBe(0);
    expect(await keyIds()).toEqual([second]);
    const last = await update("--remove-private-key", second);
    expect(cliErrorCode(last)).toBe("InvalidInput");
    expect(last.stderr).toContain("AssertionEncryptionMode Required needs at least one private key");
    expect((await update("--remove-private-key", second, "--assertion-encryption-mode", "Allowed")).exitCode).toBe(0);
    expect(await keyIds()).toEqual([]);

    const unchanged = await update();
    expect(unchanged.exitCode).toBe(0);
    expect(unchanged.json.SAMLProviderArn).toBe(arn);
  });

  it("never returns a private key", async () => {
    const privateKey = material.read("key1.pem");
    const arn = await setUp({ Name: "no-key-output", AddPrivateKey: privateKey });
    const got = await onProvider("get-saml-provider", arn);

    expect(got.exitCode).toBe(0);
    expect(got.json.PrivateKeyList).toHaveLength(1);
    for (const line of privateKey.split("\n").filter((text) => text.length === 64)) expect(got.stdout).not.toContain(line);
  });

  it.each([
    ["a 1024-bit RSA key", () => material.read("short.pem"), "InvalidInput", "1024-bit RSA key; the minimum is 2048 bits"],
    ["an elliptic curve key", () => material.read("ec.pem"), "InvalidInput", "key of type ec"],
    ["a key under a passphrase", () => material.read("encrypted.pem"), "InvalidInput", "PEM format without a passphrase"],
    ["a certificate", () => material.read("signing.pem"), "InvalidInput", "PEM format without a passphrase"],
    ["16,384 characters", () => material.read("key1.pem").padEnd(16_384, "\n"), undefined, undefined],
    ["16,385 characters", () => material.read("key1.pem").padEnd(16_385, "\n"), "ValidationError", "Member must have length less than or equal to 16384"],
  ])("create with a private key of %s", async (name, build, code, message) => {
    const result = await create(`private-key-${name.replace(/[^\w]+/g, "-")}`, metadata, "--add-private-key", material.file(build()));
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
      expect(result.stderr).toContain(message);
    }
  });

  it.each([
    ["Required without a private key", "Required", "InvalidInput"],
    ["an unknown mode", "Sometimes", "ValidationError"],
  ])("create with encryption mode %s", async (name, mode, code) => {
    const result = await create(`mode-${name.replace(/[^\w]+/g, "-")}`, metadata, "--assertion-encryption-mode", mode);
    expect(result.exitCode).not.toBe(0);
    expect(cliErrorCode(result)).toBe(code);
  });

  it.each([
    ["get-saml-provider"],
    ["delete-saml-provider"],
    ["update-saml-provider", "--assertion-encryption-mode", "Allowed"],
    ["tag-saml-provider", "--tags", "Key=env,Value=ci"],
    ["untag-saml-provider", "--tag-keys", "env"],
    ["list-saml-provider-tags"],
  ])("%s of an unknown provider is NoSuchEntity", async (command, ...extra) => {
    const arn = `${PROVIDER_ARN}unknown`;
    const result = await onProvider(command, arn, ...extra);
    expect(cliErrorCode(result)).toBe("NoSuchEntity");
    expect(result.stderr).toContain(`SAML provider not found for arn ${arn}.`);
  });

  it("rejects arns outside the caller's account", async () => {
    // The same name exists in the caller's account, so only the account and partition can fail the lookup.
    await setUp({ Name: "shared" });
    const get = (arn: string) => onProvider("get-saml-provider", arn);

    expect(cliErrorCode(await get("arn:aws:iam::111111111111:saml-provider/shared"))).toBe("NoSuchEntity");
    expect(cliErrorCode(await get("arn:aws-cn:iam::000000000000:saml-provider/shared"))).toBe("NoSuchEntity");
    expect(cliErrorCode(await get("arn:aws:iam::000000000000:oidc-provider/shared"))).toBe("InvalidInput");
  });

  it("authorizes on the provider arn", async () => {
    const allowed = await setUp({ Name: "allowed" });
    const denied = await setUp({ Name: "denied" });
    await iam.send(new CreateUserCommand({ UserName: "saml-reader" }));
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "iam:GetSAMLProvider", Resource: allowed },
        { Effect: "Allow", Action: "iam:ListSAMLProviders", Resource: `${PROVIDER_ARN}*` },
      ],
    };
    await iam.send(new PutUserPolicyCommand({ UserName: "saml-reader", PolicyName: "read", PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "saml-reader" }))).AccessKey!;
    const reader: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const asReader = (...args: string[]) => awsCli(host.url, reader, args);

    expect((await asReader("iam", "get-saml-provider", "--saml-provider-arn", allowed)).exitCode).toBe(0);
    expect((await asReader("iam", "list-saml-providers")).exitCode).toBe(0);
    const other = await asReader("iam", "get-saml-provider", "--saml-provider-arn", denied);
    expect(cliErrorCode(other)).toBe("AccessDenied");
    expect(other.stderr).toContain(`iam:GetSAMLProvider on resource: ${denied}`);
    const deletion = await asReader("iam", "delete-saml-provider", "--saml-provider-arn", allowed);
    expect(cliErrorCode(deletion)).toBe("AccessDenied");
    const creation = await asReader("iam", "create-saml-provider", "--name", "by-reader", "--saml-metadata-document", material.file(metadata));
    expect(cliErrorCode(creation)).toBe("AccessDenied");
    expect(creation.stderr).toContain(`iam:CreateSAMLProvider on resource: ${PROVIDER_ARN}by-reader`);
  });

  it("keeps private keys out of the log", async () => {
    const privateKey = material.read("key2.pem");
    const result = await create("logged", metadata, "--add-private-key", material.file(privateKey));
    expect(result.exitCode).toBe(0);

    // A boolean keeps the whole log out of the failure message.
    const leaked = privateKey.split("\n").filter((text) => text.length === 64 && host.output().includes(text));
    expect(leaked).toEqual([]);
  });
});

describe("SAML provider quota per account", () => {
  let host: RunningHost;
  let iam: IAMClient;
  let material: KeyMaterial;

  beforeAll(async () => {
    material = new KeyMaterial();
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
    material.remove();
  });

  it("allows 100 providers", async () => {
    const metadata = metadataXml([material.read("signing.pem")]);
    await Promise.all(
      repeat(99, (index) => `quota-${index}`).map((Name) => iam.send(new CreateSAMLProviderCommand({ Name, SAMLMetadataDocument: metadata }))),
    );
    const file = material.file(metadata);
    const create = (name: string) => awsCli(host.url, DEMO_ROOT, ["iam", "create-saml-provider", "--name", name, "--saml-metadata-document", file]);

    expect((await create("quota-99")).exitCode).toBe(0);
    const over = await create("quota-100");
    expect(cliErrorCode(over)).toBe("LimitExceeded");
    expect(over.stderr).toContain("Cannot exceed quota for SamlProvidersPerAccount: 100");

    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: `${PROVIDER_ARN}quota-0` }));
    expect((await create("quota-100")).exitCode).toBe(0);
    const listed = await iam.send(new ListSAMLProvidersCommand({}));
    expect(listed.SAMLProviderList).toHaveLength(100);
  });
});

describe("SamlProviderStore on the embedded store", () => {
  const now = new Date("2026-05-01T00:00:00Z");
  let service: InProcessService;
  let store: SamlProviderStore;
  let material: KeyMaterial;
  let provider: (name: string, changes?: Partial<NewSamlProvider>) => NewSamlProvider;

  const codeOf = (result: PromiseSettledResult<unknown>): string | undefined =>
    result.status === "rejected" ? (result.reason as ServiceError).code : undefined;

  beforeAll(async () => {
    material = new KeyMaterial();
    const document = metadataXml([material.read("signing.pem")]);
    const parsed = parseIdpMetadata(document);
    provider = (name, changes = {}) => ({ name, metadata: { document, parsed }, tags: [], ...changes });
    service = await startInProcessService(now);
    store = (await service.store.samlProviders());
  });
  afterAll(async () => {
    await service.close();
    material.remove();
  });

  it("seals private keys at rest", async () => {
    const account = "200000000001";
    const pem = material.read("key1.pem");
    await store.createSamlProvider(account, provider("sealed", { privateKey: { keyId: "K".repeat(32), pem } }), now);

    const item = await service.table.get(accountPk(account), samlProviderSk("sealed"));
    const body = pem.split("\n")[1]!;
    expect(JSON.stringify(item)).not.toContain(body);
    const opened = await store.getSamlProviderWithKeys(account, "SEALED");
    expect(opened?.privateKeys).toEqual([{ keyId: "K".repeat(32), timestamp: now.toISOString(), pem }]);
  });

  it("does not open a sealed key moved to another provider", async () => {
    const account = "200000000002";
    await store.createSamlProvider(account, provider("origin", { privateKey: { keyId: "K".repeat(32), pem: "secret" } }), now);
    await store.createSamlProvider(account, provider("target"), now);
    const origin = await service.table.get(accountPk(account), samlProviderSk("origin"));
    await service.table.update(accountPk(account), samlProviderSk("target"), "SET privateKeys = :keys", { values: { ":keys": origin!.privateKeys! } });

    await expect(store.getSamlProviderWithKeys(account, "target")).rejects.toMatchObject({ code: "InternalFailure" });
  });

  it("lets one of 20 concurrent creates win", async () => {
    const account = "200000000003";
    const attempts = await Promise.allSettled(repeat(20, (index) => (index % 2 === 0 ? "race" : "RACE")).map((name) => store.createSamlProvider(account, provider(name), now)));

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(attempts.filter((result) => codeOf(result) === "EntityAlreadyExists")).toHaveLength(19);
    expect(await store.listSamlProviders(account)).toHaveLength(1);
  });

  it("keeps two private keys under concurrent adds", async () => {
    const account = "200000000004";
    await store.createSamlProvider(account, provider("keys"), now);
    const attempts = await Promise.allSettled(
      repeat(6, (index) => `KEY${index}`.padEnd(32, "0")).map((keyId) =>
        store.updateSamlProvider(account, "keys", { addPrivateKey: { keyId, pem: `pem of ${keyId}` } }, now),
      ),
    );

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    expect(attempts.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(4);
    expect((await store.getSamlProvider(account, "keys"))?.privateKeys).toHaveLength(2);
  });

  it("keeps tags written during a metadata update", async () => {
    const account = "200000000005";
    await store.createSamlProvider(account, provider("both"), now);
    const rolledOver = metadataXml([material.read("signing.pem"), material.read("rollover.pem")]);
    await Promise.all([
      store.updateSamlProvider(account, "both", { metadata: { document: rolledOver, parsed: parseIdpMetadata(rolledOver) } }, now),
      store.tagSamlProvider(account, "both", [{ Key: "env", Value: "ci" }]),
    ]);

    const stored = await store.getSamlProvider(account, "both");
    expect(stored?.signingCertificates).toHaveLength(2);
    expect(stored?.tags).toEqual([{ Key: "env", Value: "ci" }]);
  });
});
