import { principalArn, type Principal, sessionFacts } from "../auth/principal.js";
import type { Tag } from "../store/entities.js";
import type { IamStore } from "../store/iam-store.js";

/** The claims a token states about the principal that requested it. */
export interface PrincipalClaims {
  /** `sub`: the principal's ARN, and for a role session the role's ARN, as `aws:PrincipalArn` has it. */
  subject: string;
  principalTags: Tag[];
  sourceIdentity?: string;
}

/**
 * Collects the principal's claims. Principal tags are the tags `aws:PrincipalTag` would show:
 * a user's tags, a role's tags with the session's tags in place of those with the same key, or
 * the session tags of other sessions.
 */
export async function principalClaims(principal: Principal, store: IamStore): Promise<PrincipalClaims> {
  const attributes = sessionFacts(principal)?.attributes;
  const sessionTags = attributes?.tags ?? [];
  let entityTags: readonly Tag[] = [];
  switch (principal.kind) {
    case "user":
      entityTags = (await store.getUser(principal.accountId, principal.userName))?.tags ?? [];
      break;
    case "assumed-role": {
      const role = await store.getRole(principal.accountId, principal.roleName);
      entityTags = role?.roleId === principal.roleId ? role.tags : [];
      break;
    }
    default:
      break;
  }
  return {
    subject: principalArn(principal),
    principalTags: overrideTags(entityTags, sessionTags),
    ...(attributes?.sourceIdentity === undefined ? {} : { sourceIdentity: attributes.sourceIdentity }),
  };
}

/** Returns `base` with every tag whose key (regardless of case) `overrides` has replaced by the override. */
function overrideTags(base: readonly Tag[], overrides: readonly Tag[]): Tag[] {
  const overridden = new Set(overrides.map((tag) => tag.Key.toLowerCase()));
  return [...base.filter((tag) => !overridden.has(tag.Key.toLowerCase())), ...overrides];
}
