import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { ActionDefinition, CallContext } from "../../api/action.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { AssertionEncryptionMode, SamlProviderRecord, Tag } from "../../store/entities.js";
import { type NewSamlPrivateKey, type SamlMetadata, samlProviderNotFound } from "../../store/saml-provider-store.js";
import { parseSamlProviderArn, samlProviderArn } from "../arn.js";
import { authorizeIam } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { parseIdpMetadata } from "../saml-metadata.js";
import { checkUniqueTags } from "./users.js";

/** The smallest RSA modulus accepted for a private key that decrypts assertions. */
export const MIN_PRIVATE_KEY_BITS = 2048;

interface SamlProviderInput {
  Name?: string;
  SAMLMetadataDocument?: string;
  SAMLProviderArn?: string;
  AssertionEncryptionMode?: AssertionEncryptionMode;
  AddPrivateKey?: string;
  RemovePrivateKey?: string;
  Tags?: Tag[];
  TagKeys?: string[];
  Marker?: string;
  MaxItems?: number;
}

/**
 * Checks a provider ARN and authorizes the action on it, then returns the provider's name. An ARN
 * of another account or partition names no provider the caller can reach.
 */
async function authorizeOnProvider(context: CallContext, action: string, arn: string): Promise<string> {
  const parsed = parseSamlProviderArn(arn);
  if (!parsed) throw new ServiceError("InvalidInput", `ARN ${arn} is not valid.`);
  await authorizeIam(context, action, arn);
  if (parsed.accountId !== context.caller.principal.accountId || parsed.partition !== context.config.partition) {
    throw samlProviderNotFound(arn);
  }
  return parsed.name;
}

async function requireProvider(context: CallContext, name: string, arn: string): Promise<SamlProviderRecord> {
  const provider = await (await context.store.samlProviders()).getSamlProvider(context.caller.principal.accountId, name);
  if (!provider) throw samlProviderNotFound(arn);
  return provider;
}

function readMetadata(document: string): SamlMetadata {
  return { document, parsed: parseIdpMetadata(document) };
}

/**
 * Checks a private key for decrypting assertions: an unencrypted PEM RSA key of at least 2,048
 * bits. The key is kept as PKCS#8 PEM, and its id is derived from the public half, so that the
 * same key always gets the same id.
 */
