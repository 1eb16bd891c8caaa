import type { Policy } from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { IamStore } from "../store/iam-store.js";

const ENTITY_ARN = /^arn:([^:]+):iam::(\d{12}):(user|role)(\/(?:.*\/)?)?([^/]+)$/;

/**
 * Resolves the IAM users and roles that a trust policy names to their unique ids, as IAM does
 * when it stores the policy. A name that does not exist is an invalid principal. Binding to ids
 * means a user or role deleted and created again under the same name is not trusted by policies
 * written for its predecessor. Returns the ARN-to-id map to store with the role.
 */
export async function resolveTrustPrincipals(policy: Policy, store: IamStore, partition: string): Promise<Record<string, string>> {
  const resolved: Record<string, string> = {};
  for (const statement of policy.statements) {
    const principal = statement.principal;
    if (principal === undefined || principal === "*") continue;
    for (const arn of principal.AWS ?? []) {
      const match = ENTITY_ARN.exec(arn);
      if (!match || resolved[arn] !== undefined) continue;
      const [, arnPartition, accountId, type, , name] = match;
      const entity =
        arnPartition !== partition
          ? undefined
          : type === "user"
            ? await store.getUser(accountId!, name!)
            : await store.getRole(accountId!, name!);
      let uniqueId: string | undefined;
      if (entity !== undefined) uniqueId = "userId" in entity ? entity.userId : entity.roleId;
      if (uniqueId === undefined || entity?.arn !== arn) {
        throw new ServiceError("MalformedPolicyDocument", `Invalid principal in policy: "AWS":"${arn}"`);
      }
      resolved[arn] = uniqueId;
    }
  }
  return resolved;
}
