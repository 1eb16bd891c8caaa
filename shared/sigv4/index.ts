export type { HttpRequestView } from "./http-request-view.js";
export { parseSignature } from "./parse-signature.js";
export type { ParsedSignature } from "./parsed-signature.js";
export { type VerifyOptions, verifySignature } from "./verify-signature.js";
