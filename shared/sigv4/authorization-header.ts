import { ALGORITHM } from "./constants.js";
import { incompleteSignature } from "./errors.js";

/** The three fields of `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface AuthorizationFields {
  credential: string;
  signedHeaders: string;
  signature: string;
}

const PREFIX = `${ALGORITHM} `;

/**
 * Parses an Authorization header. The algorithm must be exactly AWS4-HMAC-SHA256, so SigV2, SigV4a
 * and anything else are rejected. The fields are comma-separated `Name=value` pairs with optional
 * spaces around them. Credential, SignedHeaders and Signature must each appear exactly once with a
 * non-empty value, and no other field may appear.
 */
export function parseAuthorizationHeader(header: string): AuthorizationFields {
  if (!header.startsWith(PREFIX)) {
    throw incompleteSignature(`Unsupported authorization algorithm; only '${ALGORITHM}' is accepted.`);
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of header.slice(PREFIX.length).split(",")) {
    const field = part.trim();
    const equals = field.indexOf("=");
    const name = equals === -1 ? field : field.slice(0, equals);
    const value = equals === -1 ? "" : field.slice(equals + 1);
    if (name === "Credential" && credential === undefined) credential = value;
    else if (name === "SignedHeaders" && signedHeaders === undefined) signedHeaders = value;
    else if (name === "Signature" && signature === undefined) signature = value;
    else throw incompleteSignature("Authorization header fields must be Credential, SignedHeaders and Signature, each once.");
  }
  if (!credential) throw incompleteSignature("Authorization header requires 'Credential' parameter.");
  if (!signedHeaders) throw incompleteSignature("Authorization header requires 'SignedHeaders' parameter.");
  if (!signature) throw incompleteSignature("Authorization header requires 'Signature' parameter.");
  return { credential, signedHeaders, signature };
}
