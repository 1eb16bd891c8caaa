import type { ActionDefinition, CallContext } from "../../api/action.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { Tag } from "../../store/entities.js";
import { oidcProviderArn, parseOidcProviderArn } from "../arn.js";
import { authorizeIam } from "../authorize-iam.js";
import { paginate } from "../paginate.js";
import { checkThumbprints, parseProviderUrl } from "./oidc-provider-input.js";
import { checkUniqueTags } from "./users.js";

interface OidcProviderInput {
  Url?: string;
  OpenIDConnectProviderArn?: string;
  ClientID?: string;
  ClientIDList?: string[];
  ThumbprintList?: string[];
  Tags?: Tag[];
  TagKeys?: string[];
  Marker?: string;
  MaxItems?: number;
}


function notFound(arn: string): ServiceError {
  return new ServiceError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`);
}

/**
 * Checks a provider ARN and authorizes the action on it, then returns the provider's key: its URL
 * without the scheme. An ARN of another account or partition names no provider the caller can reach.
 */
async function authorizeOnProvider(context: CallContext, action: string, arn: string): Promise<string> {
  const parsed = parseOidcProviderArn(arn);
  if (!parsed) throw new ServiceError("InvalidInput", `ARN ${arn} is not valid.`);
  await authorizeIam(context, action, arn);
  if (parsed.accountId !== context.caller.principal.accountId || parsed.partition !== context.config.partition) {
    throw notFound(arn);
  }
  return parsed.urlWithoutScheme;
}

function renderTags(tags: readonly Tag[]): XmlObject[] {
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

export const createOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const url = parseProviderUrl(input.Url!, { allowLoopbackHttp: context.config.oidc.allowLoopbackIssuers });
    const accountId = context.caller.principal.accountId;
    await authorizeIam(context, "CreateOpenIDConnectProvider", oidcProviderArn(context.config.partition, accountId, url.urlWithoutScheme));
    const provider = await (await context.store.oidcProviders()).createOidcProvider(
      accountId,
      {
        ...url,
        clientIds: input.ClientIDList ?? [],
        // NOTE: without a ThumbprintList, IAM fetches the provider's CA thumbprint; this stores an empty list.
        thumbprints: checkThumbprints(input.ThumbprintList),
        tags: checkUniqueTags(input.Tags),
      },
      context.facts.now,
    );
    return {
      result: {
        OpenIDConnectProviderArn: provider.arn,
        ...(provider.tags.length > 0 ? { Tags: renderTags(provider.tags) } : {}),
      },
      responseElements: { openIDConnectProviderArn: provider.arn },
    };
  },
};

export const getOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const arn = (raw as OidcProviderInput).OpenIDConnectProviderArn!;
    const key = await authorizeOnProvider(context, "GetOpenIDConnectProvider", arn);
    const provider = await (await context.store.oidcProviders()).getOidcProvider(context.caller.principal.accountId, key);
    if (!provider) throw notFound(arn);
    return {
      result: {
        // IAM returns the URL without its scheme.
        Url: provider.urlWithoutScheme,
        ClientIDList: provider.clientIds,
        ThumbprintList: provider.thumbprints,
        CreateDate: new Date(provider.createDate),
        ...(provider.tags.length > 0 ? { Tags: renderTags(provider.tags) } : {}),
      },
    };
  },
};

export const listOpenIDConnectProviders: ActionDefinition = {
  async run(_raw, context) {
    const accountId = context.caller.principal.accountId;
    await authorizeIam(context, "ListOpenIDConnectProviders", oidcProviderArn(context.config.partition, accountId, "*"));
    const providers = await (await context.store.oidcProviders()).listOidcProviders(accountId);
    return { result: { OpenIDConnectProviderList: providers.map((provider) => ({ Arn: provider.arn })) } };
  },
};

export const deleteOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const arn = (raw as OidcProviderInput).OpenIDConnectProviderArn!;
    const key = await authorizeOnProvider(context, "DeleteOpenIDConnectProvider", arn);
    // NOTE: IAM's API reference calls this deletion idempotent, yet its model lists NoSuchEntity,
    // which is what an unknown provider gets here. Which of the two real IAM returns is unverified.
    await (await context.store.oidcProviders()).deleteOidcProvider(context.caller.principal.accountId, key);
    return {};
  },
};

export const addClientIDToOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const key = await authorizeOnProvider(context, "AddClientIDToOpenIDConnectProvider", input.OpenIDConnectProviderArn!);
    await (await context.store.oidcProviders()).addClientId(context.caller.principal.accountId, key, input.ClientID!);
    return {};
  },
};

export const removeClientIDFromOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const key = await authorizeOnProvider(context, "RemoveClientIDFromOpenIDConnectProvider", input.OpenIDConnectProviderArn!);
    await (await context.store.oidcProviders()).removeClientId(context.caller.principal.accountId, key, input.ClientID!);
    return {};
  },
};

export const updateOpenIDConnectProviderThumbprint: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const key = await authorizeOnProvider(context, "UpdateOpenIDConnectProviderThumbprint", input.OpenIDConnectProviderArn!);
    const thumbprints = checkThumbprints(input.ThumbprintList);
    await (await context.store.oidcProviders()).updateThumbprints(context.caller.principal.accountId, key, thumbprints);
    return {};
  },
};

export const tagOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const key = await authorizeOnProvider(context, "TagOpenIDConnectProvider", input.OpenIDConnectProviderArn!);
    const tags = checkUniqueTags(input.Tags);
    await (await context.store.oidcProviders()).tagOidcProvider(context.caller.principal.accountId, key, tags);
    return {};
  },
};

export const untagOpenIDConnectProvider: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const key = await authorizeOnProvider(context, "UntagOpenIDConnectProvider", input.OpenIDConnectProviderArn!);
    await (await context.store.oidcProviders()).untagOidcProvider(context.caller.principal.accountId, key, input.TagKeys ?? []);
    return {};
  },
};

export const listOpenIDConnectProviderTags: ActionDefinition = {
  async run(raw, context) {
    const input = raw as OidcProviderInput;
    const arn = input.OpenIDConnectProviderArn!;
    const key = await authorizeOnProvider(context, "ListOpenIDConnectProviderTags", arn);
    const provider = await (await context.store.oidcProviders()).getOidcProvider(context.caller.principal.accountId, key);
    if (!provider) throw notFound(arn);
    // The store keeps tags sorted by lower-cased key, the order paginate needs.
    const page = paginate(provider.tags, (tag) => tag.Key.toLowerCase(), input.Marker, input.MaxItems);
    return { result: { Tags: renderTags(page.items), IsTruncated: page.isTruncated, Marker: page.marker } };
  },
};
