import { randomUUID } from "node:crypto";
import { generateId, type IdPrefix } from "../credentials/ids.js";
import { managedPolicyArn, parseManagedPolicyArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import type { Plain } from "./attributes.js";
import { TtlCache } from "./cache.js";
import type { ManagedPolicyRecord, ManagedPolicyVersionRecord, Tag } from "./entities.js";
import { accountPk, MANAGED_POLICY_PREFIX, managedPolicySk, policyDocumentSk } from "./keys.js";
import { ConditionFailed, type Table } from "./table.js";

/** IAM's quota of versions per customer managed policy, the default one included. */
export const VERSIONS_PER_MANAGED_POLICY = 5;

/** Reads and conditional writes per version change before it gives up under contention. */
const WRITE_ATTEMPTS = 10;

/** The prefix IAM gives managed policy ids. */
const POLICY_ID_PREFIX: IdPrefix = "ANPA";

export interface NewManagedPolicy {
  policyName: string;
  path: string;
  description?: string;
  document: string;
  tags: readonly Tag[];
}

export interface ManagedPolicyStoreOptions {
  partition: string;
  /** Staleness bound of the read caches in milliseconds. 0 turns caching off. */
  cacheTtlMs: number;
}

/** A policy with the document of its default version, as the session code reads it. */
interface DefaultDocument {
  path: string;
  document: string;
}

/**
 * Repository of the customer managed policies of each account. A policy is one item that lists
 * its versions, and each version's document is an item of its own. Version changes are conditional
 * updates of the policy item, so the version quota and "never delete the default version" hold
 * under concurrent requests. Documents are written before the version that names them and
 * deleted after it, so a listed version always has its document.
 */
export class ManagedPolicyStore {
  private readonly cache: TtlCache<ManagedPolicyRecord | undefined>;
  private readonly defaultDocumentCache: TtlCache<DefaultDocument | undefined>;

  constructor(
    private readonly table: Table,
    private readonly options: ManagedPolicyStoreOptions,
  ) {
    this.cache = new TtlCache(options.cacheTtlMs);
    this.defaultDocumentCache = new TtlCache(options.cacheTtlMs);
  }

  /** Creates a policy whose only version, `v1`, is its default. */
  async createPolicy(accountId: string, policy: NewManagedPolicy, now: Date): Promise<ManagedPolicyRecord> {
    const documentId = await this.putDocument(accountId, policy.policyName, policy.document);
    const version: ManagedPolicyVersionRecord = { versionId: "v1", createDate: now.toISOString(), documentId };
    const record: ManagedPolicyRecord = {
      accountId,
      policyName: policy.policyName,
      policyId: generateId(POLICY_ID_PREFIX),
      path: policy.path,
      arn: managedPolicyArn(this.options.partition, accountId, policy.path, policy.policyName),
      ...(policy.description === undefined ? {} : { description: policy.description }),
      defaultVersionId: "v1",
      versions: [version],
      createDate: now.toISOString(),
      updateDate: now.toISOString(),
      tags: [...policy.tags],
    };
    try {
      await this.table.put(
        { pk: accountPk(accountId), sk: managedPolicySk(policy.policyName), ...policyToItem(record), nextVersion: 2 },
        { condition: "attribute_not_exists(pk)" },
      );
    } catch (error) {
      await this.deleteDocument(accountId, policy.policyName, documentId);
      if (error instanceof ConditionFailed) {
        throw new ServiceError("EntityAlreadyExists", `A policy called ${policy.policyName} already exists. Duplicate names are not allowed.`);
      }
      throw error;
    }
    this.forget(accountId, policy.policyName);
    return record;
  }

  /** Finds a policy by name, regardless of case. Reads go through the cache. */
  async getPolicy(accountId: string, policyName: string): Promise<ManagedPolicyRecord | undefined> {
    return this.cache.get(cacheKey(accountId, policyName), () => this.readPolicy(accountId, policyName));
  }

  /** Lists an account's policies in the order of their lower-cased names. */
  async listPolicies(accountId: string): Promise<ManagedPolicyRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), MANAGED_POLICY_PREFIX);
    return items.map(policyFromItem);
  }

  /** Reads the document of one version of `policy`, or returns undefined when that version was deleted. */
  async getVersionDocument(policy: ManagedPolicyRecord, versionId: string): Promise<string | undefined> {
    const version = policy.versions.find((entry) => entry.versionId === versionId);
    if (!version) return undefined;
    const item = await this.table.get(accountPk(policy.accountId), policyDocumentSk(policy.policyName, version.documentId));
    return typeof item?.document === "string" ? item.document : undefined;
  }

  /**
   * Returns the default version's document of the customer managed policy `arn`, or undefined
   * when no such policy exists: an ARN that does not parse, of another partition, or whose path
   * differs from the policy's. Reads go through a cache bounded by `cacheTtlMs`.
   */
  async getPolicyDocumentByArn(arn: string): Promise<string | undefined> {
    const parsed = parseManagedPolicyArn(arn);
    if (!parsed || parsed.partition !== this.options.partition || parsed.accountId === "aws") return undefined;
    const { accountId, policyName } = parsed;
    const found = await this.defaultDocumentCache.get(cacheKey(accountId, policyName), async () => {
      // A version that stops being the default can be deleted between the two reads, so read again once.
      for (let attempt = 0; attempt < 2; attempt++) {
        const policy = await this.readPolicy(accountId, policyName);
        if (!policy) return undefined;
        const document = await this.getVersionDocument(policy, policy.defaultVersionId);
        if (document !== undefined) return { path: policy.path, document };
      }
      return undefined;
    });
    return found?.path === parsed.path ? found.document : undefined;
  }

  /**
   * Adds a version with the next unused number, as the default when `setAsDefault` is true. The
   * document is written first under a random id. The version is then added under a condition on
   * the number read and the version count, and read again when another change wrote first.
   */
  async createPolicyVersion(
    accountId: string,
    policyName: string,
    document: string,
    setAsDefault: boolean,
    now: Date,
  ): Promise<{ policy: ManagedPolicyRecord; version: ManagedPolicyVersionRecord }> {
    const pk = accountPk(accountId);
    const sk = managedPolicySk(policyName);
    const documentId = await this.putDocument(accountId, policyName, document);
    try {
      for (let attempt = 1; ; attempt++) {
        const item = await this.table.get(pk, sk);
        if (!item) throw policyNotFound(this.arnOf(accountId, policyName));
        const current = policyFromItem(item);
        if (current.versions.length >= VERSIONS_PER_MANAGED_POLICY) {
          throw new ServiceError(
            "LimitExceeded",
            `A managed policy can have up to ${VERSIONS_PER_MANAGED_POLICY} versions. Before you create a new version, you must delete an existing version.`,
          );
        }
        const number = Number(item.nextVersion);
        const version: ManagedPolicyVersionRecord = { versionId: `v${number}`, createDate: now.toISOString(), documentId };
        const sets = ["versions.#version = :version", "nextVersion = :next", "updateDate = :now"];
        if (setAsDefault) sets.push("defaultVersionId = :versionId");
        try {
          await this.table.update(pk, sk, `SET ${sets.join(", ")}`, {
            condition: "policyId = :policyId AND nextVersion = :number AND size(versions) < :max",
            names: { "#version": version.versionId },
            values: {
              ":version": { createDate: version.createDate, documentId },
              ":next": number + 1,
              ":now": now.toISOString(),
              ":policyId": current.policyId,
              ":number": number,
              ":max": VERSIONS_PER_MANAGED_POLICY,
              ...(setAsDefault ? { ":versionId": version.versionId } : {}),
            },
          });
        } catch (error) {
          if (!(error instanceof ConditionFailed)) throw error;
          // NOTE: IAM returns ConcurrentModification here, a code the error table lacks. SDKs retry Throttling.
          if (attempt === WRITE_ATTEMPTS) throw new ServiceError("Throttling", "Rate exceeded");
          continue;
        }
        this.forget(accountId, policyName);
        const policy: ManagedPolicyRecord = {
          ...current,
          versions: [...current.versions, version],
          updateDate: version.createDate,
          ...(setAsDefault ? { defaultVersionId: version.versionId } : {}),
        };
        return { policy, version };
      }
    } catch (error) {
      await this.deleteDocument(accountId, policyName, documentId);
      throw error;
    }
  }

  /** Makes an existing version the default. */
  async setDefaultPolicyVersion(accountId: string, policyName: string, versionId: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), managedPolicySk(policyName), "SET defaultVersionId = :versionId", {
        condition: "attribute_exists(versions.#version)",
        names: { "#version": versionId },
        values: { ":versionId": versionId },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const policy = await this.readPolicy(accountId, policyName);
      if (!policy) throw policyNotFound(this.arnOf(accountId, policyName));
      throw versionNotFound(policy.arn, versionId);
    }
    this.forget(accountId, policyName);
  }

  /** Deletes a version that is not the default, then its document. */
  async deletePolicyVersion(accountId: string, policyName: string, versionId: string): Promise<void> {
    const pk = accountPk(accountId);
    const sk = managedPolicySk(policyName);
    for (let attempt = 1; ; attempt++) {
      const policy = await this.readPolicy(accountId, policyName);
      if (!policy) throw policyNotFound(this.arnOf(accountId, policyName));
      const version = policy.versions.find((entry) => entry.versionId === versionId);
      if (!version) throw versionNotFound(policy.arn, versionId);
      if (policy.defaultVersionId === versionId) {
        throw new ServiceError("DeleteConflict", "Cannot delete the default version of a policy.");
      }
      try {
        await this.table.update(pk, sk, "REMOVE versions.#version", {
          condition: "policyId = :policyId AND attribute_exists(versions.#version) AND defaultVersionId <> :versionId",
          names: { "#version": versionId },
          values: { ":policyId": policy.policyId, ":versionId": versionId },
        });
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        if (attempt === WRITE_ATTEMPTS) throw new ServiceError("Throttling", "Rate exceeded");
        continue;
      }
      this.forget(accountId, policyName);
      await this.deleteDocument(accountId, policyName, version.documentId);
      return;
    }
  }

  /** Deletes a policy that has only its default version left, then that version's document. */
  async deletePolicy(accountId: string, policyName: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const policy = await this.readPolicy(accountId, policyName);
      if (!policy) throw policyNotFound(this.arnOf(accountId, policyName));
      if (policy.versions.length > 1) {
        throw new ServiceError(
          "DeleteConflict",
          "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
        );
      }
      try {
        await this.table.delete(accountPk(accountId), managedPolicySk(policyName), {
          condition: "policyId = :policyId AND size(versions) = :one",
          values: { ":policyId": policy.policyId, ":one": 1 },
        });
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        if (attempt === WRITE_ATTEMPTS) throw new ServiceError("Throttling", "Rate exceeded");
        continue;
      }
      this.forget(accountId, policyName);
      for (const version of policy.versions) await this.deleteDocument(accountId, policyName, version.documentId);
      return;
    }
  }

  private async readPolicy(accountId: string, policyName: string): Promise<ManagedPolicyRecord | undefined> {
    const item = await this.table.get(accountPk(accountId), managedPolicySk(policyName));
    return item ? policyFromItem(item) : undefined;
  }

  private async putDocument(accountId: string, policyName: string, document: string): Promise<string> {
    const documentId = randomUUID();
    await this.table.put({ pk: accountPk(accountId), sk: policyDocumentSk(policyName, documentId), document });
    return documentId;
  }

  /**
   * Deletes a version's document. NOTE: a process that stops between removing a version (or
   * losing a create) and this delete leaves the document item behind. Nothing reads such an item.
   */
  private async deleteDocument(accountId: string, policyName: string, documentId: string): Promise<void> {
    await this.table.delete(accountPk(accountId), policyDocumentSk(policyName, documentId));
  }

  private arnOf(accountId: string, policyName: string): string {
    return managedPolicyArn(this.options.partition, accountId, "/", policyName);
  }

  private forget(accountId: string, policyName: string): void {
    this.cache.delete(cacheKey(accountId, policyName));
    this.defaultDocumentCache.delete(cacheKey(accountId, policyName));
  }
}

