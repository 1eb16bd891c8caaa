import { randomUUID } from "node:crypto";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";
import { handleQueryRequest, type QueryResponse, type QueryServiceDefinition } from "../../shared/api/query-service.js";
import type { ServiceConfig } from "../../shared/config/service-config.js";
import { IdpFetchError } from "../../shared/federation/idp-fetch.js";
import type { KeySource } from "../../shared/federation/oidc/key-source.js";
import { stsModel } from "../../shared/protocol/models/sts.js";
import { stsActions } from "../../shared/sts/index.js";
import { type InProcessService, startInProcessService } from "./in-process.js";

export const STS_SERVICE: QueryServiceDefinition = {
  model: stsModel,
  actions: stsActions,
  unsignedActions: new Set(["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"]),
};

/** Key sets held in memory per issuer, for tests whose tokens claim issuers that cannot be reached here. */
export class StaticKeySource implements KeySource {
  private readonly sets = new Map<string, JWTVerifyGetKey>();
  /** Issuers whose keys were requested, in order. */
  readonly requested: string[] = [];

  publish(issuer: string, jwks: JSONWebKeySet): void {
    this.sets.set(issuer, createLocalJWKSet(jwks));
  }

  async keysOf(issuer: string): Promise<JWTVerifyGetKey> {
    this.requested.push(issuer);
    const set = this.sets.get(issuer);
    if (!set) throw new IdpFetchError(`${issuer} is not reachable in this test`);
    return set;
  }
}

export interface SigningKey {
  kid: string;
  alg: string;
  privateKey: Parameters<SignJWT["sign"]>[0];
  /** The public half as a JWK with kid, alg and use. */
  publicJwk: JWK;
}

/** Generates a signing key of the given JOSE algorithm with a random kid. */
export async function newSigningKey(alg = "RS256", kid = `kid-${randomUUID()}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

/** Signs claims as a compact JWS with the key; `header` adds or replaces protected header parameters. */
export async function signToken(key: SigningKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT", ...header }).sign(key.privateKey);
}

export interface WebIdentityHarness {
  service: InProcessService;
  keys: StaticKeySource;
  /** Sends an unsigned AssumeRoleWithWebIdentity request through the query service. */
  assume(params: Record<string, string>, now?: Date): Promise<QueryResponse & { code?: string }>;
  close(): Promise<void>;
}

/**
 * Starts the STS query service in process, on the embedded store, with key sets from a
 * StaticKeySource instead of the network. Tests register providers and roles through `service.store`.
 */
export async function startWebIdentityHarness(now = new Date(), config: Partial<ServiceConfig> = {}): Promise<WebIdentityHarness> {
  const service = await startInProcessService(now, config);
  const keys = new StaticKeySource();
  const dependencies = { ...service, oidcKeys: keys };
  return {
    service,
    keys,
    async assume(params, at = new Date()) {
      const body = new URLSearchParams({ Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15", ...params }).toString();
      const response = await handleQueryRequest(
        STS_SERVICE,
        {
          method: "POST",
          path: "/",
          rawQuery: "",
          headers: { "content-type": "application/x-www-form-urlencoded", host: "127.0.0.1" },
          body: Buffer.from(body),
        },
        { sourceIp: "127.0.0.1", userAgent: "web-identity-test", secureTransport: true },
        dependencies,
        at,
      );
      const code = /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1];
      return { ...response, ...(code === undefined ? {} : { code }) };
    },
    close: () => service.close(),
  };
}
