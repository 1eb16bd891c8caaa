import type { ActionDefinition } from "../api/action.js";
import { authorize } from "../auth/authorize.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { accountOfAccessKeyId } from "../credentials/ids.js";
import { ServiceError } from "../protocol/errors.js";

/**
 * GetAccessKeyInfo: the account that owns an access key id, whatever the key's state. Key ids
 * carry their account, as AWS's do; a long-term key issued before they did is found in the store.
 */
export const getAccessKeyInfo: ActionDefinition = {
  async run(input, context) {
    const { caller, facts } = context;
    await authorize(
      caller,
      { action: "sts:GetAccessKeyInfo", resource: "*", resourceAccountId: caller.principal.accountId, keys: globalConditionKeys(caller, facts) },
      context.store,
    );
    const accessKeyId = input.AccessKeyId as string;
    const stored = accessKeyId.startsWith("AKIA") ? await context.store.getAccessKey(accessKeyId) : undefined;
    const account = stored?.accountId ?? accountOfAccessKeyId(accessKeyId);
    // NOTE: AWS does not document its error for a string that is no access key id.
    if (account === undefined) throw new ServiceError("ValidationError", `${accessKeyId} is not a valid access key ID.`);
    return { result: { Account: account } };
  },
};
