/** The claims a SigV4 request makes about itself, read by `parseSignature` and checked by `verifySignature`. */
export interface ParsedSignature {
  form: "header" | "query";
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** Lower-case, ascending, each once, and always including `host`. */
  signedHeaders: string[];
  /** As sent; `verifySignature` accepts only 64 lower-case hex digits. */
  signature: string;
  /** From X-Amz-Date (header form: the x-amz-date header, else the Date header). */
  requestTime: Date;
  /** Query form only (X-Amz-Expires). */
  expiresSeconds?: number;
  /** X-Amz-Security-Token header or query parameter. */
  sessionToken?: string;
}
