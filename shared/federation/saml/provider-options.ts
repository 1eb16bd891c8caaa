import type { Tag } from "../../store/entities.js";

/**
 * Provider tags that loosen verification for identity providers that need it. IAM's API has no
 * field for these choices, so they ride on tags, which `aws iam tag-saml-provider` sets.
 */
export const RESPONSE_ONLY_SIGNING_TAG = "open-sts:AllowResponseOnlySigning";
export const LEGACY_SIGNATURES_TAG = "open-sts:AllowLegacySignatures";

export interface SamlProviderOptions {
  /** An unsigned assertion inside a signed Response is accepted. */
  allowResponseOnlySigning: boolean;
  /** RSA-SHA1 signatures, SHA-1 digests and 1024-bit RSA keys are accepted. */
  allowLegacySignatures: boolean;
}

/** Reads the options from a provider's tags; a tag turns an option on with the value `true`. */
export function samlProviderOptions(tags: readonly Tag[]): SamlProviderOptions {
  const enabled = (key: string) => tags.some((tag) => tag.Key.toLowerCase() === key.toLowerCase() && tag.Value.toLowerCase() === "true");
  return { allowResponseOnlySigning: enabled(RESPONSE_ONLY_SIGNING_TAG), allowLegacySignatures: enabled(LEGACY_SIGNATURES_TAG) };
}
