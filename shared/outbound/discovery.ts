import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import { type PublicJwk, publicJwk, publishedSigningKeys, SIGNING_ALGORITHMS } from "../credentials/signing-keys.js";
import { ServiceError } from "../protocol/errors.js";
import type { IamStore } from "../store/iam-store.js";
import { issuerUrl, parseDiscoveryPath } from "./issuer.js";
import { AWS_CLAIMS_NAMESPACE } from "./token.js";

/** How long relying parties may cache the discovery document, in seconds. It changes only with the public URL. */
const CONFIGURATION_MAX_AGE_SECONDS = 3600;

/**
 * How long relying parties may cache the JWKS, in seconds. A new key signs from the host's next
 * start after a rotation, and a relying party fetches the set again on the new, unknown kid.
 */
const JWKS_MAX_AGE_SECONDS = 300;

export interface DiscoveryDependencies {
  store: IamStore;
  ring: KeyRing;
  config: ServiceConfig;
}

export interface DiscoveryResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** The store fault behind a 503, for the log; never rendered. */
  fault?: unknown;
}

/** Builds the OpenID Provider metadata of an issuer (OpenID Connect Discovery 1.0, section 3). */
export function openIdConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGORITHMS],
    claims_supported: ["iss", "sub", "aud", "iat", "exp", "jti", AWS_CLAIMS_NAMESPACE],
  };
}

/** Builds the JWKS (RFC 7517) of every signing key not yet retired at `now`, with public members only. */
export function jwks(ring: KeyRing, now: Date): { keys: PublicJwk[] } {
  return { keys: publishedSigningKeys(ring.signingKeys, now).map(publicJwk) };
}

/**
 * Serves `GET <issuer>/.well-known/openid-configuration` and `GET <issuer>/.well-known/jwks.json`
 * for every account that has an issuer, enabled or not, so tokens issued before a
 * DisableOutboundWebIdentityFederation stay verifiable. Any other path, and an issuer id no
 * account has, is a 404. Errors are JSON objects with `error` and `message`.
 */
export async function serveDiscovery(method: string, path: string, dependencies: DiscoveryDependencies, now: Date): Promise<DiscoveryResponse> {
  if (method !== "GET" && method !== "HEAD") {
    return { ...errorResponse(405, "method_not_allowed", `The method ${method} is not allowed; use GET.`), headers: { ...JSON_HEADERS, allow: "GET, HEAD" } };
  }
  const target = parseDiscoveryPath(path);
  if (!target) return errorResponse(404, "not_found", "No issuer document exists at this path.");

  const { config, store, ring } = dependencies;
  try {
    const accountId = await (await store.outboundFederation()).accountOfIssuer(target.issuerId);
    if (accountId === undefined || config.publicUrl === undefined) {
      return errorResponse(404, "not_found", "No issuer document exists at this path.");
    }
    if (target.document === "openid-configuration") {
      return jsonResponse(openIdConfiguration(issuerUrl(config.publicUrl, target.issuerId)), CONFIGURATION_MAX_AGE_SECONDS);
    }
    return jsonResponse(jwks(ring, now), JWKS_MAX_AGE_SECONDS);
  } catch (error) {
    // Store faults are already ServiceErrors (ServiceUnavailable, Throttling); anything else is a bug for the handler to log.
    if (error instanceof ServiceError) {
      return { ...errorResponse(503, "temporarily_unavailable", "The issuer's documents are unavailable; retry later."), fault: error };
    }
    throw error;
  }
}

const JSON_HEADERS = { "content-type": "application/json" };

function jsonResponse(document: unknown, maxAgeSeconds: number): DiscoveryResponse {
  return {
    statusCode: 200,
    headers: { ...JSON_HEADERS, "cache-control": `public, max-age=${maxAgeSeconds}` },
    body: JSON.stringify(document),
  };
}

function errorResponse(statusCode: number, error: string, message: string): DiscoveryResponse {
  return { statusCode, headers: { ...JSON_HEADERS, "cache-control": "no-store" }, body: JSON.stringify({ error, message }) };
}
