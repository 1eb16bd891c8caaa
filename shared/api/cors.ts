/**
 * Cross-origin access for browsers and mobile web views, which call AssumeRoleWithWebIdentity
 * (and, with credentials, any other action) from a page of another origin. No cookies are
 * involved, so any origin may call. API Gateway applies the same policy on AWS.
 */
export const CORS_POLICY = {
  allowOrigins: ["*"],
  allowMethods: ["GET", "POST", "OPTIONS"],
  allowHeaders: [
    "authorization",
    "content-type",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "x-amz-user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
  ],
  exposeHeaders: ["x-amzn-requestid"],
  maxAgeSeconds: 86_400,
} as const;

/** Headers of a response to a cross-origin request. */
export function corsResponseHeaders(): Record<string, string> {
  return {
    "access-control-allow-origin": CORS_POLICY.allowOrigins.join(","),
    "access-control-expose-headers": CORS_POLICY.exposeHeaders.join(","),
  };
}

/** Headers of the response to a preflight request (OPTIONS with Access-Control-Request-Method). */
export function corsPreflightHeaders(): Record<string, string> {
  return {
    ...corsResponseHeaders(),
    "access-control-allow-methods": CORS_POLICY.allowMethods.join(","),
    "access-control-allow-headers": CORS_POLICY.allowHeaders.join(","),
    "access-control-max-age": String(CORS_POLICY.maxAgeSeconds),
  };
}
