import { signatureDoesNotMatch } from "./errors.js";
import type { ParsedSignature } from "./parsed-signature.js";

/**
 * Checks that the credential scope names the request's own day, an accepted service and, when a
 * region list is configured, one of those regions. No signing key is derived for any other scope.
 * The messages use AWS's wording.
 */
export function checkCredentialScope(
  parsed: ParsedSignature,
  amzDate: string,
  services: readonly string[],
  regions: readonly string[] | undefined,
): void {
  if (!amzDate.startsWith(parsed.scopeDate)) {
    throw signatureDoesNotMatch(
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
        `'${parsed.scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (!services.includes(parsed.service)) {
    throw signatureDoesNotMatch(`Credential should be scoped to correct service: '${services.join("' or '")}'.`);
  }
  if (regions !== undefined && !regions.includes(parsed.region)) {
    throw signatureDoesNotMatch(`Credential should be scoped to a valid region, not '${parsed.region}'.`);
  }
}
