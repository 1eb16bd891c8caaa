import { ServiceError } from "../protocol/errors.js";
import type { RoleRecord } from "../store/entities.js";

/** The session length when DurationSeconds is not given. */
export const DEFAULT_ROLE_DURATION_SECONDS = 3600;
/** AWS caps sessions obtained with temporary credentials (role chaining) at one hour. */
export const CHAINED_MAX_DURATION_SECONDS = 3600;

/** Returns the session length of a role session, refusing one longer than the role or the chain allows. */
export function checkRoleDuration(requested: number | undefined, role: RoleRecord, chained: boolean): number {
  const duration = requested ?? DEFAULT_ROLE_DURATION_SECONDS;
  if (chained && duration > CHAINED_MAX_DURATION_SECONDS) {
    throw new ServiceError(
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  if (duration > role.maxSessionDuration) {
    throw new ServiceError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
  }
  return duration;
}
