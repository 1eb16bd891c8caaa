import type { UnsignedActionDefinition } from "../api/action.js";
import { readSourceIdentityClaim, readTagsClaim } from "../federation/oidc/aws-claims.js";
import { findProvider } from "../federation/oidc/provider.js";
import { readTokenShape } from "../federation/oidc/token-shape.js";
import { verifyWebIdentityToken } from "../federation/oidc/verify-token.js";
import { parseRoleArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import { checkRoleDuration } from "./durations.js";
import { notAuthorized, requireFederatedTrust } from "./federated-trust.js";
import { issueSession, sessionAttributes } from "./session.js";
import { checkSessionPolicy, checkSessionPolicyArns, packedPolicySize } from "./session-policy.js";

const ACTION = "sts:AssumeRoleWithWebIdentity";

/** ProviderId values AWS accepts, for OAuth 2.0 access tokens that only the provider itself can check. */
const OAUTH2_PROVIDERS = new Set(["www.amazon.com", "graph.facebook.com"]);

interface WebIdentityInput {
  RoleArn: string;
  RoleSessionName: string;
  WebIdentityToken: string;
  ProviderId?: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  DurationSeconds?: number;
}

/**
 * AssumeRoleWithWebIdentity: exchanges an OpenID Connect token for a role session. The token
 * must come from a provider registered in the role's account (or one of AWS's built-in
 * providers) and verify. The role's trust policy must allow the provider, with the token's
 * claims as condition keys. The call is unsigned because the token is the only credential.
 */
export const assumeRoleWithWebIdentity: UnsignedActionDefinition = {
  unsigned: true,
  async run(rawInput, context) {
    const input = rawInput as unknown as WebIdentityInput;
    const { config, facts } = context;
    if (input.ProviderId !== undefined) {
      throw new ServiceError(
        "IDPRejectedClaim",
        OAUTH2_PROVIDERS.has(input.ProviderId)
          ? `Open STS cannot ask ${input.ProviderId} to validate OAuth 2.0 access tokens; send an OpenID Connect ID token without ProviderId.`
          : `ProviderId ${input.ProviderId} is not an OAuth 2.0 provider; omit ProviderId for OpenID Connect ID tokens.`,
      );
    }
    const target = parseRoleArn(input.RoleArn);
    if (!target || target.partition !== config.partition) {
      throw new ServiceError("ValidationError", `${input.RoleArn} is invalid`);
    }
    const sessionPolicy = input.Policy === undefined ? undefined : checkSessionPolicy(input.Policy);

    // Token files written with `echo` end in a line break, which the SDKs send as it is. White
    // space around a compact JWS is never part of it, so it is removed.
    const token = input.WebIdentityToken.trim();
    const shape = readTokenShape(token);
    const { provider, discoveryIssuer } = await findProvider(shape.claims.iss, target.accountId, (await context.store.oidcProviders()), config.oidc);
    const identity = await verifyWebIdentityToken(token, provider, () => context.oidcKeys.keysOf(discoveryIssuer), {
      now: facts.now,
      clockSkewSeconds: config.oidc.clockSkewSeconds,
    });
    const tags = readTagsClaim(identity.claims);
    const sourceIdentity = readSourceIdentityClaim(identity.claims);
    const policyArns = await checkSessionPolicyArns(input.PolicyArns, target.accountId, config.partition, context.store.managedPolicies);
    const shaped = sessionPolicy !== undefined || policyArns.length > 0 || tags.tags.length > 0;
    const packedSize = shaped ? packedPolicySize(sessionPolicy, tags.tags, policyArns) : undefined;

    // A missing role is refused like one whose trust policy does not allow the provider.
    const role = await context.store.getRole(target.accountId, target.roleName);
    if (!role || role.arn !== input.RoleArn) throw notAuthorized(ACTION);

    requireFederatedTrust({
      role,
      provider: provider.principal,
      action: ACTION,
      sessionName: input.RoleSessionName,
      tags,
      sourceIdentity,
      providerKeys: identity.conditionKeys,
      facts,
    });

    const durationSeconds = checkRoleDuration(input.DurationSeconds, role, false);
    const session = await issueSession(context, {
      role,
      sessionName: input.RoleSessionName,
      durationSeconds,
      sourceAccountId: role.accountId,
      chained: false,
      attributes: {
        ...sessionAttributes(tags, sourceIdentity),
        ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
        ...(policyArns.length === 0 ? {} : { sessionPolicyArns: policyArns }),
        federatedProvider: provider.principal,
        federatedKeys: identity.conditionKeys,
      },
    });
    // AWS returns the provider's ARN for OpenID Connect tokens, and the built-in name for Google and Cognito.
    const responseProvider = provider.principal;
    return {
      result: {
        Credentials: session.credentials,
        SubjectFromWebIdentityToken: identity.subject,
        AssumedRoleUser: session.assumedRoleUser,
        ...(packedSize === undefined ? {} : { PackedPolicySize: packedSize }),
        Provider: responseProvider,
        Audience: identity.audience,
        ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
      },
      responseElements: {
        ...session.audit,
        subjectFromWebIdentityToken: identity.subject,
        provider: responseProvider,
        audience: identity.audience,
        ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      },
      federatedUser: {
        user: {
          type: "WebIdentityUser",
          principalId: `${provider.principal}:${identity.audience}:${identity.subject}`,
          userName: identity.subject,
          identityProvider: provider.principal,
        },
        accountId: role.accountId,
      },
    };
  },
};

