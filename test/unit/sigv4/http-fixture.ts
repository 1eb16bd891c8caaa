import type { HttpRequestView } from "../../../shared/sigv4/index.js";

/**
 * Parses a request written as HTTP/1.1 text (the SigV4 suite's *-signed-request.txt) into the
 * view an HTTP adapter would build: request line, headers with lower-case names (obsolete line
 * folding replaced by one space, as RFC 9112 section 5.2 allows; a name given twice joined with
 * ","), and the body as the raw bytes after the empty line.
 */
export function parseHttpFixture(bytes: Uint8Array): HttpRequestView {
  const text = Buffer.from(bytes);
  const end = text.indexOf("\n\n");
  const head = text.subarray(0, end === -1 ? text.length : end).toString("utf8");
  const body = end === -1 ? new Uint8Array(0) : new Uint8Array(text.subarray(end + 2));
  const [requestLine = "", ...headerLines] = head.split("\n").map((line) => line.replace(/\r$/, ""));

  const firstSpace = requestLine.indexOf(" ");
  const lastSpace = requestLine.lastIndexOf(" ");
  if (firstSpace <= 0 || lastSpace <= firstSpace) throw new Error(`not an HTTP request line: ${requestLine}`);
  const method = requestLine.slice(0, firstSpace);
  const target = requestLine.slice(firstSpace + 1, lastSpace);
  const question = target.indexOf("?");

  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of headerLines) {
    if (line.length === 0) continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (last === undefined) throw new Error("continuation line before any header");
      headers[last] = `${headers[last]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`not a header line: ${line}`);
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = Object.hasOwn(headers, name) ? `${headers[name]},${value}` : value;
    last = name;
  }
  return {
    method,
    path: question === -1 ? target : target.slice(0, question),
    rawQuery: question === -1 ? "" : target.slice(question + 1),
    headers,
    body,
  };
}
