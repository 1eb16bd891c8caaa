import type { ActionDefinition } from "../../api/action.js";
import { ServiceError } from "../../protocol/errors.js";
import { issuerUrl, requirePublicUrl } from "../../outbound/issuer.js";
import { authorizeIam } from "../authorize-iam.js";

// These actions act on the caller's account as a whole, so IAM authorizes them on resource "*".

/**
 * EnableOutboundWebIdentityFederation: lets the account's principals call GetWebIdentityToken.
 * The first call creates the account's issuer; later calls after a disable return the same one.
 */
export const enableOutboundWebIdentityFederation: ActionDefinition = {
  async run(_input, context) {
    await authorizeIam(context, "EnableOutboundWebIdentityFederation", "*");
    const publicUrl = requirePublicUrl(context.config);
    const setting = await (await context.store.outboundFederation()).enable(context.caller.principal.accountId, context.facts.now);
    const issuer = issuerUrl(publicUrl, setting.issuerId);
    return { result: { IssuerIdentifier: issuer }, responseElements: { issuerIdentifier: issuer } };
  },
};

/** DisableOutboundWebIdentityFederation: stops new tokens. The issuer keeps serving its keys for tokens already issued. */
export const disableOutboundWebIdentityFederation: ActionDefinition = {
  async run(_input, context) {
    await authorizeIam(context, "DisableOutboundWebIdentityFederation", "*");
    await (await context.store.outboundFederation()).disable(context.caller.principal.accountId, context.facts.now);
    return {};
  },
};

/**
 * GetOutboundWebIdentityFederationInfo: the issuer URL and whether tokens may be issued. An
 * account that never enabled the feature has no issuer, which is FeatureDisabled.
 */
export const getOutboundWebIdentityFederationInfo: ActionDefinition = {
  async run(_input, context) {
    await authorizeIam(context, "GetOutboundWebIdentityFederationInfo", "*");
    const accountId = context.caller.principal.accountId;
    const setting = await (await context.store.outboundFederation()).get(accountId);
    if (!setting) {
      throw new ServiceError("FeatureDisabled", `Outbound identity federation has never been enabled for account ${accountId}.`);
    }
    const issuer = issuerUrl(requirePublicUrl(context.config), setting.issuerId);
    return {
      result: { IssuerIdentifier: issuer, JwtVendingEnabled: setting.enabled },
      responseElements: { issuerIdentifier: issuer, jwtVendingEnabled: setting.enabled },
    };
  },
};
