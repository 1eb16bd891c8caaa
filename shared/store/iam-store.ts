import { ServiceError } from "../protocol/errors.js";
import type { KeyRing } from "../credentials/keyring.js";
import { open, seal } from "../credentials/sealed.js";
import { generateAccessKeyId, generateId, generateSecretAccessKey } from "../credentials/ids.js";
import { roleArn, userArn } from "../iam/arn.js";
import type { Plain } from "./attributes.js";
import { TtlCache } from "./cache.js";
import type { AccessKeyRecord, AccessKeyStatus, AccessKeyWithSecret, RoleRecord, Tag, UserRecord } from "./entities.js";
import {
  ACCESS_KEY_SK,
  ACCOUNT_SK,
  accessKeyPk,
  accountPk,
  ownerKeysGsi,
  roleSk,
  userSk,
} from "./keys.js";
import { ManagedPolicyStore } from "./managed-policy-store.js";
import type { MfaDeviceStore } from "./mfa-device-store.js";
import type { OidcProviderStore } from "./oidc-provider-store.js";
import { OneTimeUseStore } from "./one-time-use.js";
import type { OutboundFederationStore } from "./outbound-federation-store.js";
import type { SamlProviderStore } from "./saml-provider-store.js";
import { ConditionFailed, type Table } from "./table.js";

/** IAM allows two access keys per user. */
export const ACCESS_KEYS_PER_USER = 2;

export interface IamStoreOptions {
  partition: string;
  /** Staleness bound of the read caches, in milliseconds; 0 turns caching off. */
  cacheTtlMs: number;
}

export interface NewUser {
  userName: string;
  path: string;
  tags: Tag[];
}

export interface NewRole {
  roleName: string;
  path: string;
  trustPolicy: string;
  trustPrincipalIds: Record<string, string>;
  maxSessionDuration: number;
  description?: string;
  tags: Tag[];
}

/**
 * Repositories of accounts, users, roles and access keys. Uniqueness and "must be empty before
 * deletion" rules are single-item condition expressions, because the embedded store has no
 * transactions. Reads used by authentication go through caches bounded by `cacheTtlMs`.
 */
export class IamStore {
  private readonly keyCache: TtlCache<AccessKeyWithSecret | undefined>;
  private readonly userCache: TtlCache<UserRecord | undefined>;
  private readonly roleCache: TtlCache<RoleRecord | undefined>;
  /** The customer managed policies, in the same table. */
  readonly managedPolicies: ManagedPolicyStore;
  /** Values that may be used once, such as SAML assertion IDs. */
  readonly oneTimeUse: OneTimeUseStore;
  private readonly loaded = new Map<string, Promise<unknown>>();

  constructor(
    private readonly table: Table,
    private readonly ring: KeyRing,
    private readonly options: IamStoreOptions,
  ) {
    this.keyCache = new TtlCache(options.cacheTtlMs);
    this.userCache = new TtlCache(options.cacheTtlMs);
    this.roleCache = new TtlCache(options.cacheTtlMs);
    this.managedPolicies = new ManagedPolicyStore(table, options);
    this.oneTimeUse = new OneTimeUseStore(table);
  }

  // Repositories of the federation and MFA entities. AssumeRole never needs them, so their code
  // loads on first use and stays out of a cold start. Each is created once, with its own cache.

  /** Returns the OpenID Connect identity providers, in the same table. */
  oidcProviders(): Promise<OidcProviderStore> {
    return this.once("oidc", async () => new (await import("./oidc-provider-store.js")).OidcProviderStore(this.table, this.options));
  }

  /** Returns the SAML identity providers, in the same table. */
  samlProviders(): Promise<SamlProviderStore> {
    return this.once("saml", async () => new (await import("./saml-provider-store.js")).SamlProviderStore(this.table, this.ring, this.options));
  }

  /** Returns each account's outbound identity federation setting and issuer id. */
  outboundFederation(): Promise<OutboundFederationStore> {
    return this.once("outbound", async () => new (await import("./outbound-federation-store.js")).OutboundFederationStore(this.table, this.options));
  }

  /** Returns the virtual MFA devices, in the same table. */
  mfaDevices(): Promise<MfaDeviceStore> {
    return this.once("mfa", async () => new (await import("./mfa-device-store.js")).MfaDeviceStore(this.table, this.ring, this.options));
  }

