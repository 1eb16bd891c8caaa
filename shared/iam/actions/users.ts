import type { ActionDefinition, CallContext } from "../../api/action.js";
import { ServiceError } from "../../protocol/errors.js";
import type { XmlObject } from "../../protocol/xml.js";
import type { Tag, UserRecord } from "../../store/entities.js";
import { authorizeIam, entityArnPrefix } from "../authorize-iam.js";
import { paginate } from "../paginate.js";

interface UserInput {
  UserName?: string;
  Path?: string;
  PathPrefix?: string;
  Tags?: Tag[];
  Marker?: string;
  MaxItems?: number;
}

export function renderUser(user: UserRecord, withTags: boolean): XmlObject {
  return {
    Path: user.path,
    UserName: user.userName,
    UserId: user.userId,
    Arn: user.arn,
    CreateDate: new Date(user.createDate),
    ...(withTags && user.tags.length > 0 ? { Tags: user.tags.map((tag) => ({ Key: tag.Key, Value: tag.Value })) } : {}),
  };
}

/** Resolves the user an action targets: the named one, or the calling user when the name is omitted. */
export function targetUserName(context: CallContext, userName: string | undefined): string | undefined {
  if (userName !== undefined) return userName;
  const principal = context.caller.principal;
  if (principal.kind === "user") return principal.userName;
  if (principal.kind === "root") return undefined;
  throw new ServiceError("ValidationError", "Must specify userName when calling with non-User credentials");
}

export function checkUniqueTags(tags: readonly Tag[] | undefined): Tag[] {
  const seen = new Set<string>();
  for (const tag of tags ?? []) {
    const key = tag.Key.toLowerCase();
    if (seen.has(key)) throw new ServiceError("InvalidInput", `Duplicate tag keys found. Please note that Tag keys are case insensitive.`);
    seen.add(key);
  }
  return [...(tags ?? [])];
}

export const createUser: ActionDefinition = {
  async run(raw, context) {
    const input = raw as UserInput;
    const userName = input.UserName!;
    const path = input.Path ?? "/";
    await authorizeIam(context, "CreateUser", `${entityArnPrefix(context, "user")}${path}${userName}`);
    const user = await context.store.createUser(
      context.caller.principal.accountId,
      { userName, path, tags: checkUniqueTags(input.Tags) },
      context.facts.now,
    );
    return { result: { User: renderUser(user, true) }, responseElements: { user: { userName, arn: user.arn } } };
  },
};

export const getUser: ActionDefinition = {
  async run(raw, context) {
    const input = raw as UserInput;
    const userName = targetUserName(context, input.UserName);
    if (userName === undefined) {
      // Root without a name: AWS describes the account's root as a user named after nothing.
      const principal = context.caller.principal;
      return { result: { User: { UserId: principal.accountId, Arn: principal.arn, CreateDate: new Date(0) } } };
    }
    const accountId = context.caller.principal.accountId;
    const user = await context.store.getUser(accountId, userName);
    await authorizeIam(context, "GetUser", `${entityArnPrefix(context, "user")}${user?.path ?? "/"}${userName}`);
    if (!user) throw new ServiceError("NoSuchEntity", `The user with name ${userName} cannot be found.`);
    return { result: { User: renderUser(user, true) } };
  },
};

export const listUsers: ActionDefinition = {
  async run(raw, context) {
    const input = raw as UserInput;
    await authorizeIam(context, "ListUsers", `${entityArnPrefix(context, "user")}/`);
    const prefix = input.PathPrefix ?? "/";
    const users = (await context.store.listUsers(context.caller.principal.accountId)).filter((user) =>
      user.path.startsWith(prefix),
    );
    const page = paginate(users, (user) => user.userName.toLowerCase(), input.Marker, input.MaxItems);
    return {
      result: {
        Users: page.items.map((user) => renderUser(user, false)),
        IsTruncated: page.isTruncated,
        Marker: page.marker,
      },
    };
  },
};

export const deleteUser: ActionDefinition = {
  async run(raw, context) {
    const userName = (raw as UserInput).UserName!;
    const accountId = context.caller.principal.accountId;
    const user = await context.store.getUser(accountId, userName);
    await authorizeIam(context, "DeleteUser", `${entityArnPrefix(context, "user")}${user?.path ?? "/"}${userName}`);
    // An EnableMFADevice between this check and the deletion is caught by the store's condition
    // on the user's device count.
    if (user && (await (await context.store.mfaDevices()).listUserMfaDevices(accountId, user.userId)).length > 0) {
      throw new ServiceError("DeleteConflict", "Cannot delete entity, must delete MFA device first.");
    }
    await context.store.deleteUser(accountId, userName);
    return {};
  },
};
