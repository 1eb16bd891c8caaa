import { incompleteSignature } from "./errors.js";
import type { QueryParam } from "./query-params.js";

/** The X-Amz-* query parameters of query signing, decoded. */
export interface AuthQueryParams {
  algorithm?: string;
  credential?: string;
  date?: string;
  signedHeaders?: string;
  signature?: string;
  expires?: string;
  securityToken?: string;
}

const FIELD_BY_NAME: Record<string, keyof AuthQueryParams> = {
  "x-amz-algorithm": "algorithm",
  "x-amz-credential": "credential",
  "x-amz-date": "date",
  "x-amz-signedheaders": "signedHeaders",
  "x-amz-signature": "signature",
  "x-amz-expires": "expires",
  "x-amz-security-token": "securityToken",
};

/**
 * Picks the X-Amz-* parameters out of a parsed query. Names match without regard to case, as the
 * canonical query drops X-Amz-Signature. Each may occur once, because with two X-Amz-Date values
 * the signer and this reader could each take a different one.
 */
export function readAuthQueryParams(params: readonly QueryParam[]): AuthQueryParams {
  const found: AuthQueryParams = {};
  for (const param of params) {
    const lower = param.name.toLowerCase();
    const field = Object.hasOwn(FIELD_BY_NAME, lower) ? FIELD_BY_NAME[lower] : undefined;
    if (field === undefined) continue;
    if (found[field] !== undefined) {
      throw incompleteSignature(`Query-string parameter '${param.name}' must occur only once.`);
    }
    found[field] = param.value;
  }
  return found;
}

/** Returns whether the query attempts query signing; X-Amz-Date or a token alone does not count. */
export function hasQueryAuth(auth: AuthQueryParams): boolean {
  return (
    auth.algorithm !== undefined ||
    auth.credential !== undefined ||
    auth.signedHeaders !== undefined ||
    auth.signature !== undefined
  );
}
