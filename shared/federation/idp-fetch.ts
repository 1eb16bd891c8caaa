import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";

/** The largest discovery document or key set read from an identity provider. */
export const MAX_IDP_RESPONSE_BYTES = 512 * 1024;

export interface IdpFetchPolicy {
  /** Allows `http://` URLs and loopback addresses (local mode only). */
  allowLoopback: boolean;
  timeoutMs: number;
}

/**
 * A failed fetch from an identity provider; the message names the URL and the reason.
 * `transient` marks failures that may pass on a retry (no connection, time limit, server
 * error), as opposed to a provider set up in a way that cannot work (a redirect, a rejected
 * address, a 4xx response, an oversized body).
 */
export class IdpFetchError extends Error {
  override readonly name = "IdpFetchError";

  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}

/** The options jose and openid-client pass to a custom fetch. */
export interface IdpFetchInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  signal?: AbortSignal | null;
}

/**
 * Addresses an identity provider's documents may not be fetched from: private, shared,
 * link-local (cloud metadata), multicast and reserved ranges. Loopback is refused too unless
 * the policy allows it.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 96],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv6");
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** Returns why an address may not be contacted, or undefined when it may. */
export function refusedAddress(address: string, policy: Pick<IdpFetchPolicy, "allowLoopback">): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  let checked = address;
  let type: "ipv4" | "ipv6" = family === 4 ? "ipv4" : "ipv6";
  // An IPv4-mapped IPv6 address reaches the IPv4 host it embeds.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) {
    checked = mapped[1]!;
    type = "ipv4";
  }
  if (LOOPBACK.check(checked, type)) return policy.allowLoopback ? undefined : `${address} is a loopback address`;
  if (FORBIDDEN.check(checked, type)) return `${address} is a private, link-local or reserved address`;
  return undefined;
}

/**
 * Fetches a document from an identity provider, for openid-client's and jose's `customFetch`.
 * The URL's scheme must be https, or http for loopback in local mode. Every address the host
 * name resolves to is checked, and the connection goes to a checked address, so a name that
 * later resolves elsewhere cannot redirect it. Redirects are not followed, the body is
 * capped at MAX_IDP_RESPONSE_BYTES and the whole exchange at the policy's time limit.
 *
 * Node's fetch has no option for the address to connect to, which is why this uses node:http.
 */
export async function fetchFromIdp(url: string, init: IdpFetchInit, policy: IdpFetchPolicy): Promise<Response> {
  const target = new URL(url);
  if (target.protocol !== "https:" && !(target.protocol === "http:" && policy.allowLoopback)) {
    throw new IdpFetchError(`${target.origin} is not an https URL`);
  }
  if (target.username || target.password) throw new IdpFetchError(`${target.origin} carries a user name`);
  const literal = target.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal) !== 0) {
    const reason = refusedAddress(literal, policy);
    if (reason) throw new IdpFetchError(`${target.origin} is rejected: ${reason}`);
  }

  const signals = [AbortSignal.timeout(policy.timeoutMs), ...(init.signal ? [init.signal] : [])];
  const signal = AbortSignal.any(signals);
  const headers = new Headers(init.headers);
  headers.set("accept-encoding", "identity");
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;

  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(target, {
      method: init.method ?? "GET",
      headers: headerObject(headers),
      lookup: checkedLookup(policy),
      signal,
    });
    outgoing.once("response", resolve);
    outgoing.once("error", (error) => reject(describe(target, error, signal)));
    outgoing.end();
  });

  if (response.statusCode !== undefined && response.statusCode >= 300 && response.statusCode < 400) {
    response.destroy();
    throw new IdpFetchError(`${target.origin}${target.pathname} responded with a redirect (${response.statusCode}), which is not followed`);
  }
  const status = response.statusCode ?? 502;
  if (status < 200 || status >= 300) {
    response.destroy();
    throw new IdpFetchError(`${target.origin}${target.pathname} responded with status ${status}`, status >= 500 || status === 429);
  }
  const body = await readCapped(target, response, signal);
  const responseHeaders = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return new Response(new Uint8Array(body), { status, headers: responseHeaders });
}

function headerObject(headers: Headers): Record<string, string> {
  const object: Record<string, string> = {};
  headers.forEach((value, name) => {
    object[name] = value;
  });
  return object;
}

function checkedLookup(policy: IdpFetchPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, "", 0);
        return;
      }
      for (const { address } of addresses) {
        const reason = refusedAddress(address, policy);
        if (reason) {
          callback(new IdpFetchError(`${hostname} resolves to a rejected address: ${reason}`), "", 0);
          return;
        }
      }
      const first = addresses[0];
      if (!first) {
        callback(new IdpFetchError(`${hostname} has no address`), "", 0);
        return;
      }
      if (options.all) callback(null, addresses as unknown as string, 0);
      else callback(null, first.address, first.family);
    });
  };
}

function readCapped(target: URL, response: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_IDP_RESPONSE_BYTES) {
        // Rejects first: destroying the response emits "aborted", whose rejection must not win.
        reject(new IdpFetchError(`${target.origin}${target.pathname} sent more than ${MAX_IDP_RESPONSE_BYTES} bytes`));
        response.destroy();
        return;
      }
      chunks.push(chunk);
    });
    response.once("end", () => resolve(Buffer.concat(chunks)));
    response.once("error", (error) => reject(describe(target, error, signal)));
    response.once("aborted", () => reject(describe(target, new Error("connection aborted"), signal)));
  });
}

function describe(target: URL, error: Error, signal: AbortSignal): Error {
  if (error instanceof IdpFetchError) return error;
  if (error.cause instanceof IdpFetchError) return error.cause;
  if (signal.aborted) return new IdpFetchError(`${target.origin}${target.pathname} timed out`, true);
  const code = (error as NodeJS.ErrnoException).code;
  return new IdpFetchError(`${target.origin}${target.pathname} could not be reached (${code ?? error.message})`, true);
}
