import type { CallContext } from "../api/action.js";
import { ServiceError } from "../protocol/errors.js";

/** AWS's wording when the serial number names no device of the caller. */
const UNKNOWN_DEVICE =
  "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.";
const INVALID_CODE = "MultiFactorAuthentication failed with invalid MFA one time pass code.";

/**
 * Checks the SerialNumber and TokenCode of a request, consuming the code, and returns the time
 * of the MFA sign-in in epoch seconds, or undefined when the request passed neither. Only IAM
 * users have MFA devices here, so root and role sessions that pass a device are refused like a
 * user passing someone else's.
 */
export async function checkMfa(context: CallContext, serialNumber: string | undefined, tokenCode: string | undefined): Promise<number | undefined> {
  if (serialNumber === undefined && tokenCode === undefined) return undefined;
  if (serialNumber === undefined || tokenCode === undefined) {
    throw new ServiceError("ValidationError", "SerialNumber and TokenCode must be given together.");
  }
  const principal = context.caller.principal;
  if (principal.kind !== "user") throw new ServiceError("AccessDenied", UNKNOWN_DEVICE);
  // The TOTP code loads on the first MFA check, so a cold start that serves none does not read it.
  const { authenticateMfa } = await import("../federation/mfa/authenticate-mfa.js");
  const outcome = await authenticateMfa(context.store, {
    accountId: principal.accountId,
    userName: principal.userName,
    serialNumber,
    tokenCode,
    now: context.facts.now,
  });
  if (!outcome.ok) throw new ServiceError("AccessDenied", outcome.reason === "unknown-device" ? UNKNOWN_DEVICE : INVALID_CODE);
  return Math.floor(context.facts.now.getTime() / 1000);
}
