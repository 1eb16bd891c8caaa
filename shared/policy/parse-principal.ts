/** Parsing of the Principal element of trust policies. */

import { isArnLike } from "./arn.js";
import { isJsonObject, type JsonValue } from "./json.js";
import { malformed, quote, readStringList } from "./parse-helpers.js";
import type { PrincipalBlock, PrincipalType } from "./types.js";

const PRINCIPAL_TYPES: readonly PrincipalType[] = ["AWS", "Federated", "Service", "CanonicalUser"];

const ACCOUNT_ID = /^\d{12}$/;
// Unique ids of IAM entities, such as AIDA... for users and AROA... for roles, are at most 128 characters.
const UNIQUE_ID = /^A[A-Z0-9]{15,127}$/;

/**
 * Parses `"*"` or an object mapping principal types to values. Wildcards are allowed only as the
 * whole AWS value "*", because IAM matches principals exactly.
 */
export function parsePrincipal(value: JsonValue, location: string): PrincipalBlock {
  if (value === "*") return "*";
  if (!isJsonObject(value)) {
    malformed(location, 'Principal must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}');
  }
  if (value.size === 0) malformed(location, "Principal must name at least one principal");

  const block: Partial<Record<PrincipalType, readonly string[]>> = {};
  for (const [type, entry] of value) {
    if (!isPrincipalType(type)) {
      malformed(location, `Principal type ${quote(type)} is not one of ${PRINCIPAL_TYPES.join(", ")}`);
    }
    const element = `Principal.${type}`;
    const values = readStringList(entry, location, element);
    for (const principal of values) validatePrincipalValue(type, principal, location, element);
    block[type] = values;
  }
  return block;
}

function isPrincipalType(type: string): type is PrincipalType {
  return (PRINCIPAL_TYPES as readonly string[]).includes(type);
}

function validatePrincipalValue(type: PrincipalType, principal: string, location: string, element: string): void {
  if (principal === "*") {
    if (type !== "AWS") malformed(location, `${element} does not accept "*"`);
    return;
  }
  if (principal.includes("*") || principal.includes("?")) {
    malformed(location, `${element} ${quote(principal)} contains a wildcard, but a principal may only be "*" as a whole`);
  }
  if (type === "AWS" && !ACCOUNT_ID.test(principal) && !isArnLike(principal) && !UNIQUE_ID.test(principal)) {
    malformed(location, `${element} ${quote(principal)} must be "*", a 12-digit account id, an ARN or a unique id`);
  }
}
