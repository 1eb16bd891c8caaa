import { randomUUID } from "node:crypto";
import { ServiceError } from "../protocol/errors.js";
import { TtlCache } from "./cache.js";
import { accountPk, ISSUER_SK, issuerPk, OUTBOUND_FEDERATION_SK } from "./keys.js";
import { ConditionFailed, type Table } from "./table.js";

/** An account's outbound identity federation setting. */
export interface OutboundFederationRecord {
  accountId: string;
  /** The random id in the account's issuer URL; fixed once created, so re-enabling keeps the issuer. */
  issuerId: string;
  /** Whether GetWebIdentityToken may issue tokens (IAM's `JwtVendingEnabled`). */
  enabled: boolean;
  createDate: string;
  updateDate: string;
}

export interface OutboundFederationStoreOptions {
  /** Staleness bound of the read caches in milliseconds. 0 turns caching off. */
  cacheTtlMs: number;
}

/**
 * The outbound identity federation setting of each account, and the issuer ids that the
 * discovery endpoint resolves to accounts. Disabling keeps the issuer id, so tokens issued
 * before stay verifiable and re-enabling returns the same issuer URL.
 */
export class OutboundFederationStore {
  private readonly settingCache: TtlCache<OutboundFederationRecord | undefined>;
  private readonly issuerCache: TtlCache<string | undefined>;

  constructor(
    private readonly table: Table,
    options: OutboundFederationStoreOptions,
  ) {
    this.settingCache = new TtlCache(options.cacheTtlMs);
    this.issuerCache = new TtlCache(options.cacheTtlMs);
  }

  /** Returns the account's setting, or undefined when the account never enabled the feature. */
  async get(accountId: string): Promise<OutboundFederationRecord | undefined> {
    return this.settingCache.get(accountId, () => this.read(accountId));
  }

  /**
   * Enables outbound identity federation, creating the issuer id on the first call. Throws
   * FeatureEnabled when it is enabled already.
   */
  async enable(accountId: string, now: Date): Promise<OutboundFederationRecord> {
    try {
      const current = await this.read(accountId);
      if (current?.enabled) throw alreadyEnabled(accountId);
      if (current) {
        await this.table.update(accountPk(accountId), OUTBOUND_FEDERATION_SK, "SET enabled = :true, updateDate = :now", {
          condition: "enabled = :false",
          values: { ":true": true, ":false": false, ":now": now.toISOString() },
        });
        return { ...current, enabled: true, updateDate: now.toISOString() };
      }
      return await this.create(accountId, now);
    } catch (error) {
      // A concurrent call enabled it first.
      if (error instanceof ConditionFailed) throw alreadyEnabled(accountId);
      throw error;
    } finally {
      this.settingCache.delete(accountId);
    }
  }

  /** Disables outbound identity federation. Throws FeatureDisabled when it is not enabled. */
  async disable(accountId: string, now: Date): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), OUTBOUND_FEDERATION_SK, "SET enabled = :false, updateDate = :now", {
        condition: "attribute_exists(pk) AND enabled = :true",
        values: { ":true": true, ":false": false, ":now": now.toISOString() },
      });
    } catch (error) {
      if (error instanceof ConditionFailed) {
        throw new ServiceError("FeatureDisabled", `Outbound identity federation is already disabled for account ${accountId}.`);
      }
      throw error;
    } finally {
      this.settingCache.delete(accountId);
    }
  }

  /**
   * Returns the account whose issuer has this id, enabled or not, or undefined. An issuer item
   * counts only when the account's setting names the same id, because an enable that lost a
   * race leaves an issuer item behind that no token ever names.
   */
  async accountOfIssuer(issuerId: string): Promise<string | undefined> {
    return this.issuerCache.get(issuerId, async () => {
      const item = await this.table.get(issuerPk(issuerId), ISSUER_SK);
      if (!item) return undefined;
      const accountId = String(item.accountId);
      const setting = await this.get(accountId);
      return setting?.issuerId === issuerId ? accountId : undefined;
    });
  }

  /**
   * Writes the issuer item first and the account's setting second, both only if absent. A
   * failure between the two leaves an issuer item that accountOfIssuer ignores.
   */
  private async create(accountId: string, now: Date): Promise<OutboundFederationRecord> {
    const record: OutboundFederationRecord = {
      accountId,
      issuerId: randomUUID(),
      enabled: true,
      createDate: now.toISOString(),
      updateDate: now.toISOString(),
    };
    await this.table.put({ pk: issuerPk(record.issuerId), sk: ISSUER_SK, accountId }, { condition: "attribute_not_exists(pk)" });
    await this.table.put({ pk: accountPk(accountId), sk: OUTBOUND_FEDERATION_SK, ...record }, { condition: "attribute_not_exists(pk)" });
    return record;
  }

  private async read(accountId: string): Promise<OutboundFederationRecord | undefined> {
    const item = await this.table.get(accountPk(accountId), OUTBOUND_FEDERATION_SK);
    if (!item) return undefined;
    return {
      accountId,
      issuerId: String(item.issuerId),
      enabled: item.enabled === true,
      createDate: String(item.createDate),
      updateDate: String(item.updateDate),
    };
  }
}

function alreadyEnabled(accountId: string): ServiceError {
  return new ServiceError(
    "FeatureEnabled",
    `Outbound identity federation is already enabled for account ${accountId}. GetOutboundWebIdentityFederationInfo returns its issuer URL.`,
  );
}