function checkPrivateKey(pem: string): NewSamlPrivateKey {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new ServiceError("InvalidInput", "AddPrivateKey must be a private key in PEM format without a passphrase.");
  }
  // NOTE: which key types IAM accepts is undocumented. RSA is what XML Encryption's key transport
  // (RSA-OAEP) needs, the scheme identity providers use to encrypt assertions.
  if (key.asymmetricKeyType !== "rsa") {
    throw new ServiceError("InvalidInput", `AddPrivateKey is a key of type ${key.asymmetricKeyType ?? "unknown"}; only RSA private keys are accepted.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_PRIVATE_KEY_BITS) {
    throw new ServiceError("InvalidInput", `AddPrivateKey is a ${bits}-bit RSA key; the minimum is ${MIN_PRIVATE_KEY_BITS} bits.`);
  }
  const publicKey = createPublicKey(key).export({ type: "spki", format: "der" });
  return {
    keyId: createHash("sha256").update(publicKey).digest("hex").slice(0, 32).toUpperCase(),
    pem: key.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

function renderTags(tags: readonly Tag[]): XmlObject[] {
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

export const createSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as SamlProviderInput;
    const accountId = context.caller.principal.accountId;
    await authorizeIam(context, "CreateSAMLProvider", samlProviderArn(context.config.partition, accountId, input.Name!));
    const provider = await (await context.store.samlProviders()).createSamlProvider(
      accountId,
      {
        name: input.Name!,
        metadata: readMetadata(input.SAMLMetadataDocument!),
        ...(input.AssertionEncryptionMode === undefined ? {} : { assertionEncryptionMode: input.AssertionEncryptionMode }),
        ...(input.AddPrivateKey === undefined ? {} : { privateKey: checkPrivateKey(input.AddPrivateKey) }),
        tags: checkUniqueTags(input.Tags),
      },
      context.facts.now,
    );
    return {
      result: {
        SAMLProviderArn: provider.arn,
        ...(provider.tags.length > 0 ? { Tags: renderTags(provider.tags) } : {}),
      },
      responseElements: { sAMLProviderArn: provider.arn },
    };
  },
};

export const getSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const arn = (raw as SamlProviderInput).SAMLProviderArn!;
    const name = await authorizeOnProvider(context, "GetSAMLProvider", arn);
    const provider = await requireProvider(context, name, arn);
    return {
      result: {
        SAMLProviderUUID: provider.uuid,
        SAMLMetadataDocument: provider.metadataDocument,
        CreateDate: new Date(provider.createDate),
        ValidUntil: provider.validUntil === undefined ? undefined : new Date(provider.validUntil),
        ...(provider.tags.length > 0 ? { Tags: renderTags(provider.tags) } : {}),
        AssertionEncryptionMode: provider.assertionEncryptionMode,
        ...(provider.privateKeys.length > 0
          ? { PrivateKeyList: provider.privateKeys.map((key) => ({ KeyId: key.keyId, Timestamp: new Date(key.timestamp) })) }
          : {}),
      },
    };
  },
};

export const listSAMLProviders: ActionDefinition = {
  async run(_raw, context) {
    const accountId = context.caller.principal.accountId;
    await authorizeIam(context, "ListSAMLProviders", samlProviderArn(context.config.partition, accountId, "*"));
    const providers = await (await context.store.samlProviders()).listSamlProviders(accountId);
    return {
      result: {
        SAMLProviderList: providers.map((provider) => ({
          Arn: provider.arn,
          ValidUntil: provider.validUntil === undefined ? undefined : new Date(provider.validUntil),
          CreateDate: new Date(provider.createDate),
        })),
      },
    };
  },
};

export const updateSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as SamlProviderInput;
    const arn = input.SAMLProviderArn!;
    const name = await authorizeOnProvider(context, "UpdateSAMLProvider", arn);
    if (input.AddPrivateKey !== undefined && input.RemovePrivateKey !== undefined) {
      // IAM's API reference describes key rotation as two requests: add the new key, then remove the old one.
      throw new ServiceError("InvalidInput", "AddPrivateKey and RemovePrivateKey cannot be used in one request; add the new key first, then remove the old one.");
    }
    const provider = await (await context.store.samlProviders()).updateSamlProvider(
      context.caller.principal.accountId,
      name,
      {
        ...(input.SAMLMetadataDocument === undefined ? {} : { metadata: readMetadata(input.SAMLMetadataDocument) }),
        ...(input.AssertionEncryptionMode === undefined ? {} : { assertionEncryptionMode: input.AssertionEncryptionMode }),
        ...(input.AddPrivateKey === undefined ? {} : { addPrivateKey: checkPrivateKey(input.AddPrivateKey) }),
        ...(input.RemovePrivateKey === undefined ? {} : { removePrivateKeyId: input.RemovePrivateKey }),
      },
      context.facts.now,
    );
    return { result: { SAMLProviderArn: provider.arn }, responseElements: { sAMLProviderArn: provider.arn } };
  },
};

export const deleteSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const arn = (raw as SamlProviderInput).SAMLProviderArn!;
    const name = await authorizeOnProvider(context, "DeleteSAMLProvider", arn);
    await (await context.store.samlProviders()).deleteSamlProvider(context.caller.principal.accountId, name);
    return {};
  },
};

export const tagSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as SamlProviderInput;
    const name = await authorizeOnProvider(context, "TagSAMLProvider", input.SAMLProviderArn!);
    const tags = checkUniqueTags(input.Tags);
    await (await context.store.samlProviders()).tagSamlProvider(context.caller.principal.accountId, name, tags);
    return {};
  },
};

export const untagSAMLProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as SamlProviderInput;
    const name = await authorizeOnProvider(context, "UntagSAMLProvider", input.SAMLProviderArn!);
    await (await context.store.samlProviders()).untagSamlProvider(context.caller.principal.accountId, name, input.TagKeys ?? []);
    return {};
  },
};

export const listSAMLProviderTags: ActionDefinition = {
  async run(raw, context) {
    const input = raw as SamlProviderInput;
    const arn = input.SAMLProviderArn!;
    const name = await authorizeOnProvider(context, "ListSAMLProviderTags", arn);
    const provider = await requireProvider(context, name, arn);
    // The store keeps tags sorted by lower-cased key, the order paginate needs.
    const page = paginate(provider.tags, (tag) => tag.Key.toLowerCase(), input.Marker, input.MaxItems);
    return { result: { Tags: renderTags(page.items), IsTruncated: page.isTruncated, Marker: page.marker } };
  },
};
