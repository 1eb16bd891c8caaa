import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import type { KeySource } from "../federation/oidc/key-source.js";
import type { IamStore } from "../store/iam-store.js";
import type { QueryDependencies } from "./query-service.js";
import { RateLimiter } from "./rate-limiter.js";

/** Assembles the handlers' dependencies around a store and key ring, with the caches and limits the configuration sets. */
export function buildDependencies(store: IamStore, ring: KeyRing, config: ServiceConfig): QueryDependencies {
  return {
    store,
    ring,
    config,
    oidcKeys: discoveryKeysOnDemand(config),
    unsignedLimiter: new RateLimiter(config.unsignedRatePerSecond),
  };
}

/**
 * Creates the web identity key source on its first use, so that openid-client and jose's remote
 * key sets load only in processes that verify web identity tokens.
 */
function discoveryKeysOnDemand(config: ServiceConfig): KeySource {
  let source: Promise<KeySource> | undefined;
  return {
    async keysOf(issuer) {
      source ??= import("../federation/oidc/key-source.js").then(({ DiscoveryKeySource }) => new DiscoveryKeySource(config.oidc));
      return (await source).keysOf(issuer);
    },
  };
}
