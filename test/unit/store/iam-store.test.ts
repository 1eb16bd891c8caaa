import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServiceError } from "../../../shared/protocol/errors.js";
import { type InProcessService, startInProcessService } from "../../support/in-process.js";

const ACCOUNT = "123456789012";
const NOW = new Date("2026-05-01T00:00:00Z");

function codeOf(result: PromiseSettledResult<unknown>): string | undefined {
  return result.status === "rejected" ? (result.reason as ServiceError).code : undefined;
}

describe("IamStore on the embedded store", () => {
  let service: InProcessService;

  beforeAll(async () => {
    service = await startInProcessService(NOW);
  });
  afterAll(async () => {
    await service.close();
  });

  it("lets exactly one of many concurrent creates of a name win", async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 100 }, (_, index) =>
        service.store.createUser(ACCOUNT, { userName: index % 2 === 0 ? "race" : "RACE", path: "/", tags: [] }, NOW),
      ),
    );
    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    expect(attempts.filter((result) => codeOf(result) === "EntityAlreadyExists")).toHaveLength(99);
  });

  it("holds the access key quota under concurrency", async () => {
    await service.store.createUser(ACCOUNT, { userName: "quota", path: "/", tags: [] }, NOW);
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, () => service.store.createAccessKey(ACCOUNT, "quota", NOW)),
    );
    expect(attempts.filter((result) => result.status === "fulfilled")).toHaveLength(2);
    expect(attempts.filter((result) => codeOf(result) === "LimitExceeded")).toHaveLength(8);
    expect(await service.store.listAccessKeys(ACCOUNT, "quota")).toHaveLength(2);
  });

  it("stores secrets sealed", async () => {
    await service.store.createUser(ACCOUNT, { userName: "sealed", path: "/", tags: [] }, NOW);
    const key = await service.store.createAccessKey(ACCOUNT, "sealed", NOW);
    const raw = await service.table.get(`ACCESSKEY#${key.accessKeyId}`, "#KEY");
    expect(JSON.stringify(raw)).not.toContain(key.secretAccessKey);
    expect((await service.store.getAccessKey(key.accessKeyId))?.secretAccessKey).toBe(key.secretAccessKey);
  });

  it("refuses to delete a role that still has policies", async () => {
    await service.store.createRole(ACCOUNT, { roleName: "busy", path: "/", trustPolicy: "{}", trustPrincipalIds: {}, maxSessionDuration: 3600, tags: [] }, NOW);
    await service.store.putRolePolicy(ACCOUNT, "busy", "p", "{}");
    await expect(service.store.deleteRole(ACCOUNT, "busy")).rejects.toMatchObject({ code: "DeleteConflict" });
    await service.store.deleteRolePolicy(ACCOUNT, "busy", "p");
    await service.store.deleteRole(ACCOUNT, "busy");
    expect(await service.store.getRole(ACCOUNT, "busy")).toBeUndefined();
  });

  it("reports missing entities as NoSuchEntity", async () => {
    await expect(service.store.deleteAccessKey(ACCOUNT, "nobody", "AKIANOSUCHKEY0000000")).rejects.toBeInstanceOf(ServiceError);
    await expect(service.store.putUserPolicy(ACCOUNT, "nobody", "p", "{}")).rejects.toMatchObject({ code: "NoSuchEntity" });
    await expect(service.store.updateTrustPolicy(ACCOUNT, "nobody", "{}", {})).rejects.toMatchObject({ code: "NoSuchEntity" });
  });
});
