import type { ActionDefinition } from "../api/action.js";

/** GetCallerIdentity needs no permission: an explicit Deny has no effect on it, as in AWS. */
export const getCallerIdentity: ActionDefinition = {
  async run(_input, { caller }) {
    const { principal } = caller;
    return {
      result: { UserId: principal.userId, Account: principal.accountId, Arn: principal.arn },
      responseElements: { arn: principal.arn, account: principal.accountId },
    };
  },
};
