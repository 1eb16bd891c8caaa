import { SCOPE_TERMINATOR } from "./constants.js";
import { incompleteSignature } from "./errors.js";

/** The parts of `AKID/YYYYMMDD/region/service/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
}

const SCOPE_DATE = /^\d{8}$/;

/** Region and service names are host-label-like; anything else never came from an AWS signer. */
const SCOPE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses a Credential value (Authorization header or X-Amz-Credential) into its scope. It must
 * have exactly five `/`-separated parts, none empty: an eight-digit date, a region and a service
 * made of letters, digits, `.`, `_` and `-`, and the terminator `aws4_request`. Whether the access
 * key exists is decided by the key lookup (InvalidClientTokenId). Whether the date, region and
 * service are accepted is decided by `verifySignature` (SignatureDoesNotMatch).
 */
export function parseCredentialScope(credential: string): CredentialScope {
  const parts = credential.split("/");
  if (parts.length !== 5) {
    throw incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got ${parts.length}.`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== SCOPE_TERMINATOR) {
    throw incompleteSignature(`Credential should be scoped with a valid terminator: '${SCOPE_TERMINATOR}'.`);
  }
  if (accessKeyId.length === 0) throw incompleteSignature("Credential must name an access key id.");
  if (!SCOPE_DATE.test(scopeDate)) throw incompleteSignature("Credential scope date must be YYYYMMDD.");
  if (!SCOPE_NAME.test(region)) throw incompleteSignature("Credential scope has an invalid region.");
  if (!SCOPE_NAME.test(service)) throw incompleteSignature("Credential scope has an invalid service.");
  return { accessKeyId, scopeDate, region, service };
}
