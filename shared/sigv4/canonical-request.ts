import { canonicalHeaders } from "./canonical-headers.js";
import { canonicalPath } from "./canonical-path.js";

export interface CanonicalRequestParts {
  method: string;
  /** Raw wire path. */
  path: string;
  normalizePath: boolean;
  /** Already canonical (see canonicalQuery). */
  query: string;
  headers: Record<string, string>;
  signedHeaders: readonly string[];
  /** Lower-case hex SHA-256 of the raw body. */
  payloadHash: string;
}

/** The SigV4 canonical request: method, path, query, headers, signed-header list, payload hash. */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return (
    `${parts.method}\n${canonicalPath(parts.path, parts.normalizePath)}\n${parts.query}\n` +
    `${canonicalHeaders(parts.headers, parts.signedHeaders)}\n${parts.signedHeaders.join(";")}\n${parts.payloadHash}`
  );
}
