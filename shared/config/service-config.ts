/** Settings shared by every handler, read from the environment with documented defaults. */
export interface ServiceConfig {
  /** ARN partition: `aws` unless set with OPEN_STS_PARTITION. */
  partition: string;
  /** Staleness bound of in-memory caches of IAM data, in seconds (OPEN_STS_CACHE_TTL_SECONDS, default 30). */
  cacheTtlSeconds: number;
  /** Allowed clock skew of signed requests, in seconds (OPEN_STS_MAX_SKEW_SECONDS, default 300 as in AWS). */
  maxSkewSeconds: number;
  /** DynamoDB table holding accounts, users, roles and keys (OPEN_STS_TABLE, default `open-sts`). */
  tableName: string;
  /** Settings of web identity federation (AssumeRoleWithWebIdentity). */
  oidc: OidcSettings;
  /** Settings of SAML federation (AssumeRoleWithSAML). */
  saml: SamlSettings;
  /**
   * Requests per second that one source address may make to the unsigned actions
   * (OPEN_STS_UNSIGNED_RATE_PER_SECOND, default 20; 0 turns the limit off). Bursts of twice the
   * rate pass.
   */
  unsignedRatePerSecond: number;
  /**
   * The service's public base URL, under which each account's outbound issuer lives
   * (`<publicUrl>/outbound/<id>`), from OPEN_STS_PUBLIC_URL. `npm start` sets it to the local
   * endpoint. Without it, outbound identity federation is unavailable.
   */
  publicUrl?: string;
}

export interface OidcSettings {
  /**
   * Accepts `http://` issuers on 127.0.0.1 and localhost, and lets key fetches reach loopback
   * addresses (OPEN_STS_ALLOW_LOOPBACK_ISSUERS=true; `npm start` sets it). Off on AWS.
   */
  allowLoopbackIssuers: boolean;
  /** Clock skew allowed on `exp`, `nbf` and `iat`, in seconds (OPEN_STS_OIDC_CLOCK_SKEW_SECONDS, default 60). */
  clockSkewSeconds: number;
  /** How long a provider's key set is used before it is fetched again, in seconds (OPEN_STS_JWKS_MAX_AGE_SECONDS, default 600). */
  jwksMaxAgeSeconds: number;
  /** Minimum time between two fetches of one key set caused by an unknown `kid`, in seconds (OPEN_STS_JWKS_COOLDOWN_SECONDS, default 30). */
  jwksCooldownSeconds: number;
  /** How long a discovery document is used, in seconds (OPEN_STS_OIDC_DISCOVERY_MAX_AGE_SECONDS, default 3600). */
  discoveryMaxAgeSeconds: number;
  /** Time limit of one fetch from an identity provider, in milliseconds (OPEN_STS_IDP_TIMEOUT_MS, default 3000). */
  fetchTimeoutMs: number;
}

export interface SamlSettings {
  /**
   * Accepted Audience values: `urn:amazon:webservices`, AWS's service provider entity ID, and
   * any listed in OPEN_STS_SAML_AUDIENCES (comma-separated).
   */
  audiences: string[];
  /**
   * Accepted Recipient and Destination values: AWS's sign-in endpoints
   * (`https://signin.aws.amazon.com/saml`, its regional forms and `.../static/saml`) and any
   * listed in OPEN_STS_SAML_RECIPIENTS (comma-separated).
   */
  recipients: string[];
  /** Clock skew allowed on assertion times, in seconds (OPEN_STS_SAML_CLOCK_SKEW_SECONDS, default 120). */
  clockSkewSeconds: number;
}

export function readServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    partition: env.OPEN_STS_PARTITION || "aws",
    cacheTtlSeconds: readNumber(env, "OPEN_STS_CACHE_TTL_SECONDS", 30, 0, 3600),
    maxSkewSeconds: readNumber(env, "OPEN_STS_MAX_SKEW_SECONDS", 300, 1, 900),
    tableName: env.OPEN_STS_TABLE || "open-sts",
    oidc: {
      allowLoopbackIssuers: readBoolean(env, "OPEN_STS_ALLOW_LOOPBACK_ISSUERS"),
      clockSkewSeconds: readNumber(env, "OPEN_STS_OIDC_CLOCK_SKEW_SECONDS", 60, 0, 600),
      jwksMaxAgeSeconds: readNumber(env, "OPEN_STS_JWKS_MAX_AGE_SECONDS", 600, 1, 86_400),
      jwksCooldownSeconds: readNumber(env, "OPEN_STS_JWKS_COOLDOWN_SECONDS", 30, 0, 3600),
      discoveryMaxAgeSeconds: readNumber(env, "OPEN_STS_OIDC_DISCOVERY_MAX_AGE_SECONDS", 3600, 1, 86_400),
      fetchTimeoutMs: readNumber(env, "OPEN_STS_IDP_TIMEOUT_MS", 3000, 100, 30_000),
    },
    saml: {
      audiences: ["urn:amazon:webservices", ...readList(env, "OPEN_STS_SAML_AUDIENCES")],
      recipients: ["https://signin.aws.amazon.com/saml", "https://signin.aws.amazon.com/static/saml", ...readList(env, "OPEN_STS_SAML_RECIPIENTS")],
      clockSkewSeconds: readNumber(env, "OPEN_STS_SAML_CLOCK_SKEW_SECONDS", 120, 0, 600),
    },
    unsignedRatePerSecond: readNumber(env, "OPEN_STS_UNSIGNED_RATE_PER_SECOND", 20, 0, 1_000_000),
    ...readPublicUrl(env),
  };
}

/**
 * Reads OPEN_STS_PUBLIC_URL: an https URL, or http on a loopback host, with no query or
 * fragment. Relying parties fetch the issuer's documents from it, and OpenID Connect Discovery
 * requires https issuers. A trailing slash is dropped, so issuer URLs never contain `//`.
 */
function readPublicUrl(env: NodeJS.ProcessEnv): { publicUrl?: string } {
  const raw = env.OPEN_STS_PUBLIC_URL;
  if (raw === undefined || raw === "") return {};
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`OPEN_STS_PUBLIC_URL must be an absolute URL such as https://sts.example.com, got "${raw}"`);
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new Error(`OPEN_STS_PUBLIC_URL must use https (http only on 127.0.0.1, localhost or [::1]), got "${raw}"`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new Error(`OPEN_STS_PUBLIC_URL must not contain credentials, a query or a fragment, got "${raw}"`);
  }
  return { publicUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, "") };
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function readList(env: NodeJS.ProcessEnv, name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

function readBoolean(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}
