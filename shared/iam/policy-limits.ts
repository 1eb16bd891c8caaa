import { ServiceError } from "../protocol/errors.js";

/** IAM's quotas on the aggregate size of inline policies, counted without whitespace. */
export const INLINE_POLICY_QUOTA = { user: 2048, role: 10240 } as const;
/** IAM's default quota on a role trust policy, counted without whitespace. */
export const TRUST_POLICY_QUOTA = 2048;

export function policySize(document: string): number {
  let size = 0;
  for (const character of document) if (!/\s/.test(character)) size++;
  return size;
}

/** Throws LimitExceeded when the inline policies of an entity would exceed IAM's aggregate quota. */
export function checkInlineQuota(kind: "user" | "role", name: string, documents: readonly string[]): void {
  const quota = INLINE_POLICY_QUOTA[kind];
  const total = documents.reduce((sum, document) => sum + policySize(document), 0);
  if (total > quota) {
    throw new ServiceError("LimitExceeded", `Maximum policy size of ${quota} bytes exceeded for ${kind} ${name}`);
  }
}

export function checkTrustQuota(document: string): void {
  if (policySize(document) > TRUST_POLICY_QUOTA) {
    throw new ServiceError("LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`);
  }
}
