/**
 * Builds the canonical-headers block: one `name:value\n` line per signed header, in SignedHeaders
 * order (already ascending). Values lose leading and trailing spaces, line breaks (obsolete
 * folding) become spaces, and runs of spaces and tabs become one space, as @smithy/signature-v4
 * writes them. A header sent several times arrives joined with "," and is signed that way.
 *
 * Why not smithy's `getCanonicalHeaders`: it needs a header object holding only the signed
 * headers plus a `signableHeaders` set to override its built-in unsignable list (user-agent and
 * others), two allocations per request for what the loop below does in place.
 */

/** Characters that make a value differ from its canonical form. */
const NEEDS_CLEANING = /[\t\r\n]| {2}|^ | $/;

/** `headers` must hold every name in `signedHeaders` (checked by `parseSignature`). */
export function canonicalHeaders(headers: Record<string, string>, signedHeaders: readonly string[]): string {
  let block = "";
  for (const name of signedHeaders) {
    block += `${name}:${canonicalHeaderValue(headers[name]!)}\n`;
  }
  return block;
}

export function canonicalHeaderValue(value: string): string {
  if (!NEEDS_CLEANING.test(value)) return value;
  return value
    .replace(/[\r\n]/g, " ")
    .replace(/[ \t]+/g, " ")
    .replace(/^ | $/g, "");
}
