import type { ActionDefinition } from "../api/action.js";
import { ServiceError } from "../protocol/errors.js";

/**
 * AssumeRoot and GetDelegatedAccessToken depend on AWS Organizations (a management or delegated
 * administrator account acting on a member account's root) and on trade-in tokens that AWS
 * services hand out. Open STS has neither, so they are refused with InvalidAction after their
 * input is validated, as AWS refuses an operation an endpoint does not offer. docs/api-coverage.md
 * explains why.
 */
function unsupported(action: string, reason: string): ActionDefinition {
  return {
    async run() {
      throw new ServiceError("InvalidAction", `${action} is not supported by Open STS: ${reason}`);
    },
  };
}

export const assumeRoot = unsupported("AssumeRoot", "it needs AWS Organizations, which a self-hosted service does not have.");
export const getDelegatedAccessToken = unsupported(
  "GetDelegatedAccessToken",
  "it exchanges trade-in tokens that only AWS services issue.",
);
