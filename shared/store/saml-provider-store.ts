import { randomUUID } from "node:crypto";
import type { KeyRing } from "../credentials/keyring.js";
import { open, seal } from "../credentials/sealed.js";
import { samlProviderArn } from "../iam/arn.js";
import type { IdpMetadata } from "../iam/saml-metadata.js";
import { ServiceError } from "../protocol/errors.js";
import type { Plain } from "./attributes.js";
import { TtlCache } from "./cache.js";
import type {
  AssertionEncryptionMode,
  SamlPrivateKey,
  SamlPrivateKeyRecord,
  SamlProviderRecord,
  SamlProviderWithKeys,
  SamlSigningCertificate,
  Tag,
} from "./entities.js";
import { accountPk, SAML_PROVIDER_COUNT_SK, SAML_PROVIDER_PREFIX, samlProviderSk } from "./keys.js";
import { ConditionFailed, type Table } from "./table.js";
import { addTags, compareText, plainMap, removeTags, sortTags } from "./tag-map.js";

/** IAM's quotas for SAML identity providers. */
export const SAML_PROVIDERS_PER_ACCOUNT = 100;
export const PRIVATE_KEYS_PER_SAML_PROVIDER = 2;
export const TAGS_PER_SAML_PROVIDER = 50;

/**
 * The largest metadata document stored, in UTF-8 bytes. IAM accepts 10,000,000 characters, but a
 * provider is one DynamoDB item of at most 400 KB, which also contains the certificates, two sealed
 * private keys and 50 tags.
 */
export const MAX_STORED_METADATA_BYTES = 200_000;

/** Reads and conditional writes per tag or update call before it gives up under contention. */
const WRITE_ATTEMPTS = 10;

/** A metadata document with what parseIdpMetadata read from it. */
export interface SamlMetadata {
  document: string;
  parsed: IdpMetadata;
}

/** A private key that has been checked, with the id derived from its public half. */
export interface NewSamlPrivateKey {
  keyId: string;
  pem: string;
}

export interface NewSamlProvider {
  name: string;
  metadata: SamlMetadata;
  assertionEncryptionMode?: AssertionEncryptionMode;
  privateKey?: NewSamlPrivateKey;
  tags: readonly Tag[];
}

/** The changes of one UpdateSAMLProvider call. An absent member leaves that part unchanged. */
export interface SamlProviderChange {
  metadata?: SamlMetadata;
  assertionEncryptionMode?: AssertionEncryptionMode;
  addPrivateKey?: NewSamlPrivateKey;
  removePrivateKeyId?: string;
}

export interface SamlProviderStoreOptions {
  partition: string;
  /** Staleness bound of the read cache in milliseconds. 0 turns caching off. */
  cacheTtlMs: number;
}

/**
 * Repository of the SAML identity providers of each account. A provider is one item. Tags are a
 * map keyed by the lower-cased tag key, changed one entry at a time. Metadata, encryption mode
 * and private keys change together under a revision number, so that the rules linking them
 * (at most two keys, and `Required` only with a key) hold under concurrent updates. The number
 * of providers of an account is a counter item, raised under a condition that enforces the quota.
 */
export class SamlProviderStore {
  private readonly cache: TtlCache<SamlProviderRecord | undefined>;

  constructor(
    private readonly table: Table,
    private readonly ring: KeyRing,
    private readonly options: SamlProviderStoreOptions,
  ) {
    this.cache = new TtlCache(options.cacheTtlMs);
  }

