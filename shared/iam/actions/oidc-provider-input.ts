import { ServiceError } from "../../protocol/errors.js";

/** IAM accepts at most five certificate thumbprints per OpenID Connect provider. */
export const THUMBPRINTS_PER_OIDC_PROVIDER = 5;

export interface ProviderUrl {
  /** The URL as given, scheme included. */
  url: string;
  /** Host, port and path: the URL without `scheme://`, which names the provider in its ARN. */
  urlWithoutScheme: string;
}

export interface ProviderUrlOptions {
  /** Accepts `http://` and any port when the host is 127.0.0.1 or localhost (local mode). */
  allowLoopbackHttp: boolean;
}

const SCHEME_AND_REST = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)(.*)$/s;
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
const HOST_AND_PORT = new RegExp(`^(${LABEL}(?:\\.${LABEL})*)(?::(\\d{1,5}))?$`);
// Path characters of RFC 3986 (unreserved, sub-delims, ":", "@", and percent-encodings).
const PATH = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]*)*$/;
const DEFAULT_PORT: Record<string, string> = { https: "443", http: "80" };
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost"]);
const INVALID_URL = "Invalid Open ID Connect Provider URL.";

/**
 * Checks an issuer URL as IAM does: `https://`, a host, an optional path, and no query string,
 * fragment, user name or port other than the scheme's default. The URL keeps its case, because
 * issuers are compared as exact strings.
 */
export function parseProviderUrl(url: string, options: ProviderUrlOptions): ProviderUrl {
  const parts = SCHEME_AND_REST.exec(url);
  if (!parts) throw new ServiceError("ValidationError", "Invalid Open ID Connect Provider URL");
  const scheme = parts[1]!;
  const authority = parts[2]!;
  const path = parts[3]!;

  const hostAndPort = HOST_AND_PORT.exec(authority);
  const host = hostAndPort?.[1];
  const port = hostAndPort?.[2];
  const loopback = options.allowLoopbackHttp && host !== undefined && LOOPBACK_HOSTS.has(host.toLowerCase());
  if (scheme !== "https" && !(scheme === "http" && loopback)) {
    throw new ServiceError("InvalidInput", `${INVALID_URL} The URL must begin with https://.`);
  }
  if (!hostAndPort) {
    throw new ServiceError("InvalidInput", `${INVALID_URL} The host must be a DNS name or an IPv4 address, without a user name.`);
  }
  if (port !== undefined && !(loopback ? isPortNumber(port) : port === DEFAULT_PORT[scheme])) {
    throw new ServiceError("InvalidInput", `${INVALID_URL} The URL must not contain a port.`);
  }
  if (path.includes("?") || path.includes("#")) {
    throw new ServiceError("InvalidInput", `${INVALID_URL} The URL must not contain a query string or a fragment.`);
  }
  if (!PATH.test(path)) {
    throw new ServiceError("InvalidInput", `${INVALID_URL} The path contains a character that URLs do not allow.`);
  }
  return { url, urlWithoutScheme: url.slice(scheme.length + "://".length) };
}

function isPortNumber(port: string): boolean {
  const value = Number(port);
  return value >= 1 && value <= 65535;
}

const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

/** Checks certificate thumbprints: hex SHA-1 fingerprints, at most five. The model checks their length. */
export function checkThumbprints(thumbprints: readonly string[] | undefined): string[] {
  const list = [...(thumbprints ?? [])];
  for (const thumbprint of list) {
    if (!THUMBPRINT.test(thumbprint)) {
      throw new ServiceError("InvalidInput", `Invalid thumbprint ${thumbprint}: it must be 40 hexadecimal characters, the SHA-1 fingerprint of a certificate.`);
    }
  }
  if (list.length > THUMBPRINTS_PER_OIDC_PROVIDER) {
    throw new ServiceError("InvalidInput", `Thumbprint list must contain at most ${THUMBPRINTS_PER_OIDC_PROVIDER} entries.`);
  }
  return list;
}
