import type { ServiceConfig } from "../config/service-config.js";
import { ServiceError } from "../protocol/errors.js";

/** The path segment under the public URL that contains every account's issuer. */
export const ISSUER_PATH_SEGMENT = "outbound";

/** The two documents an issuer serves under `/.well-known/`. */
export type DiscoveryDocumentName = "openid-configuration" | "jwks.json";

/** Issuer ids are random UUIDs in lower case. */
const ISSUER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const DISCOVERY_PATH = new RegExp(`(?:^|/)${ISSUER_PATH_SEGMENT}/([^/]+)/\\.well-known/(openid-configuration|jwks\\.json)$`);

/** Builds an account's issuer URL: `<public URL>/outbound/<issuer id>`. */
export function issuerUrl(publicUrl: string, issuerId: string): string {
  return `${publicUrl}/${ISSUER_PATH_SEGMENT}/${issuerId}`;
}

/**
 * Returns the configured public URL. Without one no issuer URL can be built, so the outbound
 * federation actions fail with ServiceUnavailable and a message for the operator.
 */
export function requirePublicUrl(config: ServiceConfig): string {
  if (config.publicUrl === undefined) {
    throw new ServiceError(
      "ServiceUnavailable",
      "Outbound identity federation needs the service's public URL; the operator must set OPEN_STS_PUBLIC_URL.",
    );
  }
  return config.publicUrl;
}

/**
 * Reads a discovery request path: `.../outbound/<issuer id>/.well-known/<document>`. The path
 * may carry a prefix, such as an API Gateway stage, before `outbound`. Returns undefined for any
 * other path and for an id that is not a UUID.
 */
export function parseDiscoveryPath(path: string): { issuerId: string; document: DiscoveryDocumentName } | undefined {
  const match = DISCOVERY_PATH.exec(path);
  if (!match || !ISSUER_ID.test(match[1]!)) return undefined;
  return { issuerId: match[1]!, document: match[2] as DiscoveryDocumentName };
}
