/** IPv4 and IPv6 addresses and CIDR blocks, for the IpAddress and NotIpAddress operators. */

const DOT = 0x2e;
const DIGIT_ZERO = 0x30;
const DIGIT_NINE = 0x39;

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6, in network order. A plain array in a parsed policy. */
  readonly bytes: Uint8Array | readonly number[];
}

export interface CidrBlock extends IpAddress {
  readonly prefixLength: number;
}

/** Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with "::" and an IPv4 tail), without zone ids. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(":")) {
    const bytes = parseIpv6(text);
    return bytes && { family: 6, bytes };
  }
  const bytes = parseIpv4(text);
  return bytes && { family: 4, bytes };
}

/** Parses "203.0.113.0/24" or "2001:db8::/32". An address without a prefix is a block of one address. */
export function parseCidrBlock(text: string): CidrBlock | undefined {
  const slash = text.indexOf("/");
  const address = parseIpAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;

  const maxLength = address.bytes.length * 8;
  if (slash < 0) return { ...address, prefixLength: maxLength };

  const prefixText = text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefixLength = Number(prefixText);
  if (prefixLength > maxLength) return undefined;
  return { ...address, prefixLength };
}

/**
 * Returns whether `block` contains `address`. An IPv4-mapped IPv6 address (::ffff:a.b.c.d), which
 * dual-stack sockets report for IPv4 clients, is also compared as its IPv4 address.
 */
export function cidrContains(block: CidrBlock, address: IpAddress): boolean {
  if (block.family === address.family) return prefixMatches(block.bytes, address.bytes, block.prefixLength);
  if (block.family === 4 && isIpv4Mapped(address.bytes)) {
    return prefixMatches(block.bytes, address.bytes, block.prefixLength, 12);
  }
  return false;
}

/** Compares the first `prefixLength` bits of `left` with those of `right` from byte `offset` on. */
function prefixMatches(left: IpAddress["bytes"], right: IpAddress["bytes"], prefixLength: number, offset = 0): boolean {
  const fullBytes = prefixLength >>> 3;
  for (let index = 0; index < fullBytes; index++) {
    if (left[index] !== right[offset + index]) return false;
  }
  const remainingBits = prefixLength & 7;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (left[fullBytes]! & mask) === (right[offset + fullBytes]! & mask);
}

function isIpv4Mapped(bytes: IpAddress["bytes"]): boolean {
  for (let index = 0; index < 10; index++) {
    if (bytes[index] !== 0) return false;
  }
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  // Reads up to four dot-separated decimal parts, the end of the text closing the last one.
  for (let index = 0; index <= text.length; index++) {
    const code = index < text.length ? text.charCodeAt(index) : DOT;
    if (code === DOT) {
      if (digits === 0 || value > 255 || part === 4) return undefined;
      bytes[part++] = value;
      value = 0;
      digits = 0;
      continue;
    }
    if (code < DIGIT_ZERO || code > DIGIT_NINE || digits === 3) return undefined;
    // No leading zeros, because some parsers read "010" as octal.
    if (digits === 1 && value === 0) return undefined;
    value = value * 10 + (code - DIGIT_ZERO);
    digits++;
  }
  return part === 4 ? bytes : undefined;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;

  const compressed = halves.length === 2;
  const head = parseIpv6Groups(halves[0]!, !compressed);
  const tail = compressed ? parseIpv6Groups(halves[1]!, true) : [];
  if (!head || !tail) return undefined;

  const groupCount = head.length + tail.length;
  if (compressed ? groupCount > 7 : groupCount !== 8) return undefined;

  const groups = [...head, ...new Array<number>(8 - groupCount).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    bytes[index * 2] = group >>> 8;
    bytes[index * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** Parses colon-separated 16-bit groups. With `ipv4Tail`, the last one may be an IPv4 address, worth two groups. */
function parseIpv6Groups(text: string, ipv4Tail: boolean): number[] | undefined {
  if (text === "") return [];
  const parts = text.split(":");
  const groups: number[] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    if (ipv4Tail && index === parts.length - 1 && part.includes(".")) {
      const ipv4 = parseIpv4(part);
      if (!ipv4) return undefined;
      groups.push((ipv4[0]! << 8) | ipv4[1]!, (ipv4[2]! << 8) | ipv4[3]!);
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
    groups.push(Number.parseInt(part, 16));
  }
  return groups;
}