  /**
   * Registers a provider. The name is checked before the count is raised, so that a duplicate
   * fails with EntityAlreadyExists even when the account is at its quota. The conditional put
   * decides races between creates of one name.
   */
  async createSamlProvider(accountId: string, provider: NewSamlProvider, now: Date): Promise<SamlProviderRecord> {
    checkMetadataSize(provider.metadata.document);
    checkEncryptionMode(provider.assertionEncryptionMode, provider.privateKey ? 1 : 0);
    const sk = samlProviderSk(provider.name);
    if (await this.table.get(accountPk(accountId), sk)) throw alreadyExists(provider.name);

    const arn = samlProviderArn(this.options.partition, accountId, provider.name);
    const privateKeys = provider.privateKey ? [await this.sealPrivateKey(arn, provider.privateKey, now)] : [];
    const record: SamlProviderRecord = {
      accountId,
      name: provider.name,
      arn,
      uuid: randomUUID().replaceAll("-", "").toUpperCase(),
      metadataDocument: provider.metadata.document,
      entityId: provider.metadata.parsed.entityId,
      signingCertificates: provider.metadata.parsed.signingCertificates.map((certificate) => ({ ...certificate })),
      ...(provider.metadata.parsed.validUntil === undefined ? {} : { validUntil: provider.metadata.parsed.validUntil }),
      createDate: now.toISOString(),
      ...(provider.assertionEncryptionMode === undefined ? {} : { assertionEncryptionMode: provider.assertionEncryptionMode }),
      privateKeys,
      tags: sortTags(provider.tags),
    };

    // NOTE: a process that stops after raising the count but before writing the provider leaves
    // the count one too high, as does one that stops between deleting a provider and lowering the
    // count. Each such stop lowers the account's quota by one until the count item is corrected.
    await this.reserveProviderSlot(accountId);
    try {
      await this.table.put({ pk: accountPk(accountId), sk, ...providerToItem(record), revision: 0 }, { condition: "attribute_not_exists(pk)" });
    } catch (error) {
      await this.releaseProviderSlot(accountId);
      if (error instanceof ConditionFailed) throw alreadyExists(provider.name);
      throw error;
    }
    this.cache.delete(cacheKey(accountId, provider.name));
    return record;
  }

  /** Finds a provider by name, regardless of case. Reads go through the cache. */
  async getSamlProvider(accountId: string, name: string): Promise<SamlProviderRecord | undefined> {
    return this.cache.get(cacheKey(accountId, name), async () => {
      const item = await this.table.get(accountPk(accountId), samlProviderSk(name));
      return item ? providerFromItem(item) : undefined;
    });
  }

  /**
   * Finds a provider by name and opens its private keys, for decrypting assertions. The result
   * contains secrets, so never render or log it.
   */
  async getSamlProviderWithKeys(accountId: string, name: string): Promise<SamlProviderWithKeys | undefined> {
    const provider = await this.getSamlProvider(accountId, name);
    if (!provider) return undefined;
    const privateKeys = await Promise.all(provider.privateKeys.map((key) => this.openPrivateKey(provider.arn, key)));
    return { ...provider, privateKeys };
  }

  /** Lists an account's providers in the order of their lower-cased names. */
  async listSamlProviders(accountId: string): Promise<SamlProviderRecord[]> {
    const items = await this.table.queryPrefix(accountPk(accountId), SAML_PROVIDER_PREFIX);
    return items.map(providerFromItem);
  }

  async deleteSamlProvider(accountId: string, name: string): Promise<void> {
    try {
      await this.table.delete(accountPk(accountId), samlProviderSk(name), { condition: "attribute_exists(pk)" });
    } catch (error) {
      if (error instanceof ConditionFailed) throw this.notFound(accountId, name);
      throw error;
    }
    this.cache.delete(cacheKey(accountId, name));
    await this.releaseProviderSlot(accountId);
  }

