import type { ActionDefinition, CallContext } from "../../api/action.js";
import { ServiceError } from "../../protocol/errors.js";
import type { AccessKeyRecord } from "../../store/entities.js";
import { authorizeIam, entityArnPrefix } from "../authorize-iam.js";
import { targetUserName } from "./users.js";

interface AccessKeyInput {
  UserName?: string;
  AccessKeyId?: string;
  Status?: "Active" | "Inactive";
}

/** Authorizes an access-key action and returns the target user (undefined for root's own keys). */
async function authorizeKeyAction(context: CallContext, action: string, input: AccessKeyInput): Promise<string | undefined> {
  const userName = targetUserName(context, input.UserName);
  const accountId = context.caller.principal.accountId;
  if (userName === undefined) {
    await authorizeIam(context, action, context.caller.principal.arn);
    return undefined;
  }
  const user = await context.store.getUser(accountId, userName);
  await authorizeIam(context, action, `${entityArnPrefix(context, "user")}${user?.path ?? "/"}${userName}`);
  if (!user) throw new ServiceError("NoSuchEntity", `The user with name ${userName} cannot be found.`);
  return user.userName;
}

function renderMetadata(key: AccessKeyRecord) {
  return {
    ...(key.userName === undefined ? {} : { UserName: key.userName }),
    AccessKeyId: key.accessKeyId,
    Status: key.status,
    CreateDate: new Date(key.createDate),
  };
}

export const createAccessKey: ActionDefinition = {
  async run(raw, context) {
    const userName = await authorizeKeyAction(context, "CreateAccessKey", raw as AccessKeyInput);
    const key = await context.store.createAccessKey(context.caller.principal.accountId, userName, context.facts.now);
    return {
      result: {
        AccessKey: {
          ...(userName === undefined ? {} : { UserName: userName }),
          AccessKeyId: key.accessKeyId,
          Status: key.status,
          SecretAccessKey: key.secretAccessKey,
          CreateDate: new Date(key.createDate),
        },
      },
      responseElements: { accessKey: { accessKeyId: key.accessKeyId, userName, status: key.status } },
    };
  },
};

export const listAccessKeys: ActionDefinition = {
  async run(raw, context) {
    const userName = await authorizeKeyAction(context, "ListAccessKeys", raw as AccessKeyInput);
    const keys = await context.store.listAccessKeys(context.caller.principal.accountId, userName);
    return { result: { AccessKeyMetadata: keys.map(renderMetadata), IsTruncated: false } };
  },
};

export const deleteAccessKey: ActionDefinition = {
  async run(raw, context) {
    const input = raw as AccessKeyInput;
    const userName = await authorizeKeyAction(context, "DeleteAccessKey", input);
    await context.store.deleteAccessKey(context.caller.principal.accountId, userName, input.AccessKeyId!);
    return {};
  },
};

export const updateAccessKey: ActionDefinition = {
  async run(raw, context) {
    const input = raw as AccessKeyInput;
    const userName = await authorizeKeyAction(context, "UpdateAccessKey", input);
    await context.store.setAccessKeyStatus(context.caller.principal.accountId, userName, input.AccessKeyId!, input.Status!);
    return {};
  },
};
