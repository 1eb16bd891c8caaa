import {
  CreateAccessKeyCommand,
  CreateOpenIDConnectProviderCommand,
  type CreateOpenIDConnectProviderCommandInput,
  CreateUserCommand,
  DeleteOpenIDConnectProviderCommand,
  GetOpenIDConnectProviderCommand,
  type IAMClient,
  ListOpenIDConnectProvidersCommand,
  ListOpenIDConnectProviderTagsCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsCli, type Credentials, cliErrorCode } from "../support/clients.js";
import { type RunningHost, startHost } from "../support/local-host.js";
import { DEMO_ROOT, iamClient } from "../support/sdk.js";

const PROVIDER_ARN = "arn:aws:iam::000000000000:oidc-provider/";
const THUMBPRINT = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280";
const OTHER_THUMBPRINT = "A031C46782E6E6C662C2C87C76DA9AA62CCABD8E";

const repeat = (count: number, make: (index: number) => string): string[] => Array.from({ length: count }, (_, index) => make(index));
const tagArgs = (count: number): string[] => repeat(count, (index) => `Key=key${index},Value=value${index}`);

// Each AWS CLI call starts a Python process, so the CLI runs only the action under test. Setup
// and read-back go through the JS SDK, and independent tests run concurrently.
describe.concurrent("OpenID Connect providers through the AWS CLI", () => {
  let host: RunningHost;
  let iam: IAMClient;
  const aws = (...args: string[]) => awsCli(host.url, DEMO_ROOT, args);
  const setUp = async (input: CreateOpenIDConnectProviderCommandInput): Promise<string> =>
    (await iam.send(new CreateOpenIDConnectProviderCommand(input))).OpenIDConnectProviderArn!;
  const read = (arn: string) => iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }));
  const create = (url: string, ...extra: string[]) => aws("iam", "create-open-id-connect-provider", "--url", url, ...extra);
  const onProvider = (command: string, arn: string, ...extra: string[]) =>
    aws("iam", command, "--open-id-connect-provider-arn", arn, ...extra);

  beforeAll(async () => {
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
  });

  it("manages a provider", async () => {
    const created = await create(
      "https://token.example.com/Tenant",
      "--client-id-list", "sts.amazonaws.com", "web-app", "web-app",
      "--thumbprint-list", THUMBPRINT,
      "--tags", "Key=team,Value=red",
    );
    expect(created.exitCode).toBe(0);
    const arn = created.json.OpenIDConnectProviderArn;
    expect(arn).toBe(`${PROVIDER_ARN}token.example.com/Tenant`);
    expect(created.json.Tags).toEqual([{ Key: "team", Value: "red" }]);

    const got = (await onProvider("get-open-id-connect-provider", arn)).json;
    expect(got.Url).toBe("token.example.com/Tenant");
    expect(got.ClientIDList).toEqual(["sts.amazonaws.com", "web-app"]);
    expect(got.ThumbprintList).toEqual([THUMBPRINT]);
    expect(Date.parse(got.CreateDate)).not.toBeNaN();
    expect(got.Tags).toEqual([{ Key: "team", Value: "red" }]);

    const listed = (await aws("iam", "list-open-id-connect-providers")).json.OpenIDConnectProviderList;
    expect(listed).toContainEqual({ Arn: arn });

    expect((await onProvider("add-client-id-to-open-id-connect-provider", arn, "--client-id", "cli")).exitCode).toBe(0);
    expect((await onProvider("add-client-id-to-open-id-connect-provider", arn, "--client-id", "cli")).exitCode).toBe(0);
    expect((await onProvider("remove-client-id-from-open-id-connect-provider", arn, "--client-id", "web-app")).exitCode).toBe(0);
    expect((await onProvider("remove-client-id-from-open-id-connect-provider", arn, "--client-id", "absent")).exitCode).toBe(0);
    expect((await read(arn)).ClientIDList).toEqual(["cli", "sts.amazonaws.com"]);

    const updated = await onProvider("update-open-id-connect-provider-thumbprint", arn, "--thumbprint-list", OTHER_THUMBPRINT, THUMBPRINT);
    expect(updated.exitCode).toBe(0);
    expect((await read(arn)).ThumbprintList).toEqual([OTHER_THUMBPRINT, THUMBPRINT]);

    expect((await onProvider("tag-open-id-connect-provider", arn, "--tags", "Key=TEAM,Value=blue", "Key=env,Value=ci")).exitCode).toBe(0);
    expect((await onProvider("list-open-id-connect-provider-tags", arn)).json.Tags).toEqual([
      { Key: "env", Value: "ci" },
      { Key: "TEAM", Value: "blue" },
    ]);
    expect((await onProvider("untag-open-id-connect-provider", arn, "--tag-keys", "Team", "absent")).exitCode).toBe(0);
    expect((await read(arn)).Tags).toEqual([{ Key: "env", Value: "ci" }]);

    expect((await onProvider("delete-open-id-connect-provider", arn)).exitCode).toBe(0);
    await expect(read(arn)).rejects.toMatchObject({ name: "NoSuchEntityException" });
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).not.toContainEqual({ Arn: arn });
  });

  it.each([
    ["https://example.com", "example.com"],
    ["https://Example.com/Realms/Dev", "Example.com/Realms/Dev"],
    ["https://default-port.example.com:443", "default-port.example.com:443"],
    ["http://127.0.0.1:9000/realms/dev", "127.0.0.1:9000/realms/dev"],
    ["http://localhost:8080", "localhost:8080"],
    ["https://localhost:8443", "localhost:8443"],
    [`https://long.example.com/${"p".repeat(230)}`, `long.example.com/${"p".repeat(230)}`],
  ])("accepts url %s", async (url, withoutScheme) => {
    expect(url.length).toBeLessThanOrEqual(255);
    const created = await create(url);
    expect(created.exitCode).toBe(0);
    expect(created.json.OpenIDConnectProviderArn).toBe(`${PROVIDER_ARN}${withoutScheme}`);
  });

  it.each([
    ["no scheme", "example.com", "ValidationError"],
    ["no host", "https://", "ValidationError"],
    ["http on a public host", "http://example.com", "InvalidInput"],
    ["a query string", "https://example.com/?tenant=1", "InvalidInput"],
    ["a fragment", "https://example.com/#top", "InvalidInput"],
    ["a port", "https://example.com:8443", "InvalidInput"],
    ["a user name", "https://user@example.com", "InvalidInput"],
    ["an underscore in the host", "https://exa_mple.com", "InvalidInput"],
    ["a space in the path", "https://example.com/a b", "InvalidInput"],
    ["256 characters", `https://long.example.com/${"p".repeat(231)}`, "ValidationError"],
  ])("rejects url with %s", async (_name, url, code) => {
    const result = await create(url);
    expect(result.exitCode).not.toBe(0);
    expect(cliErrorCode(result)).toBe(code);
  });

  it("rejects a second provider for one url", async () => {
    await setUp({ Url: "https://twice.example.com" });
    const again = await create("https://twice.example.com", "--client-id-list", "other");
    expect(cliErrorCode(again)).toBe("EntityAlreadyExists");
    expect(again.stderr).toContain("Provider with url https://twice.example.com already exists.");
  });

  it.each([
    ["100 client ids", ["--client-id-list", ...repeat(100, (index) => `client-${index}`)], undefined],
    ["101 client ids", ["--client-id-list", ...repeat(101, (index) => `client-${index}`)], "LimitExceeded"],
    ["101 client ids with duplicates", ["--client-id-list", ...repeat(101, (index) => `client-${index % 100}`)], undefined],
    ["a 255-character client id", ["--client-id-list", "c".repeat(255)], undefined],
    ["a 256-character client id", ["--client-id-list", "c".repeat(256)], "ValidationError"],
    ["5 thumbprints", ["--thumbprint-list", ...repeat(5, (index) => String(index).repeat(40))], undefined],
    ["6 thumbprints", ["--thumbprint-list", ...repeat(6, (index) => String(index).repeat(40))], "InvalidInput"],
    ["a 41-character thumbprint", ["--thumbprint-list", `${THUMBPRINT}0`], "ValidationError"],
    ["a thumbprint that is not hex", ["--thumbprint-list", `${THUMBPRINT.slice(1)}g`], "InvalidInput"],
    ["50 tags", ["--tags", ...tagArgs(50)], undefined],
    ["51 tags", ["--tags", ...tagArgs(51)], "ValidationError"],
    ["tag keys that differ in case", ["--tags", "Key=env,Value=a", "Key=ENV,Value=b"], "InvalidInput"],
  ])("create with %s", async (name, extra, code) => {
    const result = await create(`https://limits.example.com/${name.replaceAll(" ", "-")}`, ...extra);
    if (code === undefined) {
      expect(result.exitCode).toBe(0);
    } else {
      expect(result.exitCode).not.toBe(0);
      expect(cliErrorCode(result)).toBe(code);
    }
  });

  it("rejects a 39-character thumbprint", async () => {
    // The CLI rejects values below the model's minimum length before sending; the SDK leaves that to the server.
    const request = iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: "https://short-thumbprint.example.com", ThumbprintList: [THUMBPRINT.slice(1)] }),
    );
    await expect(request).rejects.toMatchObject({ name: "ValidationError" });
  });

  it("limits client ids to 100 when adding", async () => {
    const arn = await setUp({ Url: "https://audiences.example.com", ClientIDList: repeat(99, (index) => `client-${index}`) });
    const add = (clientId: string) => onProvider("add-client-id-to-open-id-connect-provider", arn, "--client-id", clientId);

    expect((await add("client-99")).exitCode).toBe(0);
    const over = await add("client-100");
    expect(cliErrorCode(over)).toBe("LimitExceeded");
    expect(over.stderr).toContain("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100");
    expect((await add("client-0")).exitCode).toBe(0);
    expect((await read(arn)).ClientIDList).toHaveLength(100);
  });

  it("limits tags to 50 when tagging", async () => {
    const tags49 = repeat(49, (index) => `key${index}`).map((key, index) => ({ Key: key, Value: `value${index}` }));
    const arn = await setUp({ Url: "https://tags.example.com", Tags: tags49 });
    const tag = (...tags: string[]) => onProvider("tag-open-id-connect-provider", arn, "--tags", ...tags);

    expect((await tag("Key=key49,Value=value49")).exitCode).toBe(0);
    const over = await tag("Key=key50,Value=value50");
    expect(cliErrorCode(over)).toBe("LimitExceeded");
    expect(over.stderr).toContain("Cannot exceed quota for TagsPerOpenIdConnectProvider: 50");
    expect((await tag("Key=KEY0,Value=replaced")).exitCode).toBe(0);

    const tags = (await iam.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn: arn }))).Tags;
    expect(tags).toHaveLength(50);
    expect(tags).toContainEqual({ Key: "KEY0", Value: "replaced" });
  });

  it("pages provider tags", async () => {
    const tags = [
      { Key: "b", Value: "2" },
      { Key: "a", Value: "1" },
      { Key: "C", Value: "3" },
    ];
    const arn = await setUp({ Url: "https://paged.example.com", Tags: tags });
    const first = await onProvider("list-open-id-connect-provider-tags", arn, "--no-paginate", "--max-items", "2");
    expect(first.json.Tags).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
    expect(first.json.IsTruncated).toBe(true);

    const rest = await onProvider("list-open-id-connect-provider-tags", arn, "--no-paginate", "--marker", first.json.Marker);
    expect(rest.json.Tags).toEqual([{ Key: "C", Value: "3" }]);
    expect(rest.json.IsTruncated).toBe(false);
  });

  it.each([
    ["get-open-id-connect-provider"],
    ["delete-open-id-connect-provider"],
    ["add-client-id-to-open-id-connect-provider", "--client-id", "app"],
    ["remove-client-id-from-open-id-connect-provider", "--client-id", "app"],
    ["update-open-id-connect-provider-thumbprint", "--thumbprint-list", THUMBPRINT],
    ["tag-open-id-connect-provider", "--tags", "Key=env,Value=ci"],
    ["untag-open-id-connect-provider", "--tag-keys", "env"],
    ["list-open-id-connect-provider-tags"],
  ])("%s of an unknown provider is NoSuchEntity", async (command, ...extra) => {
    const arn = `${PROVIDER_ARN}unknown.example.com`;
    const result = await onProvider(command, arn, ...extra);
    expect(cliErrorCode(result)).toBe("NoSuchEntity");
    expect(result.stderr).toContain(`OpenIDConnect Provider not found for arn ${arn}`);
  });

  it("rejects arns outside the caller's account", async () => {
    // The same url exists in the caller's account, so only the account and partition can fail the lookup.
    await setUp({ Url: "https://shared.example.com" });
    const get = (arn: string) => onProvider("get-open-id-connect-provider", arn);

    expect(cliErrorCode(await get("arn:aws:iam::111111111111:oidc-provider/shared.example.com"))).toBe("NoSuchEntity");
    expect(cliErrorCode(await get("arn:aws-cn:iam::000000000000:oidc-provider/shared.example.com"))).toBe("NoSuchEntity");
    expect(cliErrorCode(await get("arn:aws:iam::000000000000:role/shared.example.com"))).toBe("InvalidInput");
  });

  it("authorizes on the provider arn", async () => {
    const allowed = await setUp({ Url: "https://allowed.example.com" });
    const denied = await setUp({ Url: "https://denied.example.com" });
    await iam.send(new CreateUserCommand({ UserName: "oidc-reader" }));
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "iam:GetOpenIDConnectProvider", Resource: allowed },
        { Effect: "Allow", Action: "iam:ListOpenIDConnectProviders", Resource: `${PROVIDER_ARN}*` },
      ],
    };
    await iam.send(new PutUserPolicyCommand({ UserName: "oidc-reader", PolicyName: "read", PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "oidc-reader" }))).AccessKey!;
    const reader: Credentials = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    const asReader = (...args: string[]) => awsCli(host.url, reader, args);

    expect((await asReader("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", allowed)).exitCode).toBe(0);
    expect((await asReader("iam", "list-open-id-connect-providers")).exitCode).toBe(0);
    const other = await asReader("iam", "get-open-id-connect-provider", "--open-id-connect-provider-arn", denied);
    expect(cliErrorCode(other)).toBe("AccessDenied");
    expect(other.stderr).toContain(`iam:GetOpenIDConnectProvider on resource: ${denied}`);
    const deletion = await asReader("iam", "delete-open-id-connect-provider", "--open-id-connect-provider-arn", allowed);
    expect(cliErrorCode(deletion)).toBe("AccessDenied");
  });
});

describe("OpenID Connect provider quota per account", () => {
  let host: RunningHost;
  let iam: IAMClient;

  beforeAll(async () => {
    host = await startHost();
    iam = iamClient(host.url, DEMO_ROOT);
  });
  afterAll(async () => {
    iam.destroy();
    await host.stop();
  });

  it("allows 100 providers", async () => {
    await Promise.all(
      repeat(99, (index) => `https://quota.example.com/${index}`).map((Url) => iam.send(new CreateOpenIDConnectProviderCommand({ Url }))),
    );
    const create = (url: string) => awsCli(host.url, DEMO_ROOT, ["iam", "create-open-id-connect-provider", "--url", url]);

    expect((await create("https://quota.example.com/99")).exitCode).toBe(0);
    const over = await create("https://quota.example.com/100");
    expect(cliErrorCode(over)).toBe("LimitExceeded");
    expect(over.stderr).toContain("Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100");

    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: `${PROVIDER_ARN}quota.example.com/0` }));
    expect((await create("https://quota.example.com/100")).exitCode).toBe(0);
    const listed = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    expect(listed.OpenIDConnectProviderList).toHaveLength(100);
  });
});
