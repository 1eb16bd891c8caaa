import { oidcProviderArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import type { Plain } from "./attributes.js";
import { TtlCache } from "./cache.js";
import type { OidcProviderRecord, Tag } from "./entities.js";
import { accountPk, OIDC_PROVIDER_COUNT_SK, OIDC_PROVIDER_PREFIX, oidcProviderSk } from "./keys.js";
import { ConditionFailed, type Table } from "./table.js";
import { addTags, plainMap, removeTags, sortTags } from "./tag-map.js";

/** IAM's quotas for OpenID Connect identity providers. */
export const OIDC_PROVIDERS_PER_ACCOUNT = 100;
export const CLIENT_IDS_PER_OIDC_PROVIDER = 100;
export const THUMBPRINTS_PER_OIDC_PROVIDER = 5;
export const TAGS_PER_OIDC_PROVIDER = 50;


export interface NewOidcProvider {
  /** The issuer URL with its scheme. */
  url: string;
  urlWithoutScheme: string;
  clientIds: readonly string[];
  thumbprints: readonly string[];
  tags: readonly Tag[];
}

export interface OidcProviderStoreOptions {
  partition: string;
  /** Staleness bound of the read cache in milliseconds. 0 turns caching off. */
  cacheTtlMs: number;
}

/**
 * Repository of the OpenID Connect identity providers of each account. Client ids and tags are
 * stored as maps, so that adding or removing one is a conditional update of one map entry and
 * concurrent changes to one provider do not overwrite each other. The number of providers of an
 * account is a counter item, raised under a condition that enforces the quota.
 */
export class OidcProviderStore {
  private readonly cache: TtlCache<OidcProviderRecord | undefined>;

  constructor(
    private readonly table: Table,
    private readonly options: OidcProviderStoreOptions,
  ) {
    this.cache = new TtlCache(options.cacheTtlMs);
  }

  /**
   * Registers a provider. The URL is checked before the count is raised, so that a duplicate
   * fails with EntityAlreadyExists even when the account is at its quota. The conditional put
   * decides races between creates of one URL.
   */
  async createOidcProvider(accountId: string, provider: NewOidcProvider, now: Date): Promise<OidcProviderRecord> {
    const clientIds = [...new Set(provider.clientIds)].sort();
    if (clientIds.length > CLIENT_IDS_PER_OIDC_PROVIDER) throw clientIdQuotaExceeded();
    const sk = oidcProviderSk(provider.urlWithoutScheme);
    if (await this.table.get(accountPk(accountId), sk)) throw alreadyExists(provider.url);

    // NOTE: a process that stops after raising the count but before writing the provider leaves
    // the count one too high, as does one that stops between deleting a provider and lowering the
    // count. Each such stop lowers the account's quota by one until the count item is corrected.
    await this.reserveProviderSlot(accountId);
    const record: OidcProviderRecord = {
      accountId,
      arn: oidcProviderArn(this.options.partition, accountId, provider.urlWithoutScheme),
      url: provider.url,
      urlWithoutScheme: provider.urlWithoutScheme,
      clientIds,
      thumbprints: [...provider.thumbprints],
      createDate: now.toISOString(),
      tags: sortTags(provider.tags),
    };
    try {
      await this.table.put({ pk: accountPk(accountId), sk, ...providerToItem(record) }, { condition: "attribute_not_exists(pk)" });
    } catch (error) {
      await this.releaseProviderSlot(accountId);
      if (error instanceof ConditionFailed) throw alreadyExists(provider.url);
      throw error;
    }
    this.cache.delete(cacheKey(accountId, provider.urlWithoutScheme));
    return record;
  }

  /** Finds the provider whose URL without its scheme is `urlWithoutScheme`. Reads go through the cache. */
  async getOidcProvider(accountId: string, urlWithoutScheme: string): Promise<OidcProviderRecord | undefined> {
    return this.cache.get(cacheKey(accountId, urlWithoutScheme), async () => {
      const item = await this.table.get(accountPk(accountId), oidcProviderSk(urlWithoutScheme));
      return item ? providerFromItem(item) : undefined;
    });
  }

  /** Lists an account's providers in the order of their ARNs. */
  async listOidcProviders(accountId: string): Promise<OidcProviderRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), OIDC_PROVIDER_PREFIX);
    return items.map(providerFromItem);
  }

  async deleteOidcProvider(accountId: string, urlWithoutScheme: string): Promise<void> {
    await this.write(accountId, urlWithoutScheme, () =>
      this.table.delete(accountPk(accountId), oidcProviderSk(urlWithoutScheme), { condition: "attribute_exists(pk)" }),
    );
    await this.releaseProviderSlot(accountId);
  }

  /** Adds an audience. Adding one that the provider already has changes nothing, as in IAM. */
  async addClientId(accountId: string, urlWithoutScheme: string, clientId: string): Promise<void> {
    const sk = oidcProviderSk(urlWithoutScheme);
    try {
      await this.table.update(accountPk(accountId), sk, "SET clientIds.#id = :present", {
        condition: "attribute_exists(pk) AND (attribute_exists(clientIds.#id) OR size(clientIds) < :max)",
        names: { "#id": clientId },
        values: { ":present": true, ":max": CLIENT_IDS_PER_OIDC_PROVIDER },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The condition also fails for a missing provider, so a read distinguishes the two cases.
      if (!(await this.table.get(accountPk(accountId), sk))) throw this.notFound(accountId, urlWithoutScheme);
      throw clientIdQuotaExceeded();
    }
    this.cache.delete(cacheKey(accountId, urlWithoutScheme));
  }

  /** Removes an audience. Removing one that the provider does not have changes nothing, as in IAM. */
  async removeClientId(accountId: string, urlWithoutScheme: string, clientId: string): Promise<void> {
    await this.write(accountId, urlWithoutScheme, () =>
      this.table.update(accountPk(accountId), oidcProviderSk(urlWithoutScheme), "REMOVE clientIds.#id", {
        condition: "attribute_exists(pk)",
        names: { "#id": clientId },
      }),
    );
  }

  async updateThumbprints(accountId: string, urlWithoutScheme: string, thumbprints: readonly string[]): Promise<void> {
    await this.write(accountId, urlWithoutScheme, () =>
      this.table.update(accountPk(accountId), oidcProviderSk(urlWithoutScheme), "SET thumbprints = :thumbprints", {
        condition: "attribute_exists(pk)",
        values: { ":thumbprints": [...thumbprints] },
      }),
    );
  }

  /** Adds tags, replacing the value of a key the provider has (keys match regardless of case). */
  async tagOidcProvider(accountId: string, urlWithoutScheme: string, tags: readonly Tag[]): Promise<void> {
    await addTags({ ...this.tagTarget(accountId, urlWithoutScheme), quota: TAGS_PER_OIDC_PROVIDER, quotaName: "TagsPerOpenIdConnectProvider" }, tags);
    this.cache.delete(cacheKey(accountId, urlWithoutScheme));
  }

  /** Removes tags by key, regardless of case. Keys that the provider does not have are ignored. */
  async untagOidcProvider(accountId: string, urlWithoutScheme: string, tagKeys: readonly string[]): Promise<void> {
    await removeTags(this.tagTarget(accountId, urlWithoutScheme), tagKeys);
    this.cache.delete(cacheKey(accountId, urlWithoutScheme));
  }

  private tagTarget(accountId: string, urlWithoutScheme: string) {
    return {
      table: this.table,
      pk: accountPk(accountId),
      sk: oidcProviderSk(urlWithoutScheme),
      notFound: () => this.notFound(accountId, urlWithoutScheme),
    };
  }

  /** Runs a write conditioned on the provider's existence, then drops the provider from the cache. */
  private async write(accountId: string, urlWithoutScheme: string, operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      if (error instanceof ConditionFailed) throw this.notFound(accountId, urlWithoutScheme);
      throw error;
    }
    this.cache.delete(cacheKey(accountId, urlWithoutScheme));
  }

  private async reserveProviderSlot(accountId: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), OIDC_PROVIDER_COUNT_SK, "ADD providerCount :one", {
        condition: "attribute_not_exists(providerCount) OR providerCount < :max",
        values: { ":one": 1, ":max": OIDC_PROVIDERS_PER_ACCOUNT },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      throw new ServiceError("LimitExceeded", `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDERS_PER_ACCOUNT}`);
    }
  }

  private async releaseProviderSlot(accountId: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), OIDC_PROVIDER_COUNT_SK, "ADD providerCount :minusOne", {
        condition: "providerCount > :zero",
        values: { ":minusOne": -1, ":zero": 0 },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  private notFound(accountId: string, urlWithoutScheme: string): ServiceError {
    const arn = oidcProviderArn(this.options.partition, accountId, urlWithoutScheme);
    return new ServiceError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`);
  }
}

const cacheKey = (accountId: string, urlWithoutScheme: string): string => `${accountId}/${urlWithoutScheme}`;

function alreadyExists(url: string): ServiceError {
  return new ServiceError("EntityAlreadyExists", `Provider with url ${url} already exists.`);
}

function clientIdQuotaExceeded(): ServiceError {
  return new ServiceError("LimitExceeded", `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${CLIENT_IDS_PER_OIDC_PROVIDER}`);
}

/** Client ids are map keys and tags are keyed by their lower-cased key, for single-entry updates. */
function providerToItem(record: OidcProviderRecord): Record<string, Plain> {
  return {
    accountId: record.accountId,
    arn: record.arn,
    url: record.url,
    urlWithoutScheme: record.urlWithoutScheme,
    clientIds: Object.fromEntries(record.clientIds.map((clientId) => [clientId, true])),
    thumbprints: record.thumbprints,
    createDate: record.createDate,
    tags: Object.fromEntries(record.tags.map((tag) => [tag.Key.toLowerCase(), { Key: tag.Key, Value: tag.Value }])),
  };
}

function providerFromItem(item: Record<string, Plain>): OidcProviderRecord {
  // NOTE: fromItem builds plain objects, so a client id or tag key spelled `__proto__` is stored but not read back.
  const tags = Object.values(plainMap(item.tags)).map((value) => {
    const tag = value as Record<string, Plain>;
    return { Key: String(tag.Key), Value: String(tag.Value) };
  });
  return {
    accountId: String(item.accountId),
    arn: String(item.arn),
    url: String(item.url),
    urlWithoutScheme: String(item.urlWithoutScheme),
    clientIds: Object.keys(plainMap(item.clientIds)).sort(),
    thumbprints: Array.isArray(item.thumbprints) ? item.thumbprints.map(String) : [],
    createDate: String(item.createDate),
    tags: sortTags(tags),
  };
}

