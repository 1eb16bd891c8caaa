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
}

export function readServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return {
    partition: env.OPEN_STS_PARTITION || "aws",
    cacheTtlSeconds: readNumber(env, "OPEN_STS_CACHE_TTL_SECONDS", 30, 0, 3600),
    maxSkewSeconds: readNumber(env, "OPEN_STS_MAX_SKEW_SECONDS", 300, 1, 900),
    tableName: env.OPEN_STS_TABLE || "open-sts",
  };
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
