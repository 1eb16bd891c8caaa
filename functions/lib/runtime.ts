import { readFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildDependencies } from "../../shared/api/dependencies.js";
import type { QueryDependencies } from "../../shared/api/query-service.js";
import { readServiceConfig } from "../../shared/config/service-config.js";
import { type KeyMaterial, KeyRing } from "../../shared/credentials/keyring.js";
import { IamStore } from "../../shared/store/iam-store.js";
import { Table } from "../../shared/store/table.js";

let runtime: Promise<QueryDependencies> | undefined;

/** Installs the dependencies the handlers use; the local host calls this before serving. */
export function setRuntime(dependencies: QueryDependencies): void {
  runtime = Promise.resolve(dependencies);
}

/**
 * Returns the handlers' dependencies, building them from the environment once per cold start
 * unless setRuntime installed them: OPEN_STS_KEYRING_FILE names a JSON key ring file, and
 * OPEN_STS_DYNAMODB_ENDPOINT optionally points the DynamoDB client at another endpoint.
 */
export function getRuntime(): Promise<QueryDependencies> {
  runtime ??= buildFromEnvironment();
  return runtime;
}

async function buildFromEnvironment(): Promise<QueryDependencies> {
  const config = readServiceConfig();
  const keyringFile = process.env.OPEN_STS_KEYRING_FILE;
  if (!keyringFile) throw new Error("OPEN_STS_KEYRING_FILE is not set, so no key ring is available");
  // TODO: load the key ring from KMS or Secrets Manager on AWS, as the deployment stack will.
  const ring = new KeyRing(JSON.parse(readFileSync(keyringFile, "utf8")).keys as KeyMaterial[]);
  const endpoint = process.env.OPEN_STS_DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(endpoint ? { endpoint } : {});
  const store = new IamStore(new Table(client, config.tableName), ring, {
    partition: config.partition,
    cacheTtlMs: config.cacheTtlSeconds * 1000,
  });
  return buildDependencies(store, ring, config);
}
