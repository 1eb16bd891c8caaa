/** Fixed strings and limits of AWS Signature Version 4. */

export const ALGORITHM = "AWS4-HMAC-SHA256";

export const SCOPE_TERMINATOR = "aws4_request";

/** Maximum lifetime of a presigned URL (X-Amz-Expires): 7 days. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** The clock skew AWS allows for header-signed requests. */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

/** Maximum configurable clock skew: 15 minutes, the window S3 allows. */
export const MAX_SKEW_LIMIT_SECONDS = 900;

export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

/** SHA-256 of zero bytes, the payload hash of every request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
