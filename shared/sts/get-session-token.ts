import type { ActionDefinition } from "../api/action.js";
import { ServiceError } from "../protocol/errors.js";
import { checkMfa } from "./mfa.js";
import { issueCredentials } from "./session.js";

/** GetSessionToken and GetFederationToken sessions: 15 minutes to 36 hours, 12 hours by default. */
export const USER_SESSION_DEFAULT_SECONDS = 43_200;
/** An account's root gets at most one hour; a longer request is shortened to one hour, as in AWS. */
export const ROOT_SESSION_MAX_SECONDS = 3600;

interface GetSessionTokenInput {
  DurationSeconds?: number;
  SerialNumber?: string;
  TokenCode?: string;
}

/**
 * Returns the session length of GetSessionToken and GetFederationToken. Input validation has
 * already limited DurationSeconds to 900..129,600.
 */
export function userSessionDuration(requested: number | undefined, root: boolean): number {
  if (root) return Math.min(requested ?? ROOT_SESSION_MAX_SECONDS, ROOT_SESSION_MAX_SECONDS);
  return requested ?? USER_SESSION_DEFAULT_SECONDS;
}

/**
 * GetSessionToken: temporary credentials that act as the calling user or root, optionally
 * after an MFA code. No policy controls it, as in AWS; it needs long-term credentials.
 */
export const getSessionToken: ActionDefinition = {
  async run(rawInput, context) {
    const input = rawInput as GetSessionTokenInput;
    const { caller } = context;
    const principal = caller.principal;
    if (caller.temporary || (principal.kind !== "user" && principal.kind !== "root")) {
      throw new ServiceError("AccessDenied", "Cannot call GetSessionToken with session credentials");
    }
    const mfaAuthenticatedAt = await checkMfa(context, input.SerialNumber, input.TokenCode);
    const issued = await issueCredentials(context, {
      accountId: principal.accountId,
      principal: {
        type: "user-session",
        ...(principal.kind === "user" ? { user: { userName: principal.userName, userId: principal.userId, arn: principal.arn } } : {}),
      },
      durationSeconds: userSessionDuration(input.DurationSeconds, principal.kind === "root"),
      chained: false,
      ...(mfaAuthenticatedAt === undefined ? {} : { attributes: { mfaAuthenticatedAt } }),
    });
    return {
      result: { Credentials: issued.credentials },
      responseElements: { credentials: issued.audit, ...(mfaAuthenticatedAt === undefined ? {} : { mfaAuthenticated: true }) },
    };
  },
};
