import type { ActionDefinition, ActionTable, UnsignedActionDefinition } from "../api/action.js";
import { assumeRole } from "./assume-role.js";
import { getCallerIdentity } from "./get-caller-identity.js";

/**
 * Wraps an action whose module loads on its first call. AssumeRole and GetCallerIdentity, the
 * calls most deployments serve, load with the handler. The other actions and the libraries only
 * they use (openid-client, the SAML verifier, TOTP, token signing) stay out of a cold start.
 */
function onDemand(load: () => Promise<ActionDefinition>): ActionDefinition {
  let loaded: Promise<ActionDefinition> | undefined;
  return {
    async run(input, context) {
      loaded ??= load();
      return (await loaded).run(input, context);
    },
  };
}

function unsignedOnDemand(load: () => Promise<UnsignedActionDefinition>): UnsignedActionDefinition {
  let loaded: Promise<UnsignedActionDefinition> | undefined;
  return {
    unsigned: true,
    async run(input, context) {
      loaded ??= load();
      return (await loaded).run(input, context);
    },
  };
}

/** The STS actions, by name. */
export const stsActions: ActionTable = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
  AssumeRoleWithSAML: unsignedOnDemand(async () => (await import("./assume-role-with-saml.js")).assumeRoleWithSaml),
  AssumeRoleWithWebIdentity: unsignedOnDemand(async () => (await import("./assume-role-with-web-identity.js")).assumeRoleWithWebIdentity),
  GetSessionToken: onDemand(async () => (await import("./get-session-token.js")).getSessionToken),
  GetFederationToken: onDemand(async () => (await import("./get-federation-token.js")).getFederationToken),
  GetAccessKeyInfo: onDemand(async () => (await import("./get-access-key-info.js")).getAccessKeyInfo),
  DecodeAuthorizationMessage: onDemand(async () => (await import("./decode-authorization-message.js")).decodeAuthorizationMessageAction),
  GetWebIdentityToken: onDemand(async () => (await import("./get-web-identity-token.js")).getWebIdentityToken),
  AssumeRoot: onDemand(async () => (await import("./organizations.js")).assumeRoot),
  GetDelegatedAccessToken: onDemand(async () => (await import("./organizations.js")).getDelegatedAccessToken),
};
