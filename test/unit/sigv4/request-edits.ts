import type { HttpRequestView } from "../../../shared/sigv4/index.js";

/** Copy-on-write edits of a request view, for building mutated requests in tests. */

export function withChanges(request: HttpRequestView, changes: Partial<HttpRequestView>): HttpRequestView {
  return { ...request, headers: { ...request.headers }, ...changes };
}

export function withHeader(request: HttpRequestView, name: string, value: string | undefined): HttpRequestView {
  const headers = { ...request.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...request, headers };
}

export function queryPairs(request: HttpRequestView): string[] {
  return request.rawQuery === "" ? [] : request.rawQuery.split("&");
}

/** Replaces (or, with undefined, removes) the raw `name=value` pair at `index`. */
export function withQueryPair(request: HttpRequestView, index: number, pair: string | undefined): HttpRequestView {
  const pairs = queryPairs(request);
  if (pair === undefined) pairs.splice(index, 1);
  else pairs[index] = pair;
  return withChanges(request, { rawQuery: pairs.join("&") });
}

/** Sets the decoded value of the first query parameter named `name` (added when absent). */
export function withQueryParam(request: HttpRequestView, name: string, value: string): HttpRequestView {
  const pairs = queryPairs(request);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  const index = pairs.findIndex((candidate) => decodeURIComponent(candidate.split("=")[0]!) === name);
  if (index === -1) pairs.push(pair);
  else pairs[index] = pair;
  return withChanges(request, { rawQuery: pairs.join("&") });
}

export function queryParam(request: HttpRequestView, name: string): string | undefined {
  for (const pair of queryPairs(request)) {
    const [rawName = "", rawValue = ""] = pair.split("=");
    if (decodeURIComponent(rawName) === name) return decodeURIComponent(rawValue);
  }
  return undefined;
}

/** Edits one field of the Authorization header (`Credential`, `SignedHeaders` or `Signature`). */
export function withAuthorizationField(request: HttpRequestView, field: string, edit: (value: string) => string) {
  const header = request.headers.authorization!;
  const pattern = new RegExp(`${field}=([^,]*)`);
  return withHeader(request, "authorization", header.replace(pattern, (_, value: string) => `${field}=${edit(value)}`));
}

/** Edits the credential scope wherever the request carries it (Authorization header or X-Amz-Credential). */
export function withCredential(request: HttpRequestView, edit: (parts: string[]) => string[]): HttpRequestView {
  const change = (credential: string) => edit(credential.split("/")).join("/");
  if (request.headers.authorization !== undefined) return withAuthorizationField(request, "Credential", change);
  return withQueryParam(request, "X-Amz-Credential", change(queryParam(request, "X-Amz-Credential")!));
}

/** 20150830T123600Z moved by `seconds`. */
export function shiftAmzDate(amzDate: string, seconds: number): string {
  const iso = `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`;
  return new Date(Date.parse(iso) + seconds * 1000).toISOString().replace(/[-:]|\.\d{3}/g, "");
}
