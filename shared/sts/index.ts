import type { ActionTable } from "../api/action.js";
import { assumeRole } from "./assume-role.js";
import { assumeRoleWithSaml } from "./assume-role-with-saml.js";
import { assumeRoleWithWebIdentity } from "./assume-role-with-web-identity.js";
import { getCallerIdentity } from "./get-caller-identity.js";

/** The STS actions served so far; the other actions of the model return InvalidAction. */
export const stsActions: ActionTable = {
  AssumeRole: assumeRole,
  AssumeRoleWithSAML: assumeRoleWithSaml,
  AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
  GetCallerIdentity: getCallerIdentity,
};
