import { ServiceError } from "../protocol/errors.js";
import type { Caller } from "./principal.js";

/** STS actions that GetSessionToken credentials may call, as in AWS. */
const USER_SESSION_STS_ACTIONS = new Set(["AssumeRole", "GetCallerIdentity"]);

/**
 * Applies AWS's limits on what some temporary credentials may call, whatever the policies allow.
 * GetFederationToken sessions may call no IAM action and only GetCallerIdentity of STS.
 * GetSessionToken sessions may call IAM only after MFA, and only AssumeRole and
 * GetCallerIdentity of STS. AWS rejects such an IAM call with InvalidClientTokenId, as if the
 * token were not valid there, and such an STS call with AccessDenied.
 */
export function checkSessionScope(service: string, action: string, caller: Caller): void {
  const principal = caller.principal;
  const federated = principal.kind === "federated-user";
  const userSession = (principal.kind === "user" || principal.kind === "root") && principal.session !== undefined;
  if (!federated && !userSession) return;
  if (service === "iam") {
    const mfa = !federated && principal.session?.attributes?.mfaAuthenticatedAt !== undefined;
    if (!mfa) throw new ServiceError("InvalidClientTokenId", "The security token included in the request is invalid");
    return;
  }
  if (service === "sts" && action !== "GetCallerIdentity" && (federated || !USER_SESSION_STS_ACTIONS.has(action))) {
    throw new ServiceError("AccessDenied", `Cannot call ${action} with session credentials`);
  }
}
