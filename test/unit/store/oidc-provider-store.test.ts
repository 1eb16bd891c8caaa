import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceError } from "../../../shared/protocol/errors.js";
import { accountPk, OIDC_PROVIDER_COUNT_SK } from "../../../shared/store/keys.js";
import { type NewOidcProvider, OidcProviderStore } from "../../../shared/store/oidc-provider-store.js";
import { type InProcessService, startInProcessService } from "../../support/in-process.js";

const NOW = new Date("2026-05-01T00:00:00Z");

function codeOf(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === "rejected" ? (result.reason as ServiceError).code : undefined;
}

function provider(urlWithoutScheme: string, changes: Partial<NewOidcProvider> = {}): NewOidcProvider {
  return { url: `https://${urlWithoutScheme}`, urlWithoutScheme, clientIds: [], thumbprints: [], tags: [], ...changes };
}

describe("OidcProviderStore on the embedded store", () => {
  let service: InProcessService;
  let store: OidcProviderStore;

  beforeAll(async () => {
    service = await startInProcessService(NOW);
    store = (await service.store.oidcProviders());
  });
  afterAll(async () => {
    await service.close();
  });

  it("lets one of 100 concurrent creates win", async () => {
    const account = "100000000001";
    const attempts = await Promise.allSettled(
      Array.from({ length: 100 }, () => store.createOidcProvider(account, provider("race.example.com"), NOW)),
    );

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(attempts.filter((result) => codeOf(result) === "EntityAlreadyExists")).toHaveLength(99);
    expect(await store.listOidcProviders(account)).toHaveLength(1);
    // The losers gave their quota slots back.
    expect((await service.table.get(accountPk(account), OIDC_PROVIDER_COUNT_SK))?.providerCount).toBe(1);
  });

  it("enforces provider quota under concurrency", async () => {
    const account = "100000000002";
    const attempts = await Promise.allSettled(
      Array.from({ length: 110 }, (_, index) => store.createOidcProvider(account, provider(`quota.example.com/${index}`), NOW)),
    );

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(100);
    expect(attempts.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(10);
    expect(await store.listOidcProviders(account)).toHaveLength(100);
  });

  it("keeps every concurrently added client id", async () => {
    const account = "100000000003";
    await store.createOidcProvider(account, provider("audiences.example.com"), NOW);
    const clientIds = Array.from({ length: 20 }, (_, index) => `client-${String(index).padStart(2, "0")}`);
    await Promise.all(clientIds.map((clientId) => store.addClientId(account, "audiences.example.com", clientId)));

    expect((await store.getOidcProvider(account, "audiences.example.com"))?.clientIds).toEqual(clientIds);
  });

  it("enforces client id quota under concurrency", async () => {
    const account = "100000000004";
    const initial = Array.from({ length: 95 }, (_, index) => `initial-${index}`);
    await store.createOidcProvider(account, provider("full.example.com", { clientIds: initial }), NOW);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) => store.addClientId(account, "full.example.com", `extra-${index}`)),
    );

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(5);
    expect(attempts.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(5);
    expect((await store.getOidcProvider(account, "full.example.com"))?.clientIds).toHaveLength(100);
  });

  it("enforces tag quota under concurrency", async () => {
    const account = "100000000005";
    await store.createOidcProvider(account, provider("tags.example.com"), NOW);
    const attempts = await Promise.allSettled(
      Array.from({ length: 60 }, (_, index) => store.tagOidcProvider(account, "tags.example.com", [{ Key: `key${index}`, Value: "v" }])),
    );

    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(50);
    expect(attempts.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(10);
    expect((await store.getOidcProvider(account, "tags.example.com"))?.tags).toHaveLength(50);
  });

  it("finds a provider by its exact url", async () => {
    const account = "100000000006";
    await store.createOidcProvider(account, provider("Issuer.example.com/Tenant"), NOW);

    expect((await store.getOidcProvider(account, "Issuer.example.com/Tenant"))?.url).toBe("https://Issuer.example.com/Tenant");
    expect(await store.getOidcProvider(account, "issuer.example.com/tenant")).toBeUndefined();
    expect(await store.getOidcProvider("100000000007", "Issuer.example.com/Tenant")).toBeUndefined();
  });

  it("keeps case and trailing slash distinct", async () => {
    const account = "100000000010";
    for (const url of ["Issuer.example.com/Tenant", "issuer.example.com/tenant", "issuer.example.com/tenant/"]) {
      await store.createOidcProvider(account, provider(url), NOW);
    }

    expect((await store.listOidcProviders(account)).map((record) => record.arn)).toEqual([
      "arn:aws:iam::100000000010:oidc-provider/Issuer.example.com/Tenant",
      "arn:aws:iam::100000000010:oidc-provider/issuer.example.com/tenant",
      "arn:aws:iam::100000000010:oidc-provider/issuer.example.com/tenant/",
    ]);
  });

  it("drops cached reads on writes", async () => {
    const account = "100000000008";
    const cached = new OidcProviderStore(service.table, { partition: "aws", cacheTtlMs: 60_000 });
    expect(await cached.getOidcProvider(account, "cached.example.com")).toBeUndefined();

    await cached.createOidcProvider(account, provider("cached.example.com"), NOW);
    expect((await cached.getOidcProvider(account, "cached.example.com"))?.clientIds).toEqual([]);
    await cached.addClientId(account, "cached.example.com", "app");
    expect((await cached.getOidcProvider(account, "cached.example.com"))?.clientIds).toEqual(["app"]);
    await cached.deleteOidcProvider(account, "cached.example.com");
    expect(await cached.getOidcProvider(account, "cached.example.com")).toBeUndefined();
  });

  it("serves cached reads within the bound", async () => {
    const account = "100000000009";
    const cached = new OidcProviderStore(service.table, { partition: "aws", cacheTtlMs: 60_000 });
    await cached.createOidcProvider(account, provider("stale.example.com"), NOW);
    expect(await cached.getOidcProvider(account, "stale.example.com")).toBeDefined();

    // A write through another store instance, as another Lambda container would make it.
    await store.deleteOidcProvider(account, "stale.example.com");
    expect(await cached.getOidcProvider(account, "stale.example.com")).toBeDefined();
  });
});
