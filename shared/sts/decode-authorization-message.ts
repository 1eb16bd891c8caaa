import type { ActionDefinition } from "../api/action.js";
import { decodeAuthorizationMessage } from "../auth/authorization-message.js";
import { authorize } from "../auth/authorize.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { ServiceError } from "../protocol/errors.js";

const REASONS = {
  invalid: "The encoded authorization message is invalid.",
  expired: "The encoded authorization message has expired.",
  "other-account": "The encoded authorization message was issued to another account.",
} as const;

/**
 * DecodeAuthorizationMessage: opens the message at the end of an AccessDenied, for principals of
 * the account that was denied whose policies allow `sts:DecodeAuthorizationMessage`.
 */
export const decodeAuthorizationMessageAction: ActionDefinition = {
  async run(input, context) {
    const { caller, facts } = context;
    await authorize(
      caller,
      { action: "sts:DecodeAuthorizationMessage", resource: "*", resourceAccountId: caller.principal.accountId, keys: globalConditionKeys(caller, facts) },
      context.store,
    );
    const opened = await decodeAuthorizationMessage(context.ring, input.EncodedMessage as string, caller.principal.accountId, facts.now);
    if (!opened.ok) throw new ServiceError("InvalidAuthorizationMessageException", REASONS[opened.reason]);
    return { result: { DecodedMessage: JSON.stringify(opened.message) } };
  },
};
