import { cachedPolicy } from "../auth/policy-cache.js";
import { parseManagedPolicyArn } from "../iam/arn.js";
import { policySize } from "../iam/policy-limits.js";
import { ServiceError } from "../protocol/errors.js";
import type { Tag } from "../store/entities.js";

/** AWS's limit on the plain text of a session policy. */
export const MAX_SESSION_POLICY_LENGTH = 2048;

/**
 * The size that session policies and tags may take together in a session token, in bytes: a
 * policy counts its characters other than white space, a managed policy its ARN, a tag its key
 * and value plus two.
 * AWS compresses both into a packed format with an undocumented limit; Open STS defines this
 * one instead, so that a full 2,048-character policy takes half of it.
 */
export const PACKED_SIZE_BUDGET = 4096;

/**
 * Validates an inline session policy: at most 2,048 characters and a valid identity-style
 * policy without Principal (MalformedPolicyDocument otherwise). Returns the policy text.
 */
export function checkSessionPolicy(policy: string): string {
  if (policy.length > MAX_SESSION_POLICY_LENGTH) {
    throw new ServiceError(
      "ValidationError",
      `1 validation error detected: Value at 'policy' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_POLICY_LENGTH}`,
    );
  }
  cachedPolicy(policy, "session");
  return policy;
}

/** AWS's limit on the managed policies one session may name. */
export const MAX_SESSION_POLICY_ARNS = 10;

/** The parts of the store that resolve managed session policies. */
export interface ManagedPolicyLookup {
  getPolicyDocumentByArn(arn: string): Promise<string | undefined>;
}

/**
 * Validates PolicyArns: at most ten customer managed policies of the session's account that
 * exist. Returns their ARNs, which the session keeps: their documents are read at each
 * request, so a change to a policy applies to the sessions that name it, within the cache bound.
 */
export async function checkSessionPolicyArns(
  descriptors: ReadonlyArray<{ arn?: string }> | undefined,
  roleAccountId: string,
  partition: string,
  policies: ManagedPolicyLookup,
): Promise<string[]> {
  const arns = (descriptors ?? []).map((descriptor) => descriptor.arn ?? "");
  if (arns.length > MAX_SESSION_POLICY_ARNS) {
    throw new ServiceError(
      "ValidationError",
      `1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_SESSION_POLICY_ARNS}`,
    );
  }
  for (const arn of arns) {
    const parsed = parseManagedPolicyArn(arn);
    if (!parsed || parsed.partition !== partition || parsed.accountId !== roleAccountId || (await policies.getPolicyDocumentByArn(arn)) === undefined) {
      // NOTE: the STS reference does not say which error AWS returns for a policy that does not exist.
      throw new ServiceError("ValidationError", `Policy ${arn} does not exist or is not a managed policy of the session's account.`);
    }
  }
  return arns;
}

/**
 * Returns PackedPolicySize, the share of PACKED_SIZE_BUDGET that the session policy, the
 * managed policy ARNs and the tags take, in percent rounded up. Throws PackedPolicyTooLarge above 100.
 */
export function packedPolicySize(policy: string | undefined, tags: readonly Tag[], policyArns: readonly string[] = []): number {
  let size = policy === undefined ? 0 : policySize(policy);
  for (const arn of policyArns) size += Buffer.byteLength(arn);
  for (const tag of tags) size += Buffer.byteLength(tag.Key) + Buffer.byteLength(tag.Value) + 2;
  const percent = Math.ceil((size * 100) / PACKED_SIZE_BUDGET);
  if (percent > 100) {
    throw new ServiceError(
      "PackedPolicyTooLarge",
      `The session policy and session tags take ${percent}% of the allowed packed size; remove tags or shorten the policy.`,
    );
  }
  return percent;
}
