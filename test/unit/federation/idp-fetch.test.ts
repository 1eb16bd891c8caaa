import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFromIdp, IdpFetchError, MAX_IDP_RESPONSE_BYTES, refusedAddress } from "../../../shared/federation/idp-fetch.js";

const STRICT = { allowLoopback: false };
const LOCAL = { allowLoopback: true };

/**
 * Addresses and whether they are rejected without and with allowLoopback. They go only to the
 * pure function, because nothing here may connect to any address but 127.0.0.1.
 */
const ADDRESSES: [address: string, rejectedStrict: boolean, rejectedLocal: boolean][] = [
  ["127.0.0.1", true, false],
  ["127.255.255.254", true, false],
  ["::1", true, false],
  ["::ffff:127.0.0.1", true, false],
  ["::ffff:7f00:1", true, false],
  // IPv4-compatible form (deprecated), which embeds an IPv4 address without the ffff marker.
  ["::7f00:1", true, true],
  ["::a00:1", true, true],
  ["10.0.0.1", true, true],
  ["10.255.255.255", true, true],
  ["172.16.0.1", true, true],
  ["172.31.255.255", true, true],
  ["192.168.0.1", true, true],
  ["192.168.255.255", true, true],
  ["169.254.169.254", true, true],
  ["169.254.0.1", true, true],
  ["100.64.0.1", true, true],
  ["100.127.255.255", true, true],
  ["0.0.0.0", true, true],
  ["0.1.2.3", true, true],
  ["192.0.0.170", true, true],
  ["198.18.0.1", true, true],
  ["224.0.0.1", true, true],
  ["255.255.255.255", true, true],
  ["::", true, true],
  ["fc00::1", true, true],
  ["fdff:ffff::1", true, true],
  // The IPv6 address of the EC2 instance metadata service.
  ["fd00:ec2::254", true, true],
  ["fe80::1", true, true],
  ["febf:ffff::1", true, true],
  ["ff02::1", true, true],
  ["::ffff:10.0.0.1", true, true],
  ["::ffff:a00:1", true, true],
  ["::FFFF:169.254.169.254", true, true],
  ["::ffff:a9fe:a9fe", true, true],
  ["64:ff9b::a9fe:a9fe", true, true],
  ["8.8.8.8", false, false],
  ["1.1.1.1", false, false],
  ["11.0.0.1", false, false],
  ["172.32.0.1", false, false],
  ["192.169.0.1", false, false],
  ["100.128.0.1", false, false],
  ["2001:4860:4860::8888", false, false],
  ["example.com", true, true],
  ["", true, true],
];

/** Host spellings that URL parsing turns into an IP address, and that address. */
const NORMALISED_HOSTS: [url: string, hostname: string][] = [
  ["https://2130706433/", "127.0.0.1"],
  ["https://0x7f000001/", "127.0.0.1"],
  ["https://017700000001/", "127.0.0.1"],
  ["https://127.1/", "127.0.0.1"],
  ["https://0xa9fea9fe/", "169.254.169.254"],
  ["https://169.254.43518/", "169.254.169.254"],
  ["https://0/", "0.0.0.0"],
  ["https://[::ffff:10.0.0.1]/", "[::ffff:a00:1]"],
  ["https://[0:0:0:0:0:0:0:1]/", "[::1]"],
];

describe("refusedAddress", () => {
  it.each(ADDRESSES)("classifies %j", (address, rejectedStrict, rejectedLocal) => {
    expect(refusedAddress(address, STRICT) !== undefined).toBe(rejectedStrict);
    expect(refusedAddress(address, LOCAL) !== undefined).toBe(rejectedLocal);
  });

  it.each(NORMALISED_HOSTS)("rejects numeric host %s", (url, hostname) => {
    const parsed = new URL(url).hostname;
    expect(parsed).toBe(hostname);
    expect(refusedAddress(parsed.replace(/^\[|\]$/g, ""), STRICT)).toBeDefined();
  });

  it("names the reason", () => {
    expect(refusedAddress("127.0.0.1", STRICT)).toContain("loopback");
    expect(refusedAddress("169.254.169.254", LOCAL)).toContain("link-local");
    expect(refusedAddress("example.com", STRICT)).toContain("not an IP address");
  });
});

const DOCUMENT = { issuer: "http://127.0.0.1", keys: [{ kty: "RSA", kid: "k\u00e9y-1", n: "AQAB", e: "AQAB" }], note: "\u2713 intact" };

