import type { ActionDefinition, CallContext } from "../api/action.js";
import { accessDenied, decide, explainResult } from "../auth/authorize.js";
import { cachedPolicy } from "../auth/policy-cache.js";
import type { Caller } from "../auth/principal.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { requestTagKeys } from "../federation/session-attributes.js";
import { parseRoleArn } from "../iam/arn.js";
import type { PrincipalIdentity } from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { RoleRecord } from "../store/entities.js";
import { checkRoleDuration } from "./durations.js";
import { inheritedAttributes, issueSession, sessionAttributes } from "./session.js";
import { checkSessionPolicy, checkSessionPolicyArns, packedPolicySize } from "./session-policy.js";

const ACTION = "sts:AssumeRole";

/**
 * Session-shaping parameters that are not implemented yet. They are rejected rather than ignored,
 * because ignoring a session policy would grant more than the caller requested.
 */
const NOT_YET_SUPPORTED = [
  "Tags",
  "TransitiveTagKeys",
  "SourceIdentity",
  "SerialNumber",
  "TokenCode",
  "ProvidedContexts",
] as const;

interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  ExternalId?: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
}

/**
 * AssumeRole: the role's trust policy must allow the caller, and, across accounts or when the
 * trust policy names only the caller's account, the caller's own policies must allow
 * sts:AssumeRole on the role too. An explicit Deny on either side wins. The policy engine
 * applies these rules in its "trust" mode.
 */
export const assumeRole: ActionDefinition = {
  async run(rawInput, context) {
    for (const name of NOT_YET_SUPPORTED) {
      if (rawInput[name] !== undefined) {
        // TODO: session policies, tags, source identity and MFA arrive with the rest of the STS surface.
        throw new ServiceError("ValidationError", `The parameter ${name} is not supported by this version of Open STS.`);
      }
    }
    const input = rawInput as unknown as AssumeRoleInput;
    const { caller, config, facts } = context;

    if (caller.principal.kind === "root") {
      throw new ServiceError("AccessDenied", "Roles may not be assumed by root accounts.");
    }
    const target = parseRoleArn(input.RoleArn);
    if (!target || target.partition !== config.partition) {
      throw new ServiceError("ValidationError", `${input.RoleArn} is invalid`);
    }

    // A role that does not exist is refused like one that does not trust the caller, so callers
    // cannot probe other accounts for role names.
    const role = await context.store.getRole(target.accountId, target.roleName);
    if (!role || role.arn !== input.RoleArn) {
      throw new ServiceError(
        "AccessDenied",
        `User: ${caller.principal.arn} is not authorized to perform: ${ACTION} on resource: ${input.RoleArn}`,
      );
    }

    // A chained session carries its transitive tags and source identity on, and the next role's
    // trust policy must accept them as if they were passed in the request.
    const inherited = inheritedAttributes(caller);
    const keys: Record<string, string | string[]> = {
      ...globalConditionKeys(caller, facts),
      "sts:RoleSessionName": input.RoleSessionName,
      ...requestTagKeys(inherited.tags),
      ...(inherited.sourceIdentity === undefined ? {} : { "sts:SourceIdentity": inherited.sourceIdentity }),
    };
    if (input.ExternalId !== undefined) keys["sts:ExternalId"] = input.ExternalId;

    const trust = (action: string) => requireTrust(context, role, action, keys);
    await trust(ACTION);
    if (inherited.tags.tags.length > 0) await trust("sts:TagSession");
    if (inherited.sourceIdentity !== undefined) await trust("sts:SetSourceIdentity");

    const sessionPolicy = input.Policy === undefined ? undefined : checkSessionPolicy(input.Policy);
    const policyArns = await checkSessionPolicyArns(input.PolicyArns, role.accountId, config.partition, context.store.managedPolicies);
    const shaped = sessionPolicy !== undefined || policyArns.length > 0 || inherited.tags.tags.length > 0;
    const packedSize = shaped ? packedPolicySize(sessionPolicy, inherited.tags.tags, policyArns) : undefined;
    const durationSeconds = checkRoleDuration(input.DurationSeconds, role, caller.temporary);
    const session = await issueSession(context, {
      role,
      sessionName: input.RoleSessionName,
      durationSeconds,
      sourceAccountId: caller.principal.accountId,
      chained: caller.temporary,
      attributes: {
        ...sessionAttributes(inherited.tags, inherited.sourceIdentity),
        ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
        ...(policyArns.length === 0 ? {} : { sessionPolicyArns: policyArns }),
      },
    });
    const sourceIdentity = inherited.sourceIdentity;
    return {
      result: {
        Credentials: session.credentials,
        AssumedRoleUser: session.assumedRoleUser,
        ...(packedSize === undefined ? {} : { PackedPolicySize: packedSize }),
        ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
      },
      responseElements: { ...session.audit, ...(sourceIdentity === undefined ? {} : { sourceIdentity }) },
    };
  },
};

/** Requires the role's trust policy, and the caller's policies where AWS requires them, to allow `action`. */
async function requireTrust(context: CallContext, role: RoleRecord, action: string, keys: Record<string, string | string[]>): Promise<void> {
  const { caller } = context;
  const result = await decide(
    caller,
    {
      action,
      resource: role.arn,
      resourceAccountId: role.accountId,
      keys,
      resourcePolicy: { policy: cachedPolicy(role.trustPolicy, "trust"), mode: "trust", principal: trustIdentity(caller, role) },
    },
    context.store,
  );
  if (result.decision === "Allow") return;
  // AWS words a refusal by the trust policy without naming a policy type.
  if (result.deciding === "resource") {
    throw new ServiceError("AccessDenied", `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${role.arn}`, {
      detail: explainResult(result),
    });
  }
  throw accessDenied(caller, action, role.arn, result);
}

/**
 * Describes the caller for the role's trust policy. A user or role ARN in the trust policy names
 * the entity that had that ARN when the policy was stored, so the caller's ARN counts only when
 * its unique id is the one recorded then.
 */
function trustIdentity(caller: Caller, role: RoleRecord): PrincipalIdentity {
  const principal = caller.principal;
  const sameEntity = (arn: string, uniqueId: string) => {
    const recorded = role.trustPrincipalIds[arn];
    return recorded === undefined || recorded === uniqueId;
  };
  const names: string[] = [];
  if (principal.kind === "assumed-role") {
    names.push(principal.arn, principal.roleId);
    if (sameEntity(principal.roleArn, principal.roleId)) names.push(principal.roleArn);
  } else if (principal.kind === "user") {
    names.push(principal.userId);
    if (sameEntity(principal.arn, principal.userId)) names.push(principal.arn);
  } else {
    names.push(principal.arn);
  }
  return { type: "AWS", accountId: principal.accountId, names };
}
