import { incompleteSignature } from "./errors.js";

/** `;`-separated HTTP field names (RFC 9110 tokens) in lower case. */
const LOWER_CASE_TOKEN_LIST = /^[a-z0-9!#$%&'*+.^_`|~-]+(?:;[a-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * Parses a SignedHeaders value (`host;x-amz-date`). Every name must be a lower-case token, the
 * names strictly ascending (sorted and each listed once, as signers write them), and `host` among
 * them, so the signature covers the host the client meant. The caller checks that each header is present.
 */
export function parseSignedHeaders(value: string): string[] {
  if (!LOWER_CASE_TOKEN_LIST.test(value)) throw unordered();
  const names = value.split(";");
  for (let i = 1; i < names.length; i++) {
    if (names[i]! <= names[i - 1]!) throw unordered();
  }
  if (!names.includes("host")) throw incompleteSignature("SignedHeaders must include 'host'.");
  return names;
}

function unordered() {
  return incompleteSignature("SignedHeaders must be lower-case header names in ascending order, each listed once.");
}
