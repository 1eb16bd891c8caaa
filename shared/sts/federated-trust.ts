import { explainResult } from "../auth/authorize.js";
import { cachedPolicy } from "../auth/policy-cache.js";
import type { RequestFacts } from "../auth/request-keys.js";
import { requestTagKeys, type SessionTagSet } from "../federation/session-attributes.js";
import { authorizeRequest } from "../policy/index.js";
import { ServiceError } from "../protocol/errors.js";
import type { RoleRecord } from "../store/entities.js";

export interface FederatedTrustRequest {
  role: RoleRecord;
  /** The provider as trust policies name it: its ARN, or an AWS built-in name. */
  provider: string;
  /** `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`. */
  action: string;
  sessionName: string;
  tags: SessionTagSet;
  sourceIdentity: string | undefined;
  /** The provider's own condition keys, such as `<provider>:sub` or `saml:aud`. */
  providerKeys: Record<string, string | string[]>;
  facts: RequestFacts;
}

/**
 * Requires the role's trust policy to allow a federated caller: the action itself, and
 * `sts:TagSession` and `sts:SetSourceIdentity` when the token or assertion carries tags or a
 * source identity. The caller has no identity policies, so the trust policy alone decides.
 * Throws AccessDenied, worded as AWS words it for federation, with the explanation for the log.
 */
export function requireFederatedTrust(request: FederatedTrustRequest): void {
  const { facts, tags, sourceIdentity } = request;
  const keys: Record<string, string | string[]> = {
    "aws:CurrentTime": facts.now.toISOString(),
    "aws:EpochTime": String(Math.floor(facts.now.getTime() / 1000)),
    "aws:SourceIp": facts.sourceIp,
    "aws:UserAgent": facts.userAgent,
    "aws:SecureTransport": String(facts.secureTransport),
    "aws:RequestedRegion": facts.region,
    "aws:FederatedProvider": request.provider,
    "sts:RoleSessionName": request.sessionName,
    ...requestTagKeys(tags),
    ...(sourceIdentity === undefined ? {} : { "sts:SourceIdentity": sourceIdentity }),
    ...request.providerKeys,
  };
  const actions = [request.action];
  if (tags.tags.length > 0) actions.push("sts:TagSession");
  if (sourceIdentity !== undefined) actions.push("sts:SetSourceIdentity");
  for (const action of actions) {
    const result = authorizeRequest({
      request: { action, resource: request.role.arn, keys, principal: { type: "Federated", names: [request.provider] } },
      callerAccountId: request.role.accountId,
      resourceAccountId: request.role.accountId,
      identityPolicies: [],
      resourcePolicy: cachedPolicy(request.role.trustPolicy, "trust"),
      resourcePolicyMode: "trust",
    });
    if (result.decision !== "Allow") throw notAuthorized(action, explainResult(result));
  }
}

/** Builds the AccessDenied of the federation actions, which names only the action. */
export function notAuthorized(action: string, detail?: Record<string, unknown>): ServiceError {
  return new ServiceError("AccessDenied", `Not authorized to perform ${action}`, detail ? { detail } : {});
}
