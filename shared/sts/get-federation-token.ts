import type { ActionDefinition } from "../api/action.js";
import { authorize } from "../auth/authorize.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { requestTagKeys, type SessionTagSet, sessionTagProblem } from "../federation/session-attributes.js";
import { federatedUserArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import type { Tag } from "../store/entities.js";
import { userSessionDuration } from "./get-session-token.js";
import { issueCredentials, sessionAttributes } from "./session.js";
import { checkSessionPolicy, checkSessionPolicyArns, packedPolicySize } from "./session-policy.js";

interface GetFederationTokenInput {
  Name: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  Tags?: Tag[];
  DurationSeconds?: number;
}

/**
 * GetFederationToken: credentials for a federated user named by the caller, a user or root with
 * long-term credentials. The session acts within the caller's permissions and its session
 * policies; without a session policy it may do nothing, as in AWS. Its tags cannot be transitive,
 * since a federated user cannot assume roles.
 */
export const getFederationToken: ActionDefinition = {
  async run(rawInput, context) {
    const input = rawInput as unknown as GetFederationTokenInput;
    const { caller, config, facts } = context;
    const principal = caller.principal;
    if (caller.temporary || (principal.kind !== "user" && principal.kind !== "root")) {
      throw new ServiceError("AccessDenied", "Cannot call GetFederationToken with session credentials");
    }
    const tags: SessionTagSet = { tags: input.Tags ?? [], transitiveTagKeys: [] };
    const tagProblem = sessionTagProblem(tags);
    if (tagProblem) throw new ServiceError("ValidationError", tagProblem);

    const arn = federatedUserArn(config.partition, principal.accountId, input.Name);
    const keys = { ...globalConditionKeys(caller, facts), ...requestTagKeys(tags) };
    const check = (action: string) => authorize(caller, { action, resource: arn, resourceAccountId: principal.accountId, keys }, context.store);
    await check("sts:GetFederationToken");
    if (tags.tags.length > 0) await check("sts:TagSession");

    const sessionPolicy = input.Policy === undefined ? undefined : checkSessionPolicy(input.Policy);
    const policyArns = await checkSessionPolicyArns(input.PolicyArns, principal.accountId, config.partition, context.store.managedPolicies);
    const packedSize = packedPolicySize(sessionPolicy, tags.tags, policyArns);
    const issued = await issueCredentials(context, {
      accountId: principal.accountId,
      principal: {
        type: "federated-user",
        name: input.Name,
        ...(principal.kind === "user" ? { parentUser: { userName: principal.userName, userId: principal.userId } } : {}),
      },
      durationSeconds: userSessionDuration(input.DurationSeconds, principal.kind === "root"),
      chained: false,
      attributes: {
        ...sessionAttributes(tags, undefined),
        ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
        ...(policyArns.length === 0 ? {} : { sessionPolicyArns: policyArns }),
      },
    });
    const federatedUser = { FederatedUserId: `${principal.accountId}:${input.Name}`, Arn: arn };
    return {
      result: { Credentials: issued.credentials, FederatedUser: federatedUser, PackedPolicySize: packedSize },
      responseElements: { credentials: issued.audit, federatedUser: { federatedUserId: federatedUser.FederatedUserId, arn } },
    };
  },
};
