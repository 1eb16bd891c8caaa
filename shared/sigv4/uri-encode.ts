/**
 * SigV4's URI encoding: every byte except the unreserved A-Z a-z 0-9 - _ . ~ becomes `%XX` with
 * upper-case hex. The slash is kept in paths and encoded in query components.
 */

const HEX = "0123456789ABCDEF";

export function uriEncode(bytes: Uint8Array, encodeSlash: boolean): string {
  let encoded = "";
  for (const byte of bytes) {
    if (isUnreserved(byte) || (byte === 0x2f && !encodeSlash)) encoded += String.fromCharCode(byte);
    else encoded += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return encoded;
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) || // A-Z
    (byte >= 0x61 && byte <= 0x7a) || // a-z
    (byte >= 0x30 && byte <= 0x39) || // 0-9
    byte === 0x2d || // -
    byte === 0x2e || // .
    byte === 0x5f || // _
    byte === 0x7e // ~
  );
}