describe("fetchFromIdp against a loopback server", () => {
  let server: Server;
  let base: string;
  let port: number;
  let connections = 0;
  /** Paths of the requests served, in order. */
  const served: string[] = [];
  const headersSeen: IncomingHttpHeaders[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? "/";
      served.push(path);
      headersSeen.push(request.headers);
      // Closing each connection makes every request open a new one, so that connections count attempts.
      response.setHeader("connection", "close");
      switch (path) {
        case "/document":
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(DOCUMENT));
          return;
        case "/redirect":
          response.writeHead(302, { location: "/document" }).end();
          return;
        case "/at-limit":
          response.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.alloc(MAX_IDP_RESPONSE_BYTES, "a"));
          return;
        case "/over-limit":
          response.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.alloc(MAX_IDP_RESPONSE_BYTES + 1, "a"));
          return;
        case "/stalled-body":
          response.writeHead(200, { "content-type": "application/json" });
          response.write('{"keys": [');
          return;
        case "/silent":
          return;
        case "/missing":
          response.writeHead(404).end();
          return;
        case "/unavailable":
          response.writeHead(503).end();
          return;
        default:
          response.writeHead(500).end();
      }
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  /** Runs `attempt`, which must fail, then one allowed request. Returns the error and the contacts the attempt made. */
  async function rejectedWithoutContact(attempt: () => Promise<unknown>): Promise<{ error: unknown; connections: number; served: string[] }> {
    const connectionsBefore = connections;
    const servedBefore = served.length;
    const error = await attempt().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    // The allowed request is served only after any connection the attempt opened has arrived.
    await fetchFromIdp(`${base}/document`, {}, { ...LOCAL, timeoutMs: 5000 });
    return { error, connections: connections - connectionsBefore - 1, served: served.slice(servedBefore, -1) };
  }

  it("returns a JSON document intact", async () => {
    const response = await fetchFromIdp(`${base}/document`, { headers: { accept: "application/json" } }, { ...LOCAL, timeoutMs: 5000 });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual(DOCUMENT);
    expect(headersSeen.at(-1)?.accept).toBe("application/json");
    expect(headersSeen.at(-1)?.["accept-encoding"]).toBe("identity");
  });

  it.each([
    ["literal loopback", () => `https://127.0.0.1:${port}/document`],
    ["IPv6 loopback", () => `https://[::1]:${port}/document`],
    ["numeric loopback host", () => `https://2130706433:${port}/document`],
    ["localhost by name", () => `https://localhost:${port}/document`],
  ])("rejects %s without allowLoopback", async (_, url) => {
    const outcome = await rejectedWithoutContact(() => fetchFromIdp(url(), {}, { ...STRICT, timeoutMs: 5000 }));

    expect(outcome.error).toBeInstanceOf(IdpFetchError);
    expect((outcome.error as IdpFetchError).message).toMatch(/loopback/);
    expect((outcome.error as IdpFetchError).transient).toBe(false);
    expect(outcome.connections).toBe(0);
    expect(outcome.served).toEqual([]);
  });

  it("rejects http without allowLoopback", async () => {
    const outcome = await rejectedWithoutContact(() => fetchFromIdp(`${base}/document`, {}, { ...STRICT, timeoutMs: 5000 }));

    expect(outcome.error).toBeInstanceOf(IdpFetchError);
    expect((outcome.error as IdpFetchError).message).toContain("not an https URL");
    expect(outcome.connections).toBe(0);
    expect(outcome.served).toEqual([]);
  });

  it("rejects user info in URL", async () => {
    const outcome = await rejectedWithoutContact(() =>
      fetchFromIdp(`http://admin:hunter2@127.0.0.1:${port}/document`, {}, { ...LOCAL, timeoutMs: 5000 }),
    );

    expect(outcome.error).toBeInstanceOf(IdpFetchError);
    expect((outcome.error as IdpFetchError).message).not.toContain("hunter2");
    expect(outcome.connections).toBe(0);
    expect(outcome.served).toEqual([]);
  });

  it("does not follow a redirect", async () => {
    const servedBefore = served.length;
    const error = await fetchFromIdp(`${base}/redirect`, {}, { ...LOCAL, timeoutMs: 5000 }).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IdpFetchError);
    expect((error as IdpFetchError).message).toContain("redirect (302)");
    expect((error as IdpFetchError).transient).toBe(false);
    expect(served.slice(servedBefore)).toEqual(["/redirect"]);
  });

  it("accepts body at 512 KiB", async () => {
    const response = await fetchFromIdp(`${base}/at-limit`, {}, { ...LOCAL, timeoutMs: 5000 });

    expect((await response.arrayBuffer()).byteLength).toBe(MAX_IDP_RESPONSE_BYTES);
  });

  it("rejects body over 512 KiB", async () => {
    const error = await fetchFromIdp(`${base}/over-limit`, {}, { ...LOCAL, timeoutMs: 5000 }).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IdpFetchError);
    expect((error as IdpFetchError).message).toContain(`more than ${MAX_IDP_RESPONSE_BYTES} bytes`);
    expect((error as IdpFetchError).transient).toBe(false);
  });

  it.each([
    ["silent server", "/silent"],
    ["stalled body", "/stalled-body"],
  ])("times out a %s", async (_, path) => {
    const error = await fetchFromIdp(`${base}${path}`, {}, { ...LOCAL, timeoutMs: 200 }).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IdpFetchError);
    expect((error as IdpFetchError).message).toContain("timed out");
    expect((error as IdpFetchError).transient).toBe(true);
  });

  it.each([
    ["/missing", 404, false],
    ["/unavailable", 503, true],
  ])("rejects status of %s", async (path, status, transient) => {
    const error = await fetchFromIdp(`${base}${path}`, {}, { ...LOCAL, timeoutMs: 5000 }).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(IdpFetchError);
    expect((error as IdpFetchError).message).toContain(`status ${status}`);
    expect((error as IdpFetchError).transient).toBe(transient);
  });
});
