import { uriEncode } from "./uri-encode.js";

/**
 * Reads a raw query string once into the two forms SigV4 needs: the decoded name and value
 * (to find the X-Amz-* parameters) and the canonical encoding of each (for the canonical request).
 *
 * Decoding follows application/x-www-form-urlencoded, as the Query API parser does
 * (shared/protocol/query.ts): `%XX` is a byte, `+` is a space, other characters stand for their
 * UTF-8 bytes. A `%` not followed by two hex digits stays a literal `%`. The canonical form then
 * percent-encodes every byte except A-Z a-z 0-9 - _ . ~ with upper-case hex. So `a+b`, `a%20b`
 * and `a b` canonicalise alike, and mean alike to the handler, while `a%2Bb` stays distinct.
 * The signature therefore covers exactly what the handler reads.
 */

export interface QueryParam {
  /** Decoded name, as a form parser would read it. */
  name: string;
  /** Decoded value. */
  value: string;
  /** Canonical (SigV4) encoding of the name. */
  encodedName: string;
  /** Canonical (SigV4) encoding of the value. */
  encodedValue: string;
}

/** Characters that are their own canonical encoding; a component made only of these needs no work. */
const UNRESERVED_ONLY = /^[A-Za-z0-9\-._~]*$/;

export function parseQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery.length === 0) return params;
  for (const pair of rawQuery.split("&")) {
    // An empty piece (`a=1&&b=2`, a trailing `&`) carries no parameter for any form parser.
    if (pair.length === 0) continue;
    const equals = pair.indexOf("=");
    const name = component(equals === -1 ? pair : pair.slice(0, equals));
    const value = component(equals === -1 ? "" : pair.slice(equals + 1));
    params.push({ name: name.decoded, value: value.decoded, encodedName: name.encoded, encodedValue: value.encoded });
  }
  return params;
}

function component(raw: string): { decoded: string; encoded: string } {
  if (UNRESERVED_ONLY.test(raw)) return { decoded: raw, encoded: raw };
  const bytes = decodeBytes(raw);
  return { decoded: bytes.toString("utf8"), encoded: uriEncode(bytes, true) };
}

function decodeBytes(raw: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x25 && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) {
      bytes.push(Number.parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (code === 0x2b) {
      bytes.push(0x20);
    } else if (code < 0x80) {
      bytes.push(code);
    } else {
      const point = raw.codePointAt(i)!;
      if (point > 0xffff) i++;
      for (const byte of Buffer.from(String.fromCodePoint(point), "utf8")) bytes.push(byte);
    }
  }
  return Buffer.from(bytes);
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}
