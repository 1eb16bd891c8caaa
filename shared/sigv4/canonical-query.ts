import type { QueryParam } from "./query-params.js";

/**
 * Builds the canonical query string: every parameter as `name=value` in canonical encoding, sorted
 * by encoded name and then by encoded value, joined with `&`. X-Amz-Signature is left out, matched
 * without regard to case as @smithy/signature-v4 does. A parameter without `=` signs as `name=`.
 *
 * `omitSessionToken` also leaves out X-Amz-Security-Token, for presigned URLs to which the token
 * was added after signing (vector post-sts-header-after).
 *
 * Why not smithy's `getCanonicalQuery`: it takes decoded values in an object. The raw query would
 * first go through decodeURIComponent, which throws on a stray `%`. A parameter without `=` would
 * also need an invented value, because smithy drops null values from the string.
 * Its HttpRequest.clone also copies the query in time quadratic in the number of parameters.
 */
export function canonicalQuery(params: readonly QueryParam[], omitSessionToken: boolean): string {
  if (params.length === 0) return "";
  const signed: QueryParam[] = [];
  for (const param of params) {
    const name = param.name.toLowerCase();
    if (name === "x-amz-signature" || (omitSessionToken && name === "x-amz-security-token")) continue;
    signed.push(param);
  }
  signed.sort(compareParams);
  let query = "";
  for (const param of signed) {
    query += `${query.length === 0 ? "" : "&"}${param.encodedName}=${param.encodedValue}`;
  }
  return query;
}

/** Code-unit order equals byte order here: encoded names and values are ASCII. */
function compareParams(a: QueryParam, b: QueryParam): number {
  if (a.encodedName !== b.encodedName) return a.encodedName < b.encodedName ? -1 : 1;
  if (a.encodedValue === b.encodedValue) return 0;
  return a.encodedValue < b.encodedValue ? -1 : 1;
}
