import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider from "oidc-provider";

export interface TestIdpOptions {
  /** Claims added to every token, such as AWS's session tag claim. */
  extraClaims?: Record<string, unknown>;
  /** Audience of the tokens; `sts.amazonaws.com` unless set. */
  audience?: string;
}

export interface TestIdp {
  /** The issuer URL, `http://127.0.0.1:<port>`. */
  issuer: string;
  clientId: string;
  /** Gets an access token (a signed JWT) through the client credentials grant. */
  token(): Promise<string>;
  /**
   * Rotates the signing key: a new key signs from now on. With `keepOld`, the old key stays
   * published so that tokens already issued still verify.
   */
  rotate(options?: { keepOld: boolean }): Promise<void>;
  /** Requests the provider has served, by path. */
  requests(path: string): number;
  close(): Promise<void>;
}

const CLIENT_ID = "ci-runner";
const CLIENT_SECRET = "test-client-secret-of-the-local-idp";

/**
 * Starts a real OpenID Provider (node-oidc-provider) on a free loopback port. It issues JWT access
 * tokens through the client credentials grant, publishes its discovery document and key set,
 * and can rotate its signing key while keeping its address.
 */
export async function startTestIdp(options: TestIdpOptions = {}): Promise<TestIdp> {
  const counts = new Map<string, number>();
  let current: ((request: IncomingMessage, response: ServerResponse) => void) | undefined;
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0]!;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    current!(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let keys: JWK[] = [await newSigningKey()];
  const install = () => {
    current = buildProvider(issuer, keys, options).callback() as typeof current;
  };
  install();

  return {
    issuer,
    clientId: CLIENT_ID,
    async token() {
      const response = await fetch(`${issuer}/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
        },
        body: new URLSearchParams({ grant_type: "client_credentials" }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || !body.access_token) throw new Error(`the test IdP refused a token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async rotate({ keepOld } = { keepOld: true }) {
      keys = keepOld ? [await newSigningKey(), ...keys] : [await newSigningKey()];
      install();
    },
    requests: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `key-${crypto.randomUUID()}`, alg: "RS256", use: "sig" };
}

function buildProvider(issuer: string, keys: JWK[], options: TestIdpOptions): Provider {
  const audience = options.audience ?? "sts.amazonaws.com";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        grant_types: ["client_credentials"],
        redirect_uris: [],
        response_types: [],
      },
    ],
    jwks: { keys: keys as never },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => "urn:open-sts:test-resource",
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "",
          audience,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: "RS256" } },
        }),
      },
    },
    extraTokenClaims: () => options.extraClaims ?? {},
    ttl: { ClientCredentials: 600 },
  });
  return provider;
}
