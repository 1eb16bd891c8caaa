import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OidcSettings } from "../../../shared/config/service-config.js";
import { DiscoveryKeySource, DiscoveryRejected } from "../../../shared/federation/oidc/key-source.js";
import type { WebIdentityProvider } from "../../../shared/federation/oidc/provider.js";
import { type VerifiedWebIdentity, verifyWebIdentityToken } from "../../../shared/federation/oidc/verify-token.js";
import type { ServiceError } from "../../../shared/protocol/errors.js";
import { startTestIdp, type TestIdp } from "../../support/oidc-idp.js";
import { newSigningKey, type SigningKey, signToken } from "../../support/web-identity.js";

const SETTINGS: OidcSettings = {
  allowLoopbackIssuers: true,
  clockSkewSeconds: 60,
  jwksMaxAgeSeconds: 600,
  jwksCooldownSeconds: 30,
  discoveryMaxAgeSeconds: 3600,
  fetchTimeoutMs: 3000,
};

const DISCOVERY_PATH = "/.well-known/openid-configuration";

function providerOf(issuer: string): WebIdentityProvider {
  const keyPrefix = issuer.slice("http://".length);
  return { issuer, principal: `arn:aws:iam::000000000000:oidc-provider/${keyPrefix}`, keyPrefix, clientIds: ["sts.amazonaws.com"], google: false };
}

function verifier(source: DiscoveryKeySource, issuer: string): (token: string) => Promise<VerifiedWebIdentity> {
  const provider = providerOf(issuer);
  return (token) => verifyWebIdentityToken(token, provider, () => source.keysOf(issuer), { now: new Date(), clockSkewSeconds: 60 });
}

/** Signs a token for the IdP's audience with a key it never published, under a random kid. */
function unknownKidToken(key: SigningKey, issuer: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signToken(key, { iss: issuer, sub: "ci-runner", aud: "sts.amazonaws.com", iat: now, exp: now + 600 }, { kid: `unknown-${randomUUID()}` });
}

function errorCode(error: unknown): string | undefined {
  return (error as ServiceError).code;
}

describe("DiscoveryKeySource with the test IdP", () => {
  let idp: TestIdp;
  let attacker: SigningKey;

  beforeAll(async () => {
    idp = await startTestIdp();
    attacker = await newSigningKey("RS256");
  });
  afterAll(async () => {
    await idp?.close();
  });

  it("refetches once for 200 unknown kids", async () => {
    const verify = verifier(new DiscoveryKeySource(SETTINGS), idp.issuer);
    const valid = await idp.token();
    await expect(verify(valid)).resolves.toMatchObject({ subject: idp.clientId });
    const fetchesBefore = idp.requests("/jwks");

    // One after another, so that jose cannot merge the refetches into one pending request.
    for (let index = 0; index < 200; index++) {
      const error = await verify(await unknownKidToken(attacker, idp.issuer)).catch((reason: unknown) => reason);
      expect(errorCode(error)).toBe("InvalidIdentityToken");
    }

    expect(idp.requests("/jwks") - fetchesBefore).toBeLessThanOrEqual(1);
    await expect(verify(valid)).resolves.toMatchObject({ subject: idp.clientId, audience: "sts.amazonaws.com" });
  });

  it("refetches per unknown kid without cooldown", async () => {
    // The control for the test above: with no cooldown, each unknown kid costs one fetch.
    const verify = verifier(new DiscoveryKeySource({ ...SETTINGS, jwksCooldownSeconds: 0 }), idp.issuer);
    await verify(await idp.token());
    const fetchesBefore = idp.requests("/jwks");

    for (let index = 0; index < 5; index++) {
      await expect(verify(await unknownKidToken(attacker, idp.issuer))).rejects.toMatchObject({ code: "InvalidIdentityToken" });
    }

    expect(idp.requests("/jwks") - fetchesBefore).toBe(5);
  });

  it("fetches discovery once per source", async () => {
    const source = new DiscoveryKeySource(SETTINGS);
    const verify = verifier(source, idp.issuer);
    const before = idp.requests(DISCOVERY_PATH);
    const token = await idp.token();

    await Promise.all(Array.from({ length: 20 }, () => source.keysOf(idp.issuer)));
    for (let index = 0; index < 20; index++) await verify(token);
    await Promise.all(Array.from({ length: 20 }, () => verify(token)));

    expect(idp.requests(DISCOVERY_PATH) - before).toBe(1);
  });
});

describe("DiscoveryKeySource with a hand-written discovery document", () => {
  let server: Server;
  let base: string;
  /** The issuer the discovery document names. Each test sets it. */
  let documentIssuer = "";
  const served: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      served.push(request.url ?? "/");
      if (request.url === DISCOVERY_PATH) {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ issuer: documentIssuer, jwks_uri: `${base}/jwks` }));
      } else if (request.url === "/jwks") {
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [] }));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it("accepts document naming the issuer", async () => {
    documentIssuer = base;

    await expect(new DiscoveryKeySource(SETTINGS).keysOf(base)).resolves.toBeTypeOf("function");
  });

  // OpenID Connect Discovery 1.0, section 4.3: the issuer in the document must be identical to
  // the issuer URL the document was fetched for, so spellings that URL parsing equates differ too.
  it.each([
    ["another host", () => "https://idp.example.com"],
    ["another path", () => `${base}/tenant-a`],
    ["a trailing slash", () => `${base}/`],
    ["host 127.1", () => base.replace("127.0.0.1", "127.1")],
  ])("rejects document naming %s", async (_, issuer) => {
    documentIssuer = issuer();
    served.length = 0;

    const error = await new DiscoveryKeySource(SETTINGS).keysOf(base).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(DiscoveryRejected);
    expect((error as Error).message).toContain("names a different issuer");
    expect(served).toEqual([DISCOVERY_PATH]);
  });

  it("reports the mismatch as InvalidIdentityToken", async () => {
    documentIssuer = "https://idp.example.com";
    const key = await newSigningKey("RS256");
    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, { iss: base, sub: "ci-runner", aud: "sts.amazonaws.com", iat: now, exp: now + 600 });

    const error = await verifier(new DiscoveryKeySource(SETTINGS), base)(token).catch((reason: unknown) => reason);

    expect(errorCode(error)).toBe("InvalidIdentityToken");
    expect((error as Error).message).toContain("names a different issuer");
  });
});