  private once<T>(name: string, create: () => Promise<T>): Promise<T> {
    let store = this.loaded.get(name) as Promise<T> | undefined;
    if (!store) {
      store = create();
      this.loaded.set(name, store);
    }
    return store;
  }

  // Accounts

  async ensureAccount(accountId: string, now: Date): Promise<void> {
    try {
      await this.table.put(
        { pk: accountPk(accountId), sk: ACCOUNT_SK, accountId, createDate: now.toISOString() },
        { condition: "attribute_not_exists(pk)" },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  async accountExists(accountId: string): Promise<boolean> {
    return (await this.table.get(accountPk(accountId), ACCOUNT_SK)) !== undefined;
  }

  // Users

  async createUser(accountId: string, user: NewUser, now: Date): Promise<UserRecord> {
    const record: UserRecord = {
      accountId,
      userName: user.userName,
      userId: generateId("AIDA"),
      path: user.path,
      arn: userArn(this.options.partition, accountId, user.path, user.userName),
      createDate: now.toISOString(),
      tags: user.tags,
      policies: {},
    };
    try {
      await this.table.put(
        { pk: accountPk(accountId), sk: userSk(user.userName), ...userToItem(record), keyCount: 0 },
        { condition: "attribute_not_exists(pk)" },
      );
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("EntityAlreadyExists", `User with name ${user.userName} already exists.`);
      }
      throw error;
    }
    this.userCache.delete(userCacheKey(accountId, user.userName));
    return record;
  }

  async getUser(accountId: string, userName: string): Promise<UserRecord | undefined> {
    return this.userCache.get(userCacheKey(accountId, userName), async () => {
      const item = await this.table.get(accountPk(accountId), userSk(userName));
      return item ? userFromItem(item) : undefined;
    });
  }

  async requireUser(accountId: string, userName: string): Promise<UserRecord> {
    const user = await this.getUser(accountId, userName);
    if (!user) throw new ServiceError("NoSuchEntity", `The user with name ${userName} cannot be found.`);
    return user;
  }

  async listUsers(accountId: string): Promise<UserRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), "USER#");
    return items.map(userFromItem);
  }

  async deleteUser(accountId: string, userName: string): Promise<void> {
    const user = await this.requireUser(accountId, userName);
    try {
      await this.table.delete(accountPk(accountId), userSk(userName), {
        // The MFA device count closes the gap between the caller's device check and this write.
        condition:
          "attribute_exists(pk) AND keyCount = :zero AND size(policies) = :zero AND (attribute_not_exists(mfaDeviceCount) OR mfaDeviceCount = :zero)",
        values: { ":zero": 0 },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        // IAM names the first kind of dependent entity that blocks the deletion.
        const blocker =
          Object.keys(user.policies).length > 0
            ? "policies"
            : (await this.listAccessKeys(accountId, userName)).length > 0
              ? "access keys"
              : "MFA device";
        throw new ServiceError("DeleteConflict", `Cannot delete entity, must delete ${blocker} first.`);
      }
      throw error;
    }
    this.userCache.delete(userCacheKey(accountId, userName));
  }

  async putUserPolicy(accountId: string, userName: string, policyName: string, document: string): Promise<void> {
    await this.updatePolicies(accountPk(accountId), userSk(userName), "SET", policyName, document, () =>
      new ServiceError("NoSuchEntity", `The user with name ${userName} cannot be found.`),
    );
    this.userCache.delete(userCacheKey(accountId, userName));
  }

  async deleteUserPolicy(accountId: string, userName: string, policyName: string): Promise<void> {
    const user = await this.requireUser(accountId, userName);
    if (user.policies[policyName] === undefined) {
      throw new ServiceError("NoSuchEntity", `The user policy with name ${policyName} cannot be found.`);
    }
    await this.updatePolicies(accountPk(accountId), userSk(userName), "REMOVE", policyName, undefined, () =>
      new ServiceError("NoSuchEntity", `The user policy with name ${policyName} cannot be found.`),
    );
    this.userCache.delete(userCacheKey(accountId, userName));
  }

  // Roles

  async createRole(accountId: string, role: NewRole, now: Date): Promise<RoleRecord> {
    const record: RoleRecord = {
      accountId,
      roleName: role.roleName,
      roleId: generateId("AROA"),
      path: role.path,
      arn: roleArn(this.options.partition, accountId, role.path, role.roleName),
      createDate: now.toISOString(),
      ...(role.description === undefined ? {} : { description: role.description }),
      trustPolicy: role.trustPolicy,
      trustPrincipalIds: role.trustPrincipalIds,
      maxSessionDuration: role.maxSessionDuration,
      tags: role.tags,
      policies: {},
    };
    try {
      await this.table.put(
        { pk: accountPk(accountId), sk: roleSk(role.roleName), ...roleToItem(record) },
        { condition: "attribute_not_exists(pk)" },
      );
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("EntityAlreadyExists", `Role with name ${role.roleName} already exists.`);
      }
      throw error;
    }
    this.roleCache.delete(roleCacheKey(accountId, role.roleName));
    return record;
  }

  async getRole(accountId: string, roleName: string): Promise<RoleRecord | undefined> {
    return this.roleCache.get(roleCacheKey(accountId, roleName), async () => {
      const item = await this.table.get(accountPk(accountId), roleSk(roleName));
      return item ? roleFromItem(item) : undefined;
    });
  }

  async requireRole(accountId: string, roleName: string): Promise<RoleRecord> {
    const role = await this.getRole(accountId, roleName);
    if (!role) throw new ServiceError("NoSuchEntity", `The role with name ${roleName} cannot be found.`);
    return role;
  }

  async listRoles(accountId: string): Promise<RoleRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), "ROLE#");
    return items.map(roleFromItem);
  }

  async deleteRole(accountId: string, roleName: string): Promise<void> {
    await this.requireRole(accountId, roleName);
    try {
      await this.table.delete(accountPk(accountId), roleSk(roleName), {
        condition: "attribute_exists(pk) AND size(policies) = :zero",
        values: { ":zero": 0 },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("DeleteConflict", "Cannot delete entity, must delete policies first.");
      }
      throw error;
    }
    this.roleCache.delete(roleCacheKey(accountId, roleName));
  }

  async updateTrustPolicy(accountId: string, roleName: string, document: string, principalIds: Record<string, string>): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), roleSk(roleName), "SET trustPolicy = :document, trustPrincipalIds = :ids", {
        condition: "attribute_exists(pk)",
        values: { ":document": document, ":ids": principalIds },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("NoSuchEntity", `The role with name ${roleName} cannot be found.`);
      }
      throw error;
    }
    this.roleCache.delete(roleCacheKey(accountId, roleName));
  }

  /** Changes a role's description and maximum session duration; undefined leaves a value as it is. */
  async updateRole(accountId: string, roleName: string, changes: { description?: string; maxSessionDuration?: number }): Promise<void> {
    const sets: string[] = [];
    const values: Record<string, Plain> = {};
    if (changes.description !== undefined) {
      sets.push("description = :description");
      values[":description"] = changes.description;
    }
    if (changes.maxSessionDuration !== undefined) {
      sets.push("maxSessionDuration = :duration");
      values[":duration"] = changes.maxSessionDuration;
    }
    if (sets.length === 0) return;
    try {
      await this.table.update(accountPk(accountId), roleSk(roleName), `SET ${sets.join(", ")}`, {
        condition: "attribute_exists(pk)",
        values,
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("NoSuchEntity", `The role with name ${roleName} cannot be found.`);
      }
      throw error;
    }
    this.roleCache.delete(roleCacheKey(accountId, roleName));
  }

  async putRolePolicy(accountId: string, roleName: string, policyName: string, document: string): Promise<void> {
    await this.updatePolicies(accountPk(accountId), roleSk(roleName), "SET", policyName, document, () =>
      new ServiceError("NoSuchEntity", `The role with name ${roleName} cannot be found.`),
    );
    this.roleCache.delete(roleCacheKey(accountId, roleName));
  }

  async deleteRolePolicy(accountId: string, roleName: string, policyName: string): Promise<void> {
    const role = await this.requireRole(accountId, roleName);
    if (role.policies[policyName] === undefined) {
      throw new ServiceError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`);
    }
    await this.updatePolicies(accountPk(accountId), roleSk(roleName), "REMOVE", policyName, undefined, () =>
      new ServiceError("NoSuchEntity", `The role policy with name ${policyName} cannot be found.`),
    );
    this.roleCache.delete(roleCacheKey(accountId, roleName));
  }

  // Access keys

  /**
   * Creates an access key for a user, or for the account's root when `userName` is undefined.
   * The user's key counter is raised first under a condition that enforces the quota. If the
   * key item then fails to be written, the counter is lowered again.
   */
  async createAccessKey(accountId: string, userName: string | undefined, now: Date): Promise<AccessKeyWithSecret> {
    if (userName !== undefined) await this.reserveKeySlot(accountId, userName);
    const record: AccessKeyWithSecret = {
      accessKeyId: generateAccessKeyId("AKIA", accountId),
      accountId,
      ...(userName === undefined ? {} : { userName }),
      status: "Active",
      createDate: now.toISOString(),
      secretAccessKey: generateSecretAccessKey(),
    };
    try {
      await this.writeAccessKey(record, "attribute_not_exists(pk)");
    } catch (error) {
      if (userName !== undefined) await this.releaseKeySlot(accountId, userName);
      throw error;
    }
    return record;
  }

  /**
   * Writes the root access key that the operator configures (local bootstrap), replacing an older
   * copy. A configured key that was replaced by another one is deleted, so changing the key in the
   * configuration revokes the old one. Root keys made through CreateAccessKey are kept.
   */
  async putRootAccessKey(accountId: string, accessKeyId: string, secretAccessKey: string, now: Date): Promise<void> {
    const existing = await this.getAccessKey(accessKeyId);
    if (existing && (existing.accountId !== accountId || existing.userName !== undefined)) {
      throw new Error(`access key ${accessKeyId} already belongs to another principal`);
    }
    await this.writeAccessKey(
      { accessKeyId, accountId, status: "Active", createDate: existing?.createDate ?? now.toISOString(), secretAccessKey },
      undefined,
      { configured: true },
    );
    this.keyCache.delete(accessKeyId);

    for (const item of await this.table.queryIndex(ownerKeysGsi(accountId, undefined))) {
      if (item.configured === true && item.accessKeyId !== accessKeyId) {
        await this.table.delete(accessKeyPk(String(item.accessKeyId)), ACCESS_KEY_SK);
        this.keyCache.delete(String(item.accessKeyId));
      }
    }
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyWithSecret | undefined> {
    return this.keyCache.get(accessKeyId, async () => {
      const item = await this.table.get(accessKeyPk(accessKeyId), ACCESS_KEY_SK);
      if (!item) return undefined;
      const opened = await open(this.ring, "secret-at-rest", String(item.secret));
      const secret = (opened?.payload as { secretAccessKey?: unknown } | undefined)?.secretAccessKey;
      if (typeof secret !== "string") {
        throw new ServiceError("InternalFailure", "A stored access key could not be opened with the key ring.");
      }
      return { ...accessKeyFromItem(item), secretAccessKey: secret };
    });
  }

  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]> {
    const items = await this.table.queryIndex(ownerKeysGsi(accountId, userName));
    return items.map(accessKeyFromItem).sort((a, b) => a.createDate.localeCompare(b.createDate));
  }

  async deleteAccessKey(accountId: string, userName: string | undefined, accessKeyId: string): Promise<void> {
    const ownerMatches =
      userName === undefined ? "attribute_not_exists(userName)" : "userName = :userName";
    try {
      await this.table.delete(accessKeyPk(accessKeyId), ACCESS_KEY_SK, {
        condition: `attribute_exists(pk) AND accountId = :accountId AND ${ownerMatches}`,
        values: { ":accountId": accountId, ...(userName === undefined ? {} : { ":userName": userName }) },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`);
      }
      throw error;
    }
    this.keyCache.delete(accessKeyId);
    if (userName !== undefined) await this.releaseKeySlot(accountId, userName);
  }

  async setAccessKeyStatus(accountId: string, userName: string | undefined, accessKeyId: string, status: AccessKeyStatus): Promise<void> {
    const ownerMatches = userName === undefined ? "attribute_not_exists(userName)" : "userName = :userName";
    try {
      await this.table.update(accessKeyPk(accessKeyId), ACCESS_KEY_SK, "SET #status = :status", {
        condition: `attribute_exists(pk) AND accountId = :accountId AND ${ownerMatches}`,
        names: { "#status": "status" },
        values: { ":status": status, ":accountId": accountId, ...(userName === undefined ? {} : { ":userName": userName }) },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("NoSuchEntity", `The Access Key with id ${accessKeyId} cannot be found.`);
      }
      throw error;
    }
    this.keyCache.delete(accessKeyId);
  }

  private async writeAccessKey(
    record: AccessKeyWithSecret,
    condition: string | undefined,
    extra: Record<string, Plain> = {},
  ): Promise<void> {
    const { secretAccessKey, ...rest } = record;
    const sealed = await seal(this.ring, "secret-at-rest", { accessKeyId: record.accessKeyId, secretAccessKey });
    await this.table.put(
      {
        pk: accessKeyPk(record.accessKeyId),
        sk: ACCESS_KEY_SK,
        gsi1pk: ownerKeysGsi(record.accountId, record.userName),
        gsi1sk: record.accessKeyId,
        ...rest,
        ...extra,
        secret: sealed,
      },
      condition === undefined ? {} : { condition },
    );
  }

  private async reserveKeySlot(accountId: string, userName: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), userSk(userName), "ADD keyCount :one", {
        condition: "attribute_exists(pk) AND keyCount < :max",
        values: { ":one": 1, ":max": ACCESS_KEYS_PER_USER },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      await this.requireUser(accountId, userName);
      throw new ServiceError("LimitExceeded", `Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
    }
  }

  private async releaseKeySlot(accountId: string, userName: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), userSk(userName), "ADD keyCount :minusOne", {
        condition: "attribute_exists(pk) AND keyCount > :zero",
        values: { ":minusOne": -1, ":zero": 0 },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  private async updatePolicies(
    pk: string,
    sk: string,
    operation: "SET" | "REMOVE",
    policyName: string,
    document: string | undefined,
    notFound: () => ServiceError,
  ): Promise<void> {
    const expression = operation === "SET" ? "SET policies.#name = :document" : "REMOVE policies.#name";
    try {
      await this.table.update(pk, sk, expression, {
        condition: "attribute_exists(pk)",
        names: { "#name": policyName },
        values: document === undefined ? {} : { ":document": document },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) throw notFound();
      throw error;
    }
  }
}

const userCacheKey = (accountId: string, userName: string): string => `${accountId}/${userName.toLowerCase()}`;
const roleCacheKey = userCacheKey;

function userToItem(user: UserRecord): Record<string, Plain> {
  return { ...user, tags: user.tags.map((tag) => ({ ...tag })), policies: { ...user.policies } };
}

function roleToItem(role: RoleRecord): Record<string, Plain> {
  return {
    ...role,
    tags: role.tags.map((tag) => ({ ...tag })),
    policies: { ...role.policies },
    trustPrincipalIds: { ...role.trustPrincipalIds },
  };
}

function userFromItem(item: Record<string, Plain>): UserRecord {
  return {
    accountId: String(item.accountId),
    userName: String(item.userName),
    userId: String(item.userId),
    path: String(item.path),
    arn: String(item.arn),
    createDate: String(item.createDate),
    tags: tagsFromItem(item.tags),
    policies: stringMap(item.policies),
  };
}

function roleFromItem(item: Record<string, Plain>): RoleRecord {
  return {
    accountId: String(item.accountId),
    roleName: String(item.roleName),
    roleId: String(item.roleId),
    path: String(item.path),
    arn: String(item.arn),
    createDate: String(item.createDate),
    ...(typeof item.description === "string" ? { description: item.description } : {}),
    trustPolicy: String(item.trustPolicy),
    trustPrincipalIds: stringMap(item.trustPrincipalIds),
    maxSessionDuration: Number(item.maxSessionDuration),
    tags: tagsFromItem(item.tags),
    policies: stringMap(item.policies),
  };
}

function accessKeyFromItem(item: Record<string, Plain>): AccessKeyRecord {
  return {
    accessKeyId: String(item.accessKeyId),
    accountId: String(item.accountId),
    ...(typeof item.userName === "string" ? { userName: item.userName } : {}),
    status: item.status === "Inactive" ? "Inactive" : "Active",
    createDate: String(item.createDate),
  };
}

function tagsFromItem(value: Plain | undefined): Tag[] {
  if (!Array.isArray(value)) return [];
  return value.map((tag) => {
    const entry = tag as Record<string, Plain>;
    return { Key: String(entry.Key), Value: String(entry.Value) };
  });
}

function stringMap(value: Plain | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  }
  return result;
}
