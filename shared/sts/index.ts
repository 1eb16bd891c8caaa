import type { ActionTable } from "../api/action.js";
import { assumeRole } from "./assume-role.js";
import { assumeRoleWithSaml } from "./assume-role-with-saml.js";
import { assumeRoleWithWebIdentity } from "./assume-role-with-web-identity.js";
import { decodeAuthorizationMessageAction } from "./decode-authorization-message.js";
import { getAccessKeyInfo } from "./get-access-key-info.js";
import { getCallerIdentity } from "./get-caller-identity.js";
import { getFederationToken } from "./get-federation-token.js";
import { getSessionToken } from "./get-session-token.js";
import { getWebIdentityToken } from "./get-web-identity-token.js";
import { assumeRoot, getDelegatedAccessToken } from "./organizations.js";

/** The STS actions, by name. */
export const stsActions: ActionTable = {
  AssumeRole: assumeRole,
  AssumeRoleWithSAML: assumeRoleWithSaml,
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetCallerIdentity: getCallerIdentity,
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
  GetAccessKeyInfo: getAccessKeyInfo,
  DecodeAuthorizationMessage: decodeAuthorizationMessageAction,
  AssumeRoot: assumeRoot,
  GetDelegatedAccessToken: getDelegatedAccessToken,
  GetWebIdentityToken: getWebIdentityToken,
};
