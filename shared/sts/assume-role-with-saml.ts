import type { ActionOutput, UnsignedActionDefinition, UnsignedCallContext } from "../api/action.js";
import type { SamlProviderOptions } from "../federation/saml/provider-options.js";
import type { VerifiedAssertion } from "../federation/saml/verify-response.js";
import { parseRoleArn } from "../iam/arn.js";
import { ServiceError } from "../protocol/errors.js";
import type { RoleRecord } from "../store/entities.js";
import { checkRoleDuration } from "./durations.js";
import { notAuthorized, requireFederatedTrust } from "./federated-trust.js";
import { issueSession, sessionAttributes } from "./session.js";
import { checkSessionPolicy, checkSessionPolicyArns, packedPolicySize } from "./session-policy.js";

const ACTION = "sts:AssumeRoleWithSAML";
const SAML_PROVIDER_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;


interface SamlInput {
  RoleArn: string;
  PrincipalArn: string;
  SAMLAssertion: string;
  Policy?: string;
  PolicyArns?: Array<{ arn?: string }>;
  DurationSeconds?: number;
}

/**
 * AssumeRoleWithSAML: exchanges a SAML Response from a provider registered in the role's
 * account for a role session. The response is verified twice, by our structural and signature
 * checks and by samlify, and both must agree. The assertion must list the requested role and
 * provider in its Role attribute, may be used once, and the role's trust policy must allow
 * the provider with the assertion's `saml:` keys. The XML code loads on the first call.
 */
export const assumeRoleWithSaml: UnsignedActionDefinition = {
  unsigned: true,
  async run(rawInput, context) {
    const input = rawInput as unknown as SamlInput;
    const { config, facts } = context;
    const target = parseRoleArn(input.RoleArn);
    if (!target || target.partition !== config.partition) throw new ServiceError("ValidationError", `${input.RoleArn} is invalid`);
    const principal = SAML_PROVIDER_ARN.exec(input.PrincipalArn);
    if (!principal || principal[1] !== config.partition) throw new ServiceError("ValidationError", `${input.PrincipalArn} is invalid`);
    const sessionPolicy = input.Policy === undefined ? undefined : checkSessionPolicy(input.Policy);
    const policyArns = await checkSessionPolicyArns(input.PolicyArns, target.accountId, config.partition, context.store.managedPolicies);

    const provider = await (await context.store.samlProviders()).getSamlProviderWithKeys(principal[2]!, principal[3]!);
    if (!provider || provider.arn !== input.PrincipalArn) throw new ServiceError("InvalidIdentityToken", "Specified provider doesn't exist");

    const saml = await import("../federation/saml/index.js");
    const xml = saml.decodeSamlResponse(input.SAMLAssertion);
    const expectations = { ...config.saml, now: facts.now };
    const options = saml.samlProviderOptions(provider.tags);
    const assertion = saml.verifySamlResponse(
      xml,
      {
        ...provider,
        ...options,
        decryptionKeys: provider.privateKeys.map((key) => key.pem),
        requireEncryption: provider.assertionEncryptionMode === "Required",
      },
      expectations,
    );

    // A repeat of an assertion waits for the call already verifying it. When the assertion was
    // used, the repeat fails before the slow second verification. The conditional claim in
    // grantSession still decides which use wins, across processes too.
    const onceParts = [assertion.issuer, assertion.assertionId];
    const turn = await waitForTurn(onceParts.join("\n"));
    try {
      if (turn.waited && (await context.store.oneTimeUse.isClaimed("saml", onceParts, facts.now))) throw usedBefore();
      await saml.confirmWithSamlify(input.SAMLAssertion, { metadata: provider.metadataDocument, ...options }, expectations, assertion);
      return await grantSession({ context, input, roleName: target.roleName, accountId: target.accountId, provider, assertion, options, sessionPolicy, policyArns, onceParts });
    } finally {
      turn.release();
    }
  },
};

interface Grant {
  context: UnsignedCallContext;
  input: SamlInput;
  accountId: string;
  roleName: string;
  provider: { arn: string; name: string; accountId: string };
  assertion: VerifiedAssertion;
  options: SamlProviderOptions;
  sessionPolicy: string | undefined;
  policyArns: string[];
  onceParts: string[];
}

