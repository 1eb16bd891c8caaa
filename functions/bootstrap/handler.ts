import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from "aws-lambda";
import { readServiceConfig } from "../../shared/config/service-config.js";
import { generateAccessKeyId, generateSecretAccessKey } from "../../shared/credentials/ids.js";
import { keyRingFromDocument, newKeyRingDocument, parseKeyRingDocument } from "../../shared/credentials/keyring-document.js";
import { IamStore } from "../../shared/store/iam-store.js";
import { Table } from "../../shared/store/table.js";
import { logger } from "../lib/logger.js";

/** Root credentials as the root credentials secret keeps them, by account id. */
type RootCredentials = Record<string, { accessKeyId: string; secretAccessKey: string }>;

const ACCOUNT_ID = /^\d{12}$/;

/**
 * Prepares a deployment as a CloudFormation custom resource. It writes a new key ring into the
 * key ring secret unless one is there, and gives each listed account a root access key, kept in
 * the root credentials secret. Later deployments add accounts and never replace keys.
 * Deleting the stack leaves the data, which the retained table and secrets keep.
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<void> {
  let response: CloudFormationCustomResourceResponse;
  const physicalResourceId = event.RequestType === "Create" ? "open-sts-bootstrap" : event.PhysicalResourceId;
  try {
    if (event.RequestType !== "Delete") {
      const accountIds = (event.ResourceProperties.accountIds ?? []) as string[];
      await bootstrap(accountIds);
    }
    response = { Status: "SUCCESS", PhysicalResourceId: physicalResourceId, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
  } catch (error) {
    logger.error("bootstrap failed", { error: error as Error });
    response = {
      Status: "FAILED",
      Reason: `Open STS bootstrap failed: ${(error as Error).message}. See the bootstrap function's log.`,
      PhysicalResourceId: physicalResourceId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
  }
  // CloudFormation waits for this upload to the presigned URL it gave.
  await fetch(event.ResponseURL, { method: "PUT", body: JSON.stringify(response), headers: { "content-type": "" } });
}

async function bootstrap(accountIds: string[]): Promise<void> {
  const invalid = accountIds.find((id) => !ACCOUNT_ID.test(id));
  if (invalid !== undefined) throw new Error(`${invalid} is not a 12-digit account id`);
  const secrets = new SecretsManagerClient({});
  const keyRingArn = requiredEnv("OPEN_STS_KEYRING_SECRET_ARN");
  const rootArn = requiredEnv("OPEN_STS_ROOT_CREDENTIALS_SECRET_ARN");
  const now = new Date();

  const readSecret = async (arn: string) => (await secrets.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString ?? "";
  let document = parseKeyRingDocument(await readSecret(keyRingArn));
  if (!document) {
    document = newKeyRingDocument(now);
    await secrets.send(new PutSecretValueCommand({ SecretId: keyRingArn, SecretString: JSON.stringify(document) }));
    logger.info("created the key ring", { kids: document.keys.map((key) => key.kid) });
  }

  const config = readServiceConfig();
  const ring = keyRingFromDocument(document);
  const store = new IamStore(new Table(new DynamoDBClient({}), config.tableName), ring, { partition: config.partition, cacheTtlMs: 0 });
  const stored = JSON.parse((await readSecret(rootArn)) || "{}") as RootCredentials & { placeholder?: unknown };
  delete stored.placeholder;
  let added = false;
  for (const accountId of accountIds) {
    await store.ensureAccount(accountId, now);
    const existing = stored[accountId];
    const credentials = existing ?? { accessKeyId: generateAccessKeyId("AKIA", accountId), secretAccessKey: generateSecretAccessKey() };
    await store.putRootAccessKey(accountId, credentials.accessKeyId, credentials.secretAccessKey, now);
    if (!existing) {
      stored[accountId] = credentials;
      added = true;
      logger.info("created a root access key", { accountId, accessKeyId: credentials.accessKeyId });
    }
  }
  if (added) await secrets.send(new PutSecretValueCommand({ SecretId: rootArn, SecretString: JSON.stringify(stored) }));
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
