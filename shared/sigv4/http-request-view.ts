/** The request as it arrived, before any parsing of the body. */
export interface HttpRequestView {
  /** "GET", "POST", ... exactly as on the request line. */
  method: string;
  /** Raw path as received on the wire, percent-encoding kept, no query string. */
  path: string;
  /** Raw query string without the leading "?", "" when absent. */
  rawQuery: string;
  /** Lower-case names; a header received several times is joined with ",". */
  headers: Record<string, string>;
  /** Raw body bytes; the payload hash is computed over these. */
  body: Uint8Array;
}

/**
 * Returns a header's value, or undefined when it is absent. Only own properties count, so a
 * signed-header name such as `constructor` never finds something inherited from Object.prototype.
 */
export function getHeader(request: HttpRequestView, name: string): string | undefined {
  const value = Object.hasOwn(request.headers, name) ? request.headers[name] : undefined;
  return typeof value === "string" ? value : undefined;
}
