import { createServer, type Server } from "node:http";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { CloudFormationCustomResourceEvent, Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountOfAccessKeyId } from "../../shared/credentials/ids.js";
import { Table } from "../../shared/store/table.js";
import { startEmbeddedStore } from "../../infra/local/embedded-store.js";
import { type RunningMoto, startMoto } from "../support/moto.js";
import { apiGatewayEventOf, signedView } from "../support/signed-view.js";

type RootCredentials = Record<string, { accessKeyId: string; secretAccessKey: string }>;
type Response = { Status: string; Reason?: string; PhysicalResourceId: string };

const TABLE = "open-sts-bootstrap-test";

/**
 * The deployment's bootstrap function and the functions' key ring loading, against Secrets
 * Manager served by moto_server and the embedded DynamoDB store, with a local HTTP server in the
 * place of CloudFormation's response URL.
 */
describe("bootstrap custom resource", () => {
  let moto: RunningMoto;
  let embedded: Awaited<ReturnType<typeof startEmbeddedStore>>;
  let secrets: SecretsManagerClient;
  let responses: Server;
  let responseUrl: string;
  const received: Response[] = [];
  let keyRingArn: string;
  let rootArn: string;
  const saved: Record<string, string | undefined> = {};

  const setEnv = (values: Record<string, string>) => {
    for (const [name, value] of Object.entries(values)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  };

  async function invoke(requestType: "Create" | "Update" | "Delete", accountIds: string[]): Promise<Response> {
    const { handler } = await import("../../functions/bootstrap/handler.js");
    const event = {
      RequestType: requestType,
      ResponseURL: responseUrl,
      StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/OpenSts/1",
      RequestId: `request-${received.length}`,
      LogicalResourceId: "Bootstrap",
      ResourceType: "Custom::OpenStsBootstrap",
      ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:bootstrap",
      ResourceProperties: { ServiceToken: "arn:aws:lambda:us-east-1:123456789012:function:bootstrap", accountIds },
      ...(requestType === "Create" ? {} : { PhysicalResourceId: "open-sts-bootstrap", OldResourceProperties: {} }),
    } as unknown as CloudFormationCustomResourceEvent;
    const before = received.length;
    await handler(event);
    expect(received).toHaveLength(before + 1);
    return received[received.length - 1]!;
  }

  const secretValue = async (arn: string) => (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString!;

  beforeAll(async () => {
    [moto, embedded] = await Promise.all([startMoto(), startEmbeddedStore(undefined)]);
    setEnv({
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
      AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoint,
      OPEN_STS_TABLE: TABLE,
      POWERTOOLS_LOG_LEVEL: "ERROR",
    });
    secrets = new SecretsManagerClient({ endpoint: moto.url, region: "us-east-1", credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    // CloudFormation creates both secrets with a generated placeholder before the bootstrap runs.
    keyRingArn = (await secrets.send(new CreateSecretCommand({ Name: "KeyRing", SecretString: '{"placeholder":"x1"}' }))).ARN!;
    rootArn = (await secrets.send(new CreateSecretCommand({ Name: "RootCredentials", SecretString: '{"placeholder":"x2"}' }))).ARN!;
    setEnv({ OPEN_STS_KEYRING_SECRET_ARN: keyRingArn, OPEN_STS_ROOT_CREDENTIALS_SECRET_ARN: rootArn });
    const dynamo = new DynamoDBClient({ endpoint: embedded.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    await new Table(dynamo, TABLE).ensureExists();
    dynamo.destroy();

    responses = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      request.on("end", () => {
        received.push(JSON.parse(body) as Response);
        response.end();
      });
    });
    await new Promise<void>((resolve) => responses.listen(0, "127.0.0.1", resolve));
    responseUrl = `http://127.0.0.1:${(responses.address() as { port: number }).port}/response`;
  }, 60_000);

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    secrets?.destroy();
    await new Promise<void>((resolve) => responses?.close(() => resolve()));
    await Promise.all([moto?.stop(), embedded?.close()]);
  });

  it("writes the key ring and root keys on create", async () => {
    const response = await invoke("Create", ["111111111111", "222222222222"]);
    expect(response).toMatchObject({ Status: "SUCCESS", PhysicalResourceId: "open-sts-bootstrap" });

    const keyRing = JSON.parse(await secretValue(keyRingArn));
    expect(keyRing.keys).toHaveLength(1);
    expect(keyRing.signingKeys.map((key: { alg: string }) => key.alg).sort()).toEqual(["ES384", "RS256"]);
    const roots = JSON.parse(await secretValue(rootArn)) as RootCredentials;
    expect(Object.keys(roots).sort()).toEqual(["111111111111", "222222222222"]);
    for (const [accountId, key] of Object.entries(roots)) {
      expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
      expect(accountOfAccessKeyId(key.accessKeyId)).toBe(accountId);
      expect(key.secretAccessKey).toHaveLength(40);
    }
  });

  it("lets the STS function load the key ring and accept a root key", async () => {
    const roots = JSON.parse(await secretValue(rootArn)) as RootCredentials;
    const { handler } = await import("../../functions/sts/handler.js");
    const view = await signedView(roots["111111111111"]!, { Action: "GetCallerIdentity", Version: "2011-06-15" }, new Date());
    const response = await handler(apiGatewayEventOf(view), { functionName: "sts", awsRequestId: "test" } as Context);
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("<Arn>arn:aws:iam::111111111111:root</Arn>");
  });

  it("adds accounts on update and keeps existing keys", async () => {
    const keyRingBefore = await secretValue(keyRingArn);
    const rootsBefore = JSON.parse(await secretValue(rootArn)) as RootCredentials;
    const response = await invoke("Update", ["111111111111", "222222222222", "333333333333"]);
    expect(response.Status).toBe("SUCCESS");
    expect(await secretValue(keyRingArn)).toBe(keyRingBefore);
    const roots = JSON.parse(await secretValue(rootArn)) as RootCredentials;
    expect(roots["111111111111"]).toEqual(rootsBefore["111111111111"]);
    expect(roots["222222222222"]).toEqual(rootsBefore["222222222222"]);
    expect(accountOfAccessKeyId(roots["333333333333"]!.accessKeyId)).toBe("333333333333");
  });

  it("reports an invalid account id as a failure", async () => {
    const response = await invoke("Update", ["12345"]);
    expect(response.Status).toBe("FAILED");
    expect(response.Reason).toContain("12345 is not a 12-digit account id");
  });

  it("keeps the data on delete", async () => {
    const rootsBefore = await secretValue(rootArn);
    const response = await invoke("Delete", []);
    expect(response.Status).toBe("SUCCESS");
    expect(await secretValue(rootArn)).toBe(rootsBefore);
  });
});
