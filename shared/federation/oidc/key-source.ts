import { createRemoteJWKSet, customFetch as joseCustomFetch, type JWTVerifyGetKey } from "jose";
import type * as openid from "openid-client";
import type { OidcSettings } from "../../config/service-config.js";
import { TtlCache } from "../../store/cache.js";
import { fetchFromIdp, IdpFetchError, type IdpFetchInit, type IdpFetchPolicy } from "../idp-fetch.js";

/** Source of the verification keys of issuers. */
export interface KeySource {
  /** Returns the key resolver of an issuer, whose documents may be fetched on the way. */
  keysOf(issuer: string): Promise<JWTVerifyGetKey>;
}

/** A discovery document that cannot be used, as opposed to a provider that cannot be reached. */
export class DiscoveryRejected extends Error {
  override readonly name = "DiscoveryRejected";
}

/**
 * Keys found the way AWS finds them: the issuer's OpenID discovery document (read with
 * openid-client, which also requires the document to name the same issuer) gives the JWKS URL,
 * and jose keeps the key set. Documents are fetched through fetchFromIdp (https only, no
 * redirects, private addresses refused, size and time limits). The discovery document is kept
 * for `discoveryMaxAgeSeconds`. jose keeps each key set for `jwksMaxAgeSeconds`, and fetches it
 * again for an unknown `kid` at most once per `jwksCooldownSeconds`. The caches belong to one
 * process (one Lambda container).
 */
export class DiscoveryKeySource implements KeySource {
  private readonly jwksUris: TtlCache<string>;
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  private readonly policy: IdpFetchPolicy;
  private readonly fetch: (url: string, init: IdpFetchInit) => Promise<Response>;

  constructor(private readonly settings: OidcSettings) {
    this.jwksUris = new TtlCache(settings.discoveryMaxAgeSeconds * 1000, 1000);
    this.policy = { allowLoopback: settings.allowLoopbackIssuers, timeoutMs: settings.fetchTimeoutMs };
    this.fetch = (url, init) => fetchFromIdp(url, init, this.policy);
  }

  async keysOf(issuer: string): Promise<JWTVerifyGetKey> {
    const jwksUri = await this.jwksUris.get(issuer, () => this.discoverJwksUri(issuer));
    let keySet = this.keySets.get(jwksUri);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: this.settings.fetchTimeoutMs,
        cooldownDuration: this.settings.jwksCooldownSeconds * 1000,
        cacheMaxAge: this.settings.jwksMaxAgeSeconds * 1000,
        [joseCustomFetch]: this.fetch,
      });
      if (this.keySets.size >= 1000) this.keySets.delete(this.keySets.keys().next().value!);
      this.keySets.set(jwksUri, keySet);
    }
    return keySet;
  }

  private async discoverJwksUri(issuer: string): Promise<string> {
    // openid-client loads on the first discovery, so a cold start that serves no web identity
    // call does not read it.
    const client = await import("openid-client");
    let configuration: openid.Configuration;
    try {
      configuration = await client.discovery(new URL(issuer), "open-sts", undefined, undefined, {
        [client.customFetch]: this.fetch,
        timeout: Math.ceil(this.settings.fetchTimeoutMs / 1000),
        ...(this.settings.allowLoopbackIssuers ? { execute: [client.allowInsecureRequests] } : {}),
      });
    } catch (error) {
      throw classifyDiscoveryError(issuer, error);
    }
    // openid-client compares the issuers as URLs, so a trailing slash or another spelling of the
    // host passes its check. OpenID Connect Discovery requires the identical string.
    const metadata = configuration.serverMetadata();
    if (metadata.issuer !== issuer) throw new DiscoveryRejected(`The discovery document of ${issuer} names a different issuer.`);
    const jwksUri = metadata.jwks_uri;
    if (typeof jwksUri !== "string") throw new DiscoveryRejected(`The discovery document of ${issuer} has no jwks_uri.`);
    let parsed: URL;
    try {
      parsed = new URL(jwksUri);
    } catch {
      throw new DiscoveryRejected(`The discovery document of ${issuer} has a jwks_uri that is not a URL.`);
    }
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && this.settings.allowLoopbackIssuers)) {
      throw new DiscoveryRejected(`The discovery document of ${issuer} has a jwks_uri that is not https.`);
    }
    return parsed.href;
  }
}

/**
 * Separates a provider that could not be reached from one whose discovery document is wrong.
 * A failed fetch arrives as the IdpFetchError thrown by fetchFromIdp, somewhere in the cause
 * chain. openid-client reports an unusable document (not JSON, another issuer, missing fields)
 * with its own error codes.
 */
function classifyDiscoveryError(issuer: string, error: unknown): Error {
  const found = findCause(error, (candidate) => candidate instanceof IdpFetchError);
  if (found) return found;
  const code = (error as { code?: unknown }).code;
  if (code === "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED") {
    return new DiscoveryRejected(`The discovery document of ${issuer} names a different issuer.`);
  }
  if (typeof code === "string" && code.startsWith("OAUTH_")) {
    return new DiscoveryRejected(`The discovery document of ${issuer} could not be used (${(error as Error).message}).`);
  }
  return new IdpFetchError(`The discovery of ${issuer} failed (${error instanceof Error ? error.message : String(error)})`, true);
}

function findCause(error: unknown, test: (candidate: Error) => boolean): Error | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (test(current)) return current;
    current = current.cause;
  }
  return undefined;
}
