import type { JWTPayload } from "jose";
import { isValidSourceIdentity, type SessionTagSet, sessionTagProblem } from "../session-attributes.js";
import { invalid } from "./token-shape.js";

/** The claim that carries session tags, as AWS reads it. */
export const TAGS_CLAIM = "https://aws.amazon.com/tags";
/** The claim that carries the source identity. */
export const SOURCE_IDENTITY_CLAIM = "https://aws.amazon.com/source_identity";

/**
 * Reads session tags from a verified token:
 * `{"principal_tags": {"Key": ["Value"]}, "transitive_tag_keys": ["Key"]}`, each value a
 * one-element list as AWS requires. Returns an empty set when the claim is absent.
 */
export function readTagsClaim(claims: JWTPayload): SessionTagSet {
  const claim = claims[TAGS_CLAIM];
  if (claim === undefined) return { tags: [], transitiveTagKeys: [] };
  if (!isObject(claim)) throw invalid(`The claim ${TAGS_CLAIM} must be a JSON object.`);
  const principalTags = claim.principal_tags ?? {};
  if (!isObject(principalTags)) throw invalid(`principal_tags in ${TAGS_CLAIM} must be a JSON object.`);
  const tags = Object.entries(principalTags).map(([key, value]) => {
    if (!Array.isArray(value) || value.length !== 1 || typeof value[0] !== "string") {
      throw invalid(`The value of principal tag ${JSON.stringify(key)} must be a list of exactly one string.`);
    }
    return { Key: key, Value: value[0] };
  });
  const transitive = claim.transitive_tag_keys ?? [];
  if (!Array.isArray(transitive) || !transitive.every((key) => typeof key === "string")) {
    throw invalid(`transitive_tag_keys in ${TAGS_CLAIM} must be a list of strings.`);
  }
  const set = { tags, transitiveTagKeys: transitive as string[] };
  const problem = sessionTagProblem(set);
  if (problem) throw invalid(problem);
  return set;
}

/** Reads the source identity claim, or undefined when the token has none. */
export function readSourceIdentityClaim(claims: JWTPayload): string | undefined {
  const value = claims[SOURCE_IDENTITY_CLAIM];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !isValidSourceIdentity(value)) {
    throw invalid('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"');
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
