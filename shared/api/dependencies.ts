import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import { DiscoveryKeySource } from "../federation/oidc/key-source.js";
import type { IamStore } from "../store/iam-store.js";
import type { QueryDependencies } from "./query-service.js";
import { RateLimiter } from "./rate-limiter.js";

/** Assembles the handlers' dependencies around a store and key ring, with the caches and limits the configuration sets. */
export function buildDependencies(store: IamStore, ring: KeyRing, config: ServiceConfig): QueryDependencies {
  return {
    store,
    ring,
    config,
    oidcKeys: new DiscoveryKeySource(config.oidc),
    unsignedLimiter: new RateLimiter(config.unsignedRatePerSecond),
  };
}
