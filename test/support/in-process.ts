import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { QueryDependencies } from "../../shared/api/query-service.js";
import { buildDependencies } from "../../shared/api/dependencies.js";
import { readServiceConfig, type ServiceConfig } from "../../shared/config/service-config.js";
import { generateKeyMaterial, KeyRing } from "../../shared/credentials/keyring.js";
import { IamStore } from "../../shared/store/iam-store.js";
import { Table } from "../../shared/store/table.js";
import { startEmbeddedStore } from "../../infra/local/embedded-store.js";

export interface InProcessService extends QueryDependencies {
  table: Table;
  close(): Promise<void>;
}

/** Builds the service's dependencies on an in-memory embedded store, for tests that call shared/ or a handler directly. */
export async function startInProcessService(now = new Date(), overrides: Partial<ServiceConfig> = {}): Promise<InProcessService> {
  const embedded = await startEmbeddedStore(undefined);
  const client = new DynamoDBClient({
    endpoint: embedded.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
  });
  const config: ServiceConfig = { ...readServiceConfig({}), cacheTtlSeconds: 0, unsignedRatePerSecond: 0, ...overrides };
  const table = new Table(client, config.tableName);
  await table.ensureExists();
  const ring = new KeyRing([generateKeyMaterial(now)]);
  const store = new IamStore(table, ring, { partition: config.partition, cacheTtlMs: 0 });
  return {
    ...buildDependencies(store, ring, config),
    table,
    close: async () => {
      client.destroy();
      await embedded.close();
    },
  };
}
