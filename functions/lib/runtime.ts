import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildDependencies } from "../../shared/api/dependencies.js";
import type { QueryDependencies } from "../../shared/api/query-service.js";
import { readServiceConfig } from "../../shared/config/service-config.js";
import { type KeyRingDocument, keyRingFromDocument, parseKeyRingDocument } from "../../shared/credentials/keyring-document.js";
import { IamStore } from "../../shared/store/iam-store.js";
import { Table } from "../../shared/store/table.js";

let runtime: Promise<QueryDependencies> | undefined;

/** Installs the dependencies the handlers use; the local host calls this before serving. */
export function setRuntime(dependencies: QueryDependencies): void {
  runtime = Promise.resolve(dependencies);
}

/**
 * Returns the handlers' dependencies, building them from the environment once per cold start
 * unless setRuntime installed them. The key ring comes from the Secrets Manager secret that
 * OPEN_STS_KEYRING_SECRET_ARN names (on AWS) or from the file OPEN_STS_KEYRING_FILE names;
 * OPEN_STS_DYNAMODB_ENDPOINT optionally points the DynamoDB client at another endpoint. A failed
 * build is not kept, so the next request tries again.
 */
export function getRuntime(): Promise<QueryDependencies> {
  runtime ??= buildFromEnvironment().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

async function buildFromEnvironment(): Promise<QueryDependencies> {
  const config = readServiceConfig();
  const ring = keyRingFromDocument(await readKeyRingDocument());
  const endpoint = process.env.OPEN_STS_DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(endpoint ? { endpoint } : {});
  const store = new IamStore(new Table(client, config.tableName), ring, {
    partition: config.partition,
    cacheTtlMs: config.cacheTtlSeconds * 1000,
  });
  return buildDependencies(store, ring, config);
}

async function readKeyRingDocument(): Promise<KeyRingDocument> {
  const secretArn = process.env.OPEN_STS_KEYRING_SECRET_ARN;
  const file = process.env.OPEN_STS_KEYRING_FILE;
  let text: string;
  let source: string;
  if (secretArn) {
    // Loaded only on AWS: the local host and the tests read the key ring from a file.
    const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
    const secrets = new SecretsManagerClient({});
    text = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString ?? "";
    source = `the secret ${secretArn}`;
  } else if (file) {
    text = readFileSync(file, "utf8");
    source = file;
  } else {
    throw new Error("neither OPEN_STS_KEYRING_SECRET_ARN nor OPEN_STS_KEYRING_FILE is set, so no key ring is available");
  }
  const document = parseKeyRingDocument(text);
  if (!document) throw new Error(`${source} contains no valid key ring document; on AWS the bootstrap function writes one at deployment`);
  return document;
}