/** Builds the NoSuchEntity error for a policy ARN that names no policy of the caller's account. */
export function policyNotFound(arn: string): ServiceError {
  return new ServiceError("NoSuchEntity", `Policy ${arn} does not exist or is not attachable.`);
}

export function versionNotFound(arn: string, versionId: string): ServiceError {
  return new ServiceError("NoSuchEntity", `Policy ${arn} version ${versionId} does not exist or is not attachable.`);
}

const cacheKey = (accountId: string, policyName: string): string => `${accountId}/${policyName.toLowerCase()}`;

function policyToItem(policy: ManagedPolicyRecord): Record<string, Plain> {
  const { versions, tags, ...rest } = policy;
  return {
    ...rest,
    versions: Object.fromEntries(versions.map((version) => [version.versionId, { createDate: version.createDate, documentId: version.documentId }])),
    tags: tags.map((tag) => ({ ...tag })),
  };
}

function policyFromItem(item: Record<string, Plain>): ManagedPolicyRecord {
  const versions: ManagedPolicyVersionRecord[] = [];
  const stored = item.versions;
  if (stored && typeof stored === "object" && !Array.isArray(stored)) {
    for (const [versionId, value] of Object.entries(stored)) {
      const entry = value as Record<string, Plain>;
      versions.push({ versionId, createDate: String(entry.createDate), documentId: String(entry.documentId) });
    }
  }
  versions.sort((a, b) => versionNumber(a.versionId) - versionNumber(b.versionId));
  return {
    accountId: String(item.accountId),
    policyName: String(item.policyName),
    policyId: String(item.policyId),
    path: String(item.path),
    arn: String(item.arn),
    ...(typeof item.description === "string" ? { description: item.description } : {}),
    defaultVersionId: String(item.defaultVersionId),
    versions,
    createDate: String(item.createDate),
    updateDate: String(item.updateDate),
    tags: Array.isArray(item.tags)
      ? item.tags.map((tag) => ({ Key: String((tag as Record<string, Plain>).Key), Value: String((tag as Record<string, Plain>).Value) }))
      : [],
  };
}

/** The number of a version id: 3 for `v3`. */
export function versionNumber(versionId: string): number {
  return Number(versionId.slice(1));
}