  /**
   * Applies the changes of one UpdateSAMLProvider call and returns the provider as written. The
   * provider is read, the changes are checked against it, and the write is conditioned on the
   * revision that was read. When another update wrote first, the provider is read again.
   */
  async updateSamlProvider(accountId: string, name: string, change: SamlProviderChange, now: Date): Promise<SamlProviderRecord> {
    if (change.metadata) checkMetadataSize(change.metadata.document);
    const pk = accountPk(accountId);
    const sk = samlProviderSk(name);
    let sealedKey: SamlPrivateKeyRecord | undefined;

    for (let attempt = 1; ; attempt++) {
      const item = await this.table.get(pk, sk);
      if (!item) throw this.notFound(accountId, name);
      const current = providerFromItem(item);
      const privateKeys = current.privateKeys.filter((key) => key.keyId !== change.removePrivateKeyId);
      if (change.removePrivateKeyId !== undefined && privateKeys.length === current.privateKeys.length) {
        throw new ServiceError("NoSuchEntity", `The private key with id ${change.removePrivateKeyId} cannot be found on SAML provider ${current.arn}.`);
      }
      if (change.addPrivateKey) {
        if (privateKeys.some((key) => key.keyId === change.addPrivateKey!.keyId)) {
          throw new ServiceError("InvalidInput", `The SAML provider already has this private key, as key ${change.addPrivateKey.keyId}.`);
        }
        if (privateKeys.length >= PRIVATE_KEYS_PER_SAML_PROVIDER) {
          throw new ServiceError("LimitExceeded", `Cannot exceed quota for PrivateKeysPerSamlProvider: ${PRIVATE_KEYS_PER_SAML_PROVIDER}`);
        }
        sealedKey ??= await this.sealPrivateKey(current.arn, change.addPrivateKey, now);
        privateKeys.push(sealedKey);
      }
      const mode = change.assertionEncryptionMode ?? current.assertionEncryptionMode;
      checkEncryptionMode(mode, privateKeys.length);

      const updated: SamlProviderRecord = {
        ...current,
        ...(change.metadata ? metadataFields(change.metadata) : {}),
        ...(mode === undefined ? {} : { assertionEncryptionMode: mode }),
        privateKeys,
      };
      if (!change.metadata && !change.addPrivateKey && change.removePrivateKeyId === undefined && mode === current.assertionEncryptionMode) {
        return updated;
      }
      if (change.metadata && change.metadata.parsed.validUntil === undefined) delete updated.validUntil;

      try {
        await this.table.update(pk, sk, updateExpression(change, updated), {
          condition: "attribute_exists(pk) AND revision = :revision",
          names: {
            ...(change.addPrivateKey ? { "#added": change.addPrivateKey.keyId } : {}),
            ...(change.removePrivateKeyId === undefined ? {} : { "#removed": change.removePrivateKeyId }),
          },
          values: updateValues(change, updated, sealedKey, Number(item.revision ?? 0)),
        });
        this.cache.delete(cacheKey(accountId, name));
        return updated;
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        // NOTE: IAM returns ConcurrentModification here, a code the error table lacks. SDKs retry Throttling.
        if (attempt === WRITE_ATTEMPTS) throw new ServiceError("Throttling", "Rate exceeded");
      }
    }
  }

  /** Adds tags, replacing the value of a key the provider has (keys match regardless of case). */
  async tagSamlProvider(accountId: string, name: string, tags: readonly Tag[]): Promise<void> {
    await addTags({ ...this.tagTarget(accountId, name), quota: TAGS_PER_SAML_PROVIDER, quotaName: "TagsPerSamlProvider" }, tags);
    this.cache.delete(cacheKey(accountId, name));
  }

  /** Removes tags by key, regardless of case. Keys that the provider does not have are ignored. */
  async untagSamlProvider(accountId: string, name: string, tagKeys: readonly string[]): Promise<void> {
    await removeTags(this.tagTarget(accountId, name), tagKeys);
    this.cache.delete(cacheKey(accountId, name));
  }

  private tagTarget(accountId: string, name: string) {
    return { table: this.table, pk: accountPk(accountId), sk: samlProviderSk(name), notFound: () => this.notFound(accountId, name) };
  }

  private async sealPrivateKey(arn: string, key: NewSamlPrivateKey, now: Date): Promise<SamlPrivateKeyRecord> {
    // The ARN and key id inside the seal tie the sealed PEM to its place, so a copy moved to another provider does not open.
    const sealedPem = await seal(this.ring, "secret-at-rest", { samlProviderArn: arn, keyId: key.keyId, pem: key.pem });
    return { keyId: key.keyId, timestamp: now.toISOString(), sealedPem };
  }