/** Reads the AWS attributes, checks the role and its trust policy, claims the assertion and mints the session. */
async function grantSession(grant: Grant): Promise<ActionOutput> {
  const { context, input, provider, assertion, options, sessionPolicy, policyArns, onceParts } = grant;
  const { config, facts } = context;
  const saml = await import("../federation/saml/index.js");

  // The requested pair must be one the IdP offered; the first role is never picked for the caller.
  const pairs = saml.readRolePairs(assertion);
  if (!pairs.some((pair) => pair.roleArn === input.RoleArn && pair.providerArn === input.PrincipalArn)) {
    throw notAuthorized(ACTION);
  }
  const sessionName = saml.readRoleSessionName(assertion);
  const attributeDuration = saml.readSessionDuration(assertion);
  const tags = saml.readSessionTags(assertion);
  const sourceIdentity = saml.readSourceIdentity(assertion);
  const samlKeys = saml.samlConditionKeys(assertion, { arn: provider.arn, name: provider.name, accountId: provider.accountId });

  const role = await context.store.getRole(grant.accountId, grant.roleName);
  if (!role || role.arn !== input.RoleArn) throw notAuthorized(ACTION);
  requireFederatedTrust({ role, provider: provider.arn, action: ACTION, sessionName, tags, sourceIdentity, providerKeys: samlKeys, facts });

  const shaped = sessionPolicy !== undefined || policyArns.length > 0 || tags.tags.length > 0;
  const packedSize = shaped ? packedPolicySize(sessionPolicy, tags.tags, policyArns) : undefined;
  const durationSeconds = sessionDuration(input.DurationSeconds, attributeDuration, assertion.sessionNotOnOrAfter, role, facts.now);

  // One use per assertion: the record outlives the assertion's validity, and a failed write issues nothing.
  const skewMs = config.saml.clockSkewSeconds * 1000;
  const firstUse = await context.store.oneTimeUse.claim("saml", onceParts, new Date(assertion.notOnOrAfter.getTime() + skewMs), facts.now);
  if (!firstUse) throw usedBefore();

  const subjectType = saml.subjectType(assertion);
  const qualifier = samlKeys["saml:namequalifier"] as string;
  const session = await issueSession(context, {
    role,
    sessionName,
    durationSeconds,
    sourceAccountId: role.accountId,
    chained: false,
    attributes: {
      ...sessionAttributes(tags, sourceIdentity),
      ...(sessionPolicy === undefined ? {} : { sessionPolicy }),
      ...(policyArns.length === 0 ? {} : { sessionPolicyArns: policyArns }),
      federatedProvider: provider.arn,
      // These keys stay available to the session's later requests, as in AWS.
      federatedKeys: { "saml:namequalifier": qualifier, "saml:sub": assertion.nameId, "saml:sub_type": subjectType },
    },
  });
  return {
    result: {
      Credentials: session.credentials,
      AssumedRoleUser: session.assumedRoleUser,
      ...(packedSize === undefined ? {} : { PackedPolicySize: packedSize }),
      Subject: assertion.nameId,
      SubjectType: subjectType,
      Issuer: assertion.issuer,
      Audience: assertion.recipient,
      NameQualifier: qualifier,
      ...(sourceIdentity === undefined ? {} : { SourceIdentity: sourceIdentity }),
    },
    responseElements: {
      ...session.audit,
      subject: assertion.nameId,
      subjectType,
      issuer: assertion.issuer,
      audience: assertion.recipient,
      nameQualifier: qualifier,
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
      // The audit line shows when a provider's tags loosened verification.
      ...(options.allowLegacySignatures || options.allowResponseOnlySigning ? { providerOptions: options } : {}),
    },
    federatedUser: {
      user: { type: "SAMLUser" as const, principalId: `${qualifier}:${assertion.nameId}`, userName: assertion.nameId, identityProvider: provider.arn },
      accountId: role.accountId,
    },
  };
}

function usedBefore(): ServiceError {
  return new ServiceError("InvalidIdentityToken", "The SAML assertion has been used before; each assertion can be used once.");
}

/** Calls verifying the same assertion in this process, chained so that each waits for the one before. */
const turns = new Map<string, Promise<void>>();

/**
 * Waits until no earlier call of this process owns `key`, then owns it until `release` runs.
 * `waited` is true when an earlier call owned it.
 */
async function waitForTurn(key: string): Promise<{ release: () => void; waited: boolean }> {
  const previous = turns.get(key);
  let release!: () => void;
  const current = new Promise<void>((resolve) => {
    release = resolve;
  });
  const chained = (previous ?? Promise.resolve()).then(() => current);
  turns.set(key, chained);
  await previous;
  return {
    waited: previous !== undefined,
    release: () => {
      release();
      if (turns.get(key) === chained) turns.delete(key);
    },
  };
}

/**
 * Returns the session length: DurationSeconds (default 3600) within the role's maximum, cut
 * to the SessionDuration attribute and to the time left before SessionNotOnOrAfter.
 */
function sessionDuration(
  requested: number | undefined,
  attribute: number | undefined,
  sessionNotOnOrAfter: Date | undefined,
  role: RoleRecord,
  now: Date,
): number {
  let duration = checkRoleDuration(requested, role, false);
  if (attribute !== undefined) duration = Math.min(duration, attribute);
  if (sessionNotOnOrAfter !== undefined) {
    const left = Math.floor((sessionNotOnOrAfter.getTime() - now.getTime()) / 1000);
    if (left <= 0) throw new ServiceError("ExpiredTokenException", "The SAML session has ended: its SessionNotOnOrAfter time has passed.");
    duration = Math.min(duration, left);
  }
  return duration;
}

