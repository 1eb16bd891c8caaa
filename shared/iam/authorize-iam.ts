import type { CallContext } from "../api/action.js";
import { authorize } from "../auth/authorize.js";
import { globalConditionKeys } from "../auth/request-keys.js";

/**
 * Authorizes an IAM action in the caller's own account. IAM actions always act on the
 * caller's account, so a principal can never reach another account's IAM data.
 */
export async function authorizeIam(context: CallContext, action: string, resource: string): Promise<void> {
  await authorize(
    context.caller,
    {
      action: `iam:${action}`,
      resource,
      resourceAccountId: context.caller.principal.accountId,
      keys: globalConditionKeys(context.caller, context.facts),
    },
    context.store,
  );
}

/** Returns the ARN prefix of an entity type in the caller's account, e.g. `arn:aws:iam::123456789012:user`. */
export function entityArnPrefix(context: CallContext, type: "user" | "role"): string {
  return `arn:${context.config.partition}:iam::${context.caller.principal.accountId}:${type}`;
}