  private async openPrivateKey(arn: string, key: SamlPrivateKeyRecord): Promise<SamlPrivateKey> {
    const opened = await open(this.ring, "secret-at-rest", key.sealedPem);
    const payload = opened?.payload as { samlProviderArn?: unknown; keyId?: unknown; pem?: unknown } | undefined;
    if (payload?.samlProviderArn !== arn || payload.keyId !== key.keyId || typeof payload.pem !== "string") {
      throw new ServiceError("InternalFailure", `The stored private key ${key.keyId} of SAML provider ${arn} could not be opened with the key ring.`);
    }
    return { keyId: key.keyId, timestamp: key.timestamp, pem: payload.pem };
  }

  private async reserveProviderSlot(accountId: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), SAML_PROVIDER_COUNT_SK, "ADD providerCount :one", {
        condition: "attribute_not_exists(providerCount) OR providerCount < :max",
        values: { ":one": 1, ":max": SAML_PROVIDERS_PER_ACCOUNT },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // NOTE: the quota name follows IAM's wording for other quotas; IAM's own text for this one is unverified.
      throw new ServiceError("LimitExceeded", `Cannot exceed quota for SamlProvidersPerAccount: ${SAML_PROVIDERS_PER_ACCOUNT}`);
    }
  }

  private async releaseProviderSlot(accountId: string): Promise<void> {
    try {
      await this.table.update(accountPk(accountId), SAML_PROVIDER_COUNT_SK, "ADD providerCount :minusOne", {
        condition: "providerCount > :zero",
        values: { ":minusOne": -1, ":zero": 0 },
      });
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  private notFound(accountId: string, name: string): ServiceError {
    return samlProviderNotFound(samlProviderArn(this.options.partition, accountId, name));
  }
}

/** Builds the NoSuchEntity error for a SAML provider ARN that names no provider of the caller's account. */
export function samlProviderNotFound(arn: string): ServiceError {
  return new ServiceError("NoSuchEntity", `SAML provider not found for arn ${arn}.`);
}

const cacheKey = (accountId: string, name: string): string => `${accountId}/${name.toLowerCase()}`;

function alreadyExists(name: string): ServiceError {
  return new ServiceError("EntityAlreadyExists", `SAML provider with name ${name} already exists.`);
}

function checkMetadataSize(document: string): void {
  const bytes = Buffer.byteLength(document, "utf8");
  if (bytes > MAX_STORED_METADATA_BYTES) {
    throw new ServiceError(
      "InvalidInput",
      `The SAML metadata document is ${bytes} bytes; Open STS stores documents of at most ${MAX_STORED_METADATA_BYTES} bytes (UTF-8).`,
    );
  }
}

/** `Required` rejects every plaintext assertion, so it needs a key that can decrypt. */
function checkEncryptionMode(mode: AssertionEncryptionMode | undefined, privateKeyCount: number): void {
  if (mode === "Required" && privateKeyCount === 0) {
    // NOTE: IAM's behavior for Required without a private key is unverified; this rejects it as unusable.
    throw new ServiceError("InvalidInput", "AssertionEncryptionMode Required needs at least one private key to decrypt assertions; add one with AddPrivateKey.");
  }
}

function metadataFields(metadata: SamlMetadata): Pick<SamlProviderRecord, "metadataDocument" | "entityId" | "signingCertificates" | "validUntil"> {
  return {
    metadataDocument: metadata.document,
    entityId: metadata.parsed.entityId,
    signingCertificates: metadata.parsed.signingCertificates.map((certificate) => ({ ...certificate })),
    ...(metadata.parsed.validUntil === undefined ? {} : { validUntil: metadata.parsed.validUntil }),
  };
}

function updateExpression(change: SamlProviderChange, updated: SamlProviderRecord): string {
  const sets = ["revision = revision + :one"];
  const removals: string[] = [];
  if (change.metadata) {
    sets.push("metadataDocument = :document", "entityId = :entityId", "signingCertificates = :certificates");
    if (updated.validUntil === undefined) removals.push("validUntil");
    else sets.push("validUntil = :validUntil");
  }
  if (updated.assertionEncryptionMode !== undefined) sets.push("assertionEncryptionMode = :mode");
  if (change.addPrivateKey) sets.push("privateKeys.#added = :added");
  if (change.removePrivateKeyId !== undefined) removals.push("privateKeys.#removed");
  return `SET ${sets.join(", ")}${removals.length > 0 ? ` REMOVE ${removals.join(", ")}` : ""}`;
}

function updateValues(
  change: SamlProviderChange,
  updated: SamlProviderRecord,
  sealedKey: SamlPrivateKeyRecord | undefined,
  revision: number,
): Record<string, Plain> {
  return {
    ":one": 1,
    ":revision": revision,
    ...(change.metadata
      ? {
          ":document": updated.metadataDocument,
          ":entityId": updated.entityId,
          ":certificates": certificatesToItem(updated.signingCertificates),
          ...(updated.validUntil === undefined ? {} : { ":validUntil": updated.validUntil }),
        }
      : {}),
    ...(updated.assertionEncryptionMode === undefined ? {} : { ":mode": updated.assertionEncryptionMode }),
    ...(change.addPrivateKey && sealedKey ? { ":added": { ...sealedKey } } : {}),
  };
}

function certificatesToItem(certificates: readonly SamlSigningCertificate[]): Plain[] {
  return certificates.map((certificate) => ({ ...certificate }));
}

/** Private keys are a map keyed by key id and tags a map keyed by lower-cased key, for single-entry updates. */
function providerToItem(record: SamlProviderRecord): Record<string, Plain> {
  return {
    accountId: record.accountId,
    name: record.name,
    arn: record.arn,
    uuid: record.uuid,
    metadataDocument: record.metadataDocument,
    entityId: record.entityId,
    signingCertificates: certificatesToItem(record.signingCertificates),
    ...(record.validUntil === undefined ? {} : { validUntil: record.validUntil }),
    createDate: record.createDate,
    ...(record.assertionEncryptionMode === undefined ? {} : { assertionEncryptionMode: record.assertionEncryptionMode }),
    privateKeys: Object.fromEntries(record.privateKeys.map((key) => [key.keyId, { ...key }])),
    tags: Object.fromEntries(record.tags.map((tag) => [tag.Key.toLowerCase(), { Key: tag.Key, Value: tag.Value }])),
  };
}

function providerFromItem(item: Record<string, Plain>): SamlProviderRecord {
  const tags = Object.values(plainMap(item.tags)).map((value) => {
    const tag = value as Record<string, Plain>;
    return { Key: String(tag.Key), Value: String(tag.Value) };
  });
  const privateKeys = Object.values(plainMap(item.privateKeys))
    .map((value) => {
      const key = value as Record<string, Plain>;
      return { keyId: String(key.keyId), timestamp: String(key.timestamp), sealedPem: String(key.sealedPem) };
    })
    .sort((a, b) => compareText(a.timestamp, b.timestamp) || compareText(a.keyId, b.keyId));
  const certificates = Array.isArray(item.signingCertificates) ? item.signingCertificates : [];
  const mode = item.assertionEncryptionMode;
  return {
    accountId: String(item.accountId),
    name: String(item.name),
    arn: String(item.arn),
    uuid: String(item.uuid),
    metadataDocument: String(item.metadataDocument),
    entityId: String(item.entityId),
    signingCertificates: certificates.map((value) => {
      const certificate = value as Record<string, Plain>;
      return {
        pem: String(certificate.pem),
        notBefore: String(certificate.notBefore),
        notAfter: String(certificate.notAfter),
        fingerprintSha256: String(certificate.fingerprintSha256),
      };
    }),
    ...(typeof item.validUntil === "string" ? { validUntil: item.validUntil } : {}),
    createDate: String(item.createDate),
    ...(mode === "Required" || mode === "Allowed" ? { assertionEncryptionMode: mode } : {}),
    privateKeys,
    tags: sortTags(tags),
  };
}

