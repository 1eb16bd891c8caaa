import type { ActionDefinition } from "../api/action.js";
import { authorize } from "../auth/authorize.js";
import { sessionFacts } from "../auth/principal.js";
import { globalConditionKeys } from "../auth/request-keys.js";
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from "../credentials/signing-keys.js";
import { requestTagKeys, sessionTagProblem } from "../federation/session-attributes.js";
import { issuerUrl, requirePublicUrl } from "../outbound/issuer.js";
import { principalClaims } from "../outbound/principal-claims.js";
import { signToken } from "../outbound/token.js";
import { ServiceError } from "../protocol/errors.js";
import { formatTimestamp } from "../protocol/xml.js";
import type { Tag } from "../store/entities.js";

const ACTION = "sts:GetWebIdentityToken";
/** The extra permission AWS requires to put request tags into a token. */
const TAG_ACTION = "sts:TagGetWebIdentityToken";

/** The token lifetime when DurationSeconds is not given, in seconds. */
export const DEFAULT_TOKEN_DURATION_SECONDS = 300;

interface GetWebIdentityTokenInput {
  Audience: string[];
  SigningAlgorithm: string;
  DurationSeconds?: number;
  Tags?: Tag[];
}

/**
 * GetWebIdentityToken: a JWT about the caller, signed with the key ring's newest key for the
 * requested algorithm, for relying parties that verify it through the account's issuer. The
 * model checks the counts and lengths. This action checks the algorithm and the tags, then the
 * caller's permission with the keys `sts:IdentityTokenAudience`, `sts:DurationSeconds`,
 * `sts:SigningAlgorithm` and the request tag keys. Last, the account must have enabled outbound
 * federation, and the token must not outlive the caller's session.
 */
export const getWebIdentityToken: ActionDefinition = {
  async run(rawInput, context) {
    const input = rawInput as unknown as GetWebIdentityTokenInput;
    const { caller, config, facts, store, ring } = context;
    const principal = caller.principal;

    // NOTE: AWS documents the action for IAM principals and does not mention the root user, so root is rejected.
    if (principal.kind === "root") {
      throw new ServiceError("AccessDenied", "The root user cannot call GetWebIdentityToken; use an IAM user's or a role session's credentials.");
    }
    const algorithm = checkAlgorithm(input.SigningAlgorithm);
    const tags = input.Tags ?? [];
    const tagProblem = sessionTagProblem({ tags, transitiveTagKeys: [] });
    if (tagProblem) throw new ServiceError("ValidationError", tagProblem);
    const durationSeconds = input.DurationSeconds ?? DEFAULT_TOKEN_DURATION_SECONDS;

    // sts:DurationSeconds carries the lifetime the token gets, the default included, so a
    // policy that caps it also holds for requests that leave it out.
    const keys = {
      ...globalConditionKeys(caller, facts),
      "sts:IdentityTokenAudience": [...input.Audience],
      "sts:DurationSeconds": String(durationSeconds),
      "sts:SigningAlgorithm": algorithm,
      ...requestTagKeys({ tags, transitiveTagKeys: [] }),
    };
    const request = { resource: "*", resourceAccountId: principal.accountId, keys };
    await authorize(caller, { ...request, action: ACTION }, store);
    if (tags.length > 0) await authorize(caller, { ...request, action: TAG_ACTION }, store);

    const setting = await (await store.outboundFederation()).get(principal.accountId);
    if (!setting?.enabled) {
      throw new ServiceError(
        "OutboundWebIdentityFederationDisabledException",
        `Outbound identity federation is not enabled for account ${principal.accountId}; enable it with EnableOutboundWebIdentityFederation.`,
      );
    }
    const publicUrl = requirePublicUrl(config);

    const expiresAt = new Date(facts.now.getTime() + durationSeconds * 1000);
    const session = sessionFacts(principal);
    if (session && expiresAt > session.expiresAt) {
      throw new ServiceError(
        "SessionDurationEscalationException",
        `A token of ${durationSeconds} seconds would expire after the caller's session, which expires at ${formatTimestamp(session.expiresAt)}. Request a shorter DurationSeconds.`,
      );
    }

    const signingKey = ring.signingKey(algorithm);
    if (!signingKey) {
      throw new ServiceError("ServiceUnavailable", `The key ring has no ${algorithm} signing key; the operator must add signing keys to it.`);
    }
    const claims = await principalClaims(principal, store);
    const token = await signToken(
      {
        issuer: issuerUrl(publicUrl, setting.issuerId),
        subject: claims.subject,
        audiences: input.Audience,
        issuedAt: facts.now,
        durationSeconds,
        accountId: principal.accountId,
        region: facts.region,
        principalTags: claims.principalTags,
        requestTags: tags,
        ...(claims.sourceIdentity === undefined ? {} : { sourceIdentity: claims.sourceIdentity }),
      },
      signingKey,
    );
    return {
      result: { WebIdentityToken: token.jwt, Expiration: token.expiresAt },
      // The audit copy names the token by its jti and kid; the token itself is a bearer credential.
      responseElements: { expiration: formatTimestamp(token.expiresAt), jti: token.jti, kid: token.kid },
    };
  },
};

function checkAlgorithm(value: string): SigningAlgorithm {
  if ((SIGNING_ALGORITHMS as readonly string[]).includes(value)) return value as SigningAlgorithm;
  throw new ServiceError(
    "ValidationError",
    `1 validation error detected: Value '${value}' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [${SIGNING_ALGORITHMS.join(", ")}]`,
  );
}
