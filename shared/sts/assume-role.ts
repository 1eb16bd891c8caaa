import type { ActionDefinition, CallContext } from "../api/action.js";
import { accessDenied, decide, explainResult } from "../auth/authorize.js";
import { cachedPolicy } from "../auth/policy-cache.js";
import type { Caller } from "../auth/principal.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { isValidSourceIdentity, requestTagKeys, type SessionTagSet, sessionTagProblem } from "../federation/session-attributes.js";
import { parseRoleArn } from "../iam/arn.js";
import type { PrincipalIdentity } from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { RoleRecord, Tag } from "../store/entities.js";
import { checkRoleDuration } from "./durations.js";
import { checkMfa } from "./mfa.js";
import { inheritedAttributes, issueSession, sessionAttributes } from "./session.js";
import { checkSessionPolicy, checkSessionPolicyArns, packedPolicySize } from "./session-policy.js";

const ACTION = "sts:AssumeRole";

/**
 * ProvidedContexts carries context assertions that only AWS IAM Identity Center signs, so no
 * caller can have a valid one here. It is refused rather than ignored, because a trust policy
 * may rely on the context it claims.
 */
const UNSUPPORTED = ["ProvidedContexts"] as const;

interface AssumeRoleInput {
  RoleArn: string;
  RoleSessionName: string;
  DurationSeconds?: number;
  ExternalId?: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  Tags?: Tag[];
  TransitiveTagKeys?: string[];
  SourceIdentity?: string;
  SerialNumber?: string;
  TokenCode?: string;
}

/**
 * AssumeRole: the role's trust policy must allow the caller, and, across accounts or when the
 * trust policy names only the caller's account, the caller's own policies must allow
 * sts:AssumeRole on the role too. An explicit Deny on either side wins. The policy engine
 * applies these rules in its "trust" mode.
 */
export const assumeRole: ActionDefinition = {
  async run(rawInput, context) {
    for (const name of UNSUPPORTED) {
      if (rawInput[name] !== undefined) {
        throw new ServiceError("ValidationError", `The parameter ${name} is not supported by Open STS: only AWS IAM Identity Center issues context assertions.`);
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
    const tags = mergeSessionTags(inherited.tags, { tags: input.Tags ?? [], transitiveTagKeys: input.TransitiveTagKeys ?? [] });
    const sourceIdentity = chooseSourceIdentity(inherited.sourceIdentity, input.SourceIdentity);
    // A code passed with this request counts from now; otherwise a session that began with MFA
    // passes its sign-in time on.
    const mfaAuthenticatedAt = (await checkMfa(context, input.SerialNumber, input.TokenCode)) ?? inherited.mfaAuthenticatedAt;
    const keys: Record<string, string | string[]> = {
      ...globalConditionKeys(caller, facts),
      ...mfaKeys(mfaAuthenticatedAt, facts.now),
      "sts:RoleSessionName": input.RoleSessionName,
      ...requestTagKeys(tags),
      ...(sourceIdentity === undefined ? {} : { "sts:SourceIdentity": sourceIdentity }),
    };
    if (input.ExternalId !== undefined) keys["sts:ExternalId"] = input.ExternalId;

    const trust = (action: string) => requireTrust(context, role, action, keys);
    await trust(ACTION);
    if (tags.tags.length > 0) await trust("sts:TagSession");
    if (sourceIdentity !== undefined) await trust("sts:SetSourceIdentity");

    const sessionPolicy = input.Policy === undefined ? undefined : checkSessionPolicy(input.Policy);
    const policyArns = await checkSessionPolicyArns(input.PolicyArns, role.accountId, config.partition, context.store.managedPolicies);
    const shaped = sessionPolicy !== undefined || policyArns.length > 0 || tags.tags.length > 0;
    const packedSize = shaped ? packedPolicySize(sessionPolicy, tags.tags, policyArns) : undefined;
    const durationSeconds = checkRoleDuration(input.DurationSeconds, role, caller.temporary);
    const session = await issueSession(context, {
      role,
      sessionName: input.RoleSessionName,
      durationSeconds,
      sourceAccountId: caller.principal.accountId,
      chained: caller.temporary,
      attributes: {
        ...sessionAttributes(tags, sourceIdentity),
        ...(mfaAuthenticatedAt === undefined ? {} : { mfaAuthenticatedAt }),
        ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
        ...(policyArns.length === 0 ? {} : { sessionPolicyArns: policyArns }),
      },
    });
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

/** Builds the MFA keys of the trust evaluation, when the caller proved a code now or earlier in its session. */
function mfaKeys(mfaAuthenticatedAt: number | undefined, now: Date): Record<string, string> {
  if (mfaAuthenticatedAt === undefined) return {};
  const age = Math.max(0, Math.floor(now.getTime() / 1000) - mfaAuthenticatedAt);
  return { "aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": String(age) };
}

/**
 * Combines the tags a chained session inherits with the tags of the request. A request may not
 * pass a key that an inherited transitive tag has, and its transitive keys must be among its own
 * tags. Throws ValidationError with the reason.
 */
function mergeSessionTags(inherited: SessionTagSet, requested: SessionTagSet): SessionTagSet {
  const requestProblem = sessionTagProblem(requested);
  if (requestProblem) throw new ServiceError("ValidationError", requestProblem);
  const inheritedKeys = new Set(inherited.tags.map((tag) => tag.Key.toLowerCase()));
  const clash = requested.tags.find((tag) => inheritedKeys.has(tag.Key.toLowerCase()));
  if (clash) {
    throw new ServiceError("ValidationError", `The session tag ${JSON.stringify(clash.Key)} is inherited as a transitive tag and cannot be set again.`);
  }
  const merged = {
    tags: [...inherited.tags, ...requested.tags],
    transitiveTagKeys: [...inherited.transitiveTagKeys, ...requested.transitiveTagKeys],
  };
  const problem = sessionTagProblem(merged);
  if (problem) throw new ServiceError("ValidationError", problem);
  return merged;
}

/** Returns the session's source identity: the inherited one, which a request may repeat but not change. */
function chooseSourceIdentity(inherited: string | undefined, requested: string | undefined): string | undefined {
  if (requested !== undefined && !isValidSourceIdentity(requested)) {
    throw new ServiceError("ValidationError", 'SourceIdentity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"');
  }
  if (inherited !== undefined && requested !== undefined && requested !== inherited) {
    throw new ServiceError("ValidationError", "The source identity of a role chain cannot be changed once it is set.");
  }
  return inherited ?? requested;
}

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
  // AWS words a refusal by the trust policy without naming a policy type. Like AWS, AssumeRole
  // attaches no encoded authorization message: it would show the caller the role's trust policy
  // (an external id among its conditions) and tell roles that exist from roles that do not.
  const message =
    result.deciding === "resource"
      ? `User: ${caller.principal.arn} is not authorized to perform: ${action} on resource: ${role.arn}`
      : accessDenied(caller, action, role.arn, result).message;
  throw new ServiceError("AccessDenied", message, { detail: explainResult(result) });
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
