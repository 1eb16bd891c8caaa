import { createPublicKey, randomBytes, webcrypto } from "node:crypto";
import { CompactEncrypt, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readServiceConfig } from "../../../shared/config/service-config.js";
import { IdpFetchError } from "../../../shared/federation/idp-fetch.js";
import { newSigningKey, type SigningKey, signToken, startWebIdentityHarness, type WebIdentityHarness } from "../../support/web-identity.js";

/**
 * A corpus of hostile web identity tokens, each sent through AssumeRoleWithWebIdentity with
 * the clock fixed at NOW. Valid tokens are part of the table so that a verifier that rejects
 * everything fails it.
 */

const NOW = new Date("2026-05-01T12:00:00Z");
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const SKEW_SECONDS = 60;

const ACCOUNT_ID = "111122223333";
const ISSUER = "https://idp.example.com";
/** A provider whose key set contains exactly one key. */
const SINGLE_KEY_ISSUER = "https://single.example.com";
/** A registered provider whose key set cannot be retrieved as configured (no retry helps). */
const UNRETRIEVABLE_ISSUER = "https://broken.example.com";
/** A registered provider whose key set fetch times out (a retry may help). */
const TIMED_OUT_ISSUER = "https://slow.example.com";
const CLIENT_ID = "sts.amazonaws.com";
const SECOND_CLIENT_ID = "second-client";
const OTHER_AUDIENCE = "someone-else";
const SUBJECT = "repo:octo-org/app:ref:refs/heads/main";

const TARGET_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/web-target`;
/** A role whose trust policy accepts only the subject `someone-specific`. */
const RESTRICTED_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/web-restricted`;

/** Issuers that differ from ISSUER only in ways a lax comparison would ignore. */
const ISSUER_VARIANTS = {
  trailingSlash: "https://idp.example.com/",
  upperCaseHost: "https://IDP.EXAMPLE.COM",
  defaultPort: "https://idp.example.com:443",
  emptyFragment: "https://idp.example.com#",
  // The first letter is CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456).
  homoglyph: "https://\u0456dp.example.com",
  upperCaseScheme: "HTTPS://idp.example.com",
  plainHttp: "http://idp.example.com",
} as const;

const STATUS_OF_CODE = {
  InvalidIdentityToken: 400,
  ExpiredTokenException: 400,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  AccessDenied: 403,
  ValidationError: 400,
} as const;

type ErrorCode = keyof typeof STATUS_OF_CODE;

interface Fixture {
  /** RS256, published by ISSUER. */
  main: SigningKey;
  /** A second RS256 key published by ISSUER, so that a token without kid matches two keys. */
  second: SigningKey;
  /** ES256, published by ISSUER. */
  ec: SigningKey;
  /** RS256, the only key of SINGLE_KEY_ISSUER. */
  single: SigningKey;
  /** Keys published nowhere. */
  attacker: SigningKey;
  attackerEc: SigningKey;
}

interface HostileCase {
  name: string;
  token(fixture: Fixture): Promise<string>;
  /** The error code, or `accepted` for a token that must buy a session. */
  expected: ErrorCode | "accepted";
  /** The subject reported for an accepted token. SUBJECT unless set. */
  subject?: string;
  /** The rejection must happen before any key set is requested. */
  beforeKeyLookup?: boolean;
  /** Request parameters added to or replacing the defaults. */
  params?: Record<string, string>;
}

/** Builds the claims of a valid token with `changes` applied. A value of undefined removes the claim. */
function claims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { iss: ISSUER, sub: SUBJECT, aud: CLIENT_ID, iat: NOW_SECONDS, exp: NOW_SECONDS + 600, ...changes };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function encodeText(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** Builds the default header of `key` (its algorithm, its kid and typ JWT) with `changes` applied. */
function headerOf(key: SigningKey, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const merged: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: "JWT", ...changes };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  return merged;
}

/**
 * Signs any header and claims with the key's own algorithm, through WebCrypto. jose rejects some
 * of these headers when signing (unknown crit, b64), which is why it is not used here.
 */
async function signRaw(key: SigningKey, header: Record<string, unknown>, body: Record<string, unknown> | string): Promise<string> {
  const encodedBody = typeof body === "string" ? encodeText(body) : encodeJson(body);
  return signEncoded(key, `${encodeJson(header)}.${encodedBody}`);
}

async function signEncoded(key: SigningKey, signingInput: string): Promise<string> {
  const algorithm = key.alg.startsWith("ES") ? { name: "ECDSA", hash: `SHA-${key.alg.slice(2)}` } : { name: "RSASSA-PKCS1-v1_5" };
  const signature = await webcrypto.subtle.sign(algorithm, key.privateKey as webcrypto.CryptoKey, Buffer.from(signingInput));
  return `${signingInput}.${Buffer.from(signature).toString("base64url")}`;
}

/** Replaces the header of a signed token and keeps its signature. */
function withHeader(token: string, header: Record<string, unknown>): string {
  const [, body, signature] = token.split(".");
  return `${encodeJson(header)}.${body}.${signature}`;
}

/** Signs claims with HMAC-SHA256, using bytes of the provider's public key as the secret. */
function signHs256(secret: Uint8Array, kid: string): Promise<string> {
  return new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid, typ: "JWT" }).sign(secret);
}

/** Signs a valid token whose `pad` claim makes it `length` characters long or slightly longer. */
async function paddedToken(key: SigningKey, length: number): Promise<string> {
  const unpadded = await signToken(key, claims({ pad: "" }));
  // Every 3 bytes of claims become 4 base64url characters.
  const padBytes = Math.ceil(((length - unpadded.length) * 3) / 4);
  const token = await signToken(key, claims({ pad: "p".repeat(padBytes) }));
  if (token.length < length) throw new Error(`the padded token has ${token.length} characters, fewer than ${length}`);
  return token;
}

/** Returns the JSON text of `depth` nested empty arrays. */
function nestedArrays(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

/** Returns claims text whose `nested` claim adds `depth` levels to the claims object's own. */
function claimsWithNesting(depth: number): string {
  const text = JSON.stringify(claims({ nested: 0 }));
  return text.replace('"nested":0', `"nested":${nestedArrays(depth)}`);
}

const CASES: HostileCase[] = [
  // Valid tokens: without them a service that rejects every token would pass.
  { name: "valid RS256 token", expected: "accepted", token: ({ main }) => signToken(main, claims()) },
  { name: "valid ES256 token", expected: "accepted", token: ({ ec }) => signToken(ec, claims()) },
  { name: "valid token of second key", expected: "accepted", token: ({ second }) => signToken(second, claims()) },
  {
    name: "valid second client id",
    expected: "accepted",
    token: ({ main }) => signToken(main, claims({ aud: SECOND_CLIENT_ID })),
  },

  // Unsigned tokens.
  ...["none", "None", "NONE", "nOnE"].map(
    (alg): HostileCase => ({
      name: `alg ${alg} with original signature`,
      expected: "InvalidIdentityToken",
      beforeKeyLookup: true,
      token: async ({ main }) => withHeader(await signToken(main, claims()), { alg, typ: "JWT" }),
    }),
  ),
  {
    name: "alg none with empty signature",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async () => `${encodeJson({ alg: "none", typ: "JWT" })}.${encodeJson(claims())}.`,
  },
  {
    name: "RS256 with empty signature",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => `${(await signToken(main, claims())).split(".").slice(0, 2).join(".")}.`,
  },
  {
    name: "header without alg",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => withHeader(await signToken(main, claims()), { kid: main.kid, typ: "JWT" }),
  },

  // Algorithm confusion: HMAC keyed with the provider's published public key.
  {
    name: "HS256 keyed with PEM",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signHs256(Buffer.from(createPublicKey({ key: main.publicJwk, format: "jwk" }).export({ type: "spki", format: "pem" })), main.kid),
  },
  {
    name: "HS256 keyed with JWK JSON",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signHs256(Buffer.from(JSON.stringify(main.publicJwk)), main.kid),
  },
  {
    name: "HS256 keyed with DER",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signHs256(createPublicKey({ key: main.publicJwk, format: "jwk" }).export({ type: "spki", format: "der" }), main.kid),
  },
  {
    name: "PS256 is not allowed",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => withHeader(await signToken(main, claims()), headerOf(main, { alg: "PS256" })),
  },

  // Bad signatures, as in the OpenID Foundation RP tests rp-id_token-bad-sig-rs256 and -es256.
  {
    name: "RS256 by unpublished key",
    expected: "InvalidIdentityToken",
    token: ({ attacker }) => signToken(attacker, claims()),
  },
  {
    name: "RS256 forged under our kid",
    expected: "InvalidIdentityToken",
    token: ({ attacker, main }) => signToken(attacker, claims(), { kid: main.kid }),
  },
  {
    name: "ES256 forged under our kid",
    expected: "InvalidIdentityToken",
    token: ({ attackerEc, ec }) => signToken(attackerEc, claims(), { kid: ec.kid }),
  },
  {
    name: "tampered claims, original signature",
    expected: "InvalidIdentityToken",
    token: async ({ main }) => {
      const [header, , signature] = (await signToken(main, claims())).split(".");
      return `${header}.${encodeJson(claims({ sub: "repo:octo-org/admin:ref:refs/heads/main" }))}.${signature}`;
    },
  },

  // kid injection. kid is only a lookup key, so each of these finds no key.
  {
    name: "kid path traversal",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims(), { kid: "../../dev/null" }),
  },
  {
    name: "kid SQL fragment",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims(), { kid: "' OR 1=1 --" }),
  },
  {
    name: "kid of 10 kB",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signToken(main, claims(), { kid: "k".repeat(10_240) }),
  },
  {
    name: "kid in unicode",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims(), { kid: "\u043a\u043b\u044e\u0447-\u{1f511}-\u202e" }),
  },
  {
    name: "kid of the EC key",
    expected: "InvalidIdentityToken",
    token: ({ main, ec }) => signToken(main, claims(), { kid: ec.kid }),
  },
  {
    name: "empty kid",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { kid: "" }), claims()),
  },
  {
    name: "numeric kid",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { kid: 7 }), claims()),
  },

  // Headers that carry or point at a key.
  {
    name: "jku to attacker key set",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ attacker }) => signToken(attacker, claims(), { jku: "https://attacker.example/jwks.json" }),
  },
  {
    name: "x5u to attacker certificate",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ attacker }) => signToken(attacker, claims(), { x5u: "https://attacker.example/cert.pem" }),
  },
  {
    name: "embedded jwk that signed it",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ attacker }) => signRaw(attacker, headerOf(attacker, { jwk: attacker.publicJwk }), claims()),
  },
  {
    name: "embedded x5c chain",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ attacker }) => signRaw(attacker, headerOf(attacker, { x5c: [randomBytes(600).toString("base64")] }), claims()),
  },

  // Audience and authorized party.
  {
    name: "aud missing",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: undefined })),
  },
  {
    name: "aud of another client",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: OTHER_AUDIENCE })),
  },
  {
    name: "aud empty list",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: [] })),
  },
  {
    name: "aud list without azp",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: [CLIENT_ID, OTHER_AUDIENCE] })),
  },
  {
    name: "aud list, azp another client",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: [CLIENT_ID, OTHER_AUDIENCE], azp: OTHER_AUDIENCE })),
  },
  {
    // azp is a client id of the provider, but the token was not issued to it.
    name: "azp not among aud",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ aud: [CLIENT_ID, OTHER_AUDIENCE], azp: SECOND_CLIENT_ID })),
  },
  {
    name: "aud list with our azp",
    expected: "accepted",
    token: ({ main }) => signToken(main, claims({ aud: [CLIENT_ID, OTHER_AUDIENCE], azp: CLIENT_ID })),
  },

  // Issuer spellings a lax comparison would equate with ISSUER. Their key sets are published,
  // so only the exact issuer match keeps them from buying a session.
  ...Object.entries(ISSUER_VARIANTS).map(
    ([variant, iss]): HostileCase => ({
      name: `iss variant ${variant}`,
      expected: "InvalidIdentityToken",
      beforeKeyLookup: true,
      token: ({ main }) => signToken(main, claims({ iss })),
    }),
  ),
  {
    name: "iss missing",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signToken(main, claims({ iss: undefined })),
  },

  // Time claims, with a clock skew of SKEW_SECONDS.
  {
    name: "exp before skew",
    expected: "ExpiredTokenException",
    token: ({ main }) => signToken(main, claims({ iat: NOW_SECONDS - 3600, exp: NOW_SECONDS - SKEW_SECONDS - 1 })),
  },
  {
    // The token is valid while now < exp + skew.
    name: "exp at skew boundary",
    expected: "ExpiredTokenException",
    token: ({ main }) => signToken(main, claims({ iat: NOW_SECONDS - 3600, exp: NOW_SECONDS - SKEW_SECONDS })),
  },
  {
    name: "exp one second inside skew",
    expected: "accepted",
    token: ({ main }) => signToken(main, claims({ iat: NOW_SECONDS - 3600, exp: NOW_SECONDS - SKEW_SECONDS + 1 })),
  },
  {
    name: "nbf beyond skew",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ nbf: NOW_SECONDS + SKEW_SECONDS + 1 })),
  },
  {
    name: "nbf at skew boundary",
    expected: "accepted",
    token: ({ main }) => signToken(main, claims({ nbf: NOW_SECONDS + SKEW_SECONDS })),
  },
  {
    name: "iat in future",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ iat: NOW_SECONDS + SKEW_SECONDS + 1 })),
  },
  {
    name: "iat at skew boundary",
    expected: "accepted",
    token: ({ main }) => signToken(main, claims({ iat: NOW_SECONDS + SKEW_SECONDS })),
  },
  {
    name: "exp missing",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ exp: undefined })),
  },
  {
    name: "exp as string",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ exp: String(NOW_SECONDS + 600) })),
  },
  {
    name: "exp of 1e20",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ exp: 1e20 })),
  },
  {
    name: "exp with fraction",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ exp: NOW_SECONDS + 600.5 })),
  },
  {
    name: "iat missing",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ iat: undefined })),
  },

  // Subject, including the OpenID Foundation RP test rp-id_token-sub.
  {
    name: "sub missing",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ sub: undefined })),
  },
  {
    name: "sub empty",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ sub: "" })),
  },
  {
    name: "sub of 256 characters",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ sub: "s".repeat(256) })),
  },
  {
    name: "sub of 255 characters",
    expected: "accepted",
    subject: "s".repeat(255),
    token: ({ main }) => signToken(main, claims({ sub: "s".repeat(255) })),
  },
  {
    name: "sub with markup",
    expected: "accepted",
    subject: "<Subject>&amp;</Subject>]]>",
    token: ({ main }) => signToken(main, claims({ sub: "<Subject>&amp;</Subject>]]>" })),
  },
  {
    // An XML parser turns a literal CR or CRLF into LF, so CR must be sent as a reference.
    name: "sub with CR and LF",
    expected: "accepted",
    subject: "line1\r\nline2\rline3\n",
    token: ({ main }) => signToken(main, claims({ sub: "line1\r\nline2\rline3\n" })),
  },
  {
    // XML 1.0 cannot carry U+0001 even as a character reference, so it cannot be reported.
    name: "sub with control character",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ sub: "user\u0001name" })),
  },

  // Size and nesting.
  {
    name: "token over 20000 characters",
    expected: "ValidationError",
    beforeKeyLookup: true,
    token: ({ main }) => paddedToken(main, 20_001),
  },
  {
    name: "valid token of 19000 characters",
    expected: "accepted",
    token: ({ main }) => paddedToken(main, 19_000),
  },
  {
    name: "19999 characters, 5000 nested arrays",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => {
      const signingInput = `${encodeJson(headerOf(main))}.${encodeText(claimsWithNesting(5000))}`;
      return `${signingInput}.${"A".repeat(19_999 - signingInput.length - 1)}`;
    },
  },
  {
    // The claims object is one level, so the nested claim brings it to 33.
    name: "claims nested 33 deep",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main), claimsWithNesting(32)),
  },
  {
    name: "claims nested 32 deep",
    expected: "accepted",
    token: ({ main }) => signRaw(main, headerOf(main), claimsWithNesting(31)),
  },
  {
    name: "header nested 33 deep",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { x: JSON.parse(nestedArrays(32)) }), claims()),
  },

  // Encrypted and nested tokens.
  {
    name: "five-part JWE",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async () => {
      const { publicKey } = await generateKeyPair("RSA-OAEP-256");
      return new CompactEncrypt(Buffer.from(JSON.stringify(claims()))).setProtectedHeader({ alg: "RSA-OAEP-256", enc: "A256GCM" }).encrypt(publicKey);
    },
  },
  {
    name: "PBES2 JWE, p2c 2^31",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async () => {
      const header = { alg: "PBES2-HS256+A128KW", enc: "A128GCM", p2c: 2 ** 31, p2s: randomBytes(16).toString("base64url") };
      const parts = [24, 12, 64, 16].map((size) => randomBytes(size).toString("base64url"));
      return [encodeJson(header), ...parts].join(".");
    },
  },
  {
    name: "cty JWT",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signToken(main, claims(), { cty: "JWT" }),
  },
  {
    name: "cty jwt lower case",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signToken(main, claims(), { cty: "jwt" }),
  },
  {
    name: "zip DEF",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { zip: "DEF" }), claims()),
  },
  {
    name: "enc in JWS header",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { enc: "A256GCM" }), claims()),
  },

  // Critical header parameters.
  {
    name: "crit foo, foo present",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { crit: ["foo"], foo: "bar" }), claims()),
  },
  {
    name: "crit empty list",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { crit: [] }), claims()),
  },
  {
    name: "crit alg",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { crit: ["alg"] }), claims()),
  },
  {
    name: "b64 false, crit b64",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { b64: false, crit: ["b64"] }), claims()),
  },
  {
    name: "b64 false without crit",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main, { b64: false }), claims()),
  },

  // OpenID Foundation RP tests rp-id_token-kid-absent-single-jwks and -multiple-jwks.
  {
    name: "kid absent, single-key set",
    expected: "accepted",
    token: ({ single }) => signRaw(single, headerOf(single, { kid: undefined }), claims({ iss: SINGLE_KEY_ISSUER })),
  },
  {
    name: "kid absent, two RSA keys",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signRaw(main, headerOf(main, { kid: undefined }), claims()),
  },

  // Malformed compact serialisations.
  {
    name: "two parts",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => (await signToken(main, claims())).split(".").slice(0, 2).join("."),
  },
  {
    name: "four parts",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => `${await signToken(main, claims())}.AAAA`,
  },
  {
    name: "padded base64",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: async ({ main }) => `${await signToken(main, claims())}==`,
  },
  {
    name: "claims not an object",
    expected: "InvalidIdentityToken",
    beforeKeyLookup: true,
    token: ({ main }) => signRaw(main, headerOf(main), '["not", "an", "object"]'),
  },

  // Valid tokens that must still be turned away for other reasons.
  {
    name: "ProviderId with OIDC token",
    expected: "IDPRejectedClaim",
    params: { ProviderId: "graph.facebook.com" },
    token: ({ main }) => signToken(main, claims()),
  },
  {
    name: "trust policy rejects subject",
    expected: "AccessDenied",
    params: { RoleArn: RESTRICTED_ROLE },
    token: ({ main }) => signToken(main, claims()),
  },
  {
    name: "role does not exist",
    expected: "AccessDenied",
    params: { RoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/no-such-role` },
    token: ({ main }) => signToken(main, claims()),
  },
  {
    name: "key set not retrievable",
    expected: "InvalidIdentityToken",
    token: ({ main }) => signToken(main, claims({ iss: UNRETRIEVABLE_ISSUER })),
  },
  {
    name: "key set fetch timed out",
    expected: "IDPCommunicationError",
    token: ({ main }) => signToken(main, claims({ iss: TIMED_OUT_ISSUER })),
  },
];

/** Characters that XML 1.0 allows in a document. */
const XML_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Reads an element's text as an XML 1.0 parser reports it: line ends are first normalised to
 * LF, then entity and character references are replaced.
 */
function xmlElementText(body: string, name: string): string | undefined {
  const content = new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
  if (content === undefined) return undefined;
  return content.replace(/\r\n?/g, "\n").replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, reference: string) => {
    if (reference.startsWith("#x")) return String.fromCodePoint(Number.parseInt(reference.slice(2), 16));
    if (reference.startsWith("#")) return String.fromCodePoint(Number.parseInt(reference.slice(1), 10));
    return ENTITIES[reference] ?? `&${reference};`;
  });
}

function trustPolicy(providerArns: string[], conditions: Record<string, Record<string, string>> = {}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Federated: providerArns }, Action: "sts:AssumeRoleWithWebIdentity", Condition: conditions }],
  });
}

describe("AssumeRoleWithWebIdentity with hostile tokens", () => {
  let harness: WebIdentityHarness;
  let fixture: Fixture;

  beforeAll(async () => {
    harness = await startWebIdentityHarness(NOW, {
      oidc: { ...readServiceConfig({}).oidc, clockSkewSeconds: SKEW_SECONDS },
    });
    fixture = {
      main: await newSigningKey("RS256"),
      second: await newSigningKey("RS256"),
      ec: await newSigningKey("ES256"),
      single: await newSigningKey("RS256"),
      attacker: await newSigningKey("RS256"),
      attackerEc: await newSigningKey("ES256"),
    };
    const mainKeys = { keys: [fixture.main.publicJwk, fixture.second.publicJwk, fixture.ec.publicJwk] };
    harness.keys.publish(ISSUER, mainKeys);
    for (const variant of Object.values(ISSUER_VARIANTS)) harness.keys.publish(variant, mainKeys);
    harness.keys.publish(SINGLE_KEY_ISSUER, { keys: [fixture.single.publicJwk] });
    // StaticKeySource reports an issuer without keys as a permanent failure; this one times out.
    const findKeys = harness.keys.keysOf.bind(harness.keys);
    harness.keys.keysOf = async (issuer) => {
      if (issuer === TIMED_OUT_ISSUER) throw new IdpFetchError(`${issuer}/jwks timed out`, true);
      return findKeys(issuer);
    };

    const store = harness.service.store;
    await store.ensureAccount(ACCOUNT_ID, NOW);
    const providerArns: string[] = [];
    for (const [url, clientIds] of [
      [ISSUER, [CLIENT_ID, SECOND_CLIENT_ID]],
      [SINGLE_KEY_ISSUER, [CLIENT_ID]],
      [UNRETRIEVABLE_ISSUER, [CLIENT_ID]],
      [TIMED_OUT_ISSUER, [CLIENT_ID]],
    ] as const) {
      const provider = await (await store.oidcProviders()).createOidcProvider(
        ACCOUNT_ID,
        { url, urlWithoutScheme: url.slice("https://".length), clientIds: [...clientIds], thumbprints: [], tags: [] },
        NOW,
      );
      providerArns.push(provider.arn);
    }
    const role = { path: "/", trustPrincipalIds: {}, maxSessionDuration: 3600, tags: [] };
    await store.createRole(ACCOUNT_ID, { ...role, roleName: "web-target", trustPolicy: trustPolicy(providerArns) }, NOW);
    await store.createRole(
      ACCOUNT_ID,
      {
        ...role,
        roleName: "web-restricted",
        trustPolicy: trustPolicy(providerArns, { StringEquals: { "idp.example.com:sub": "someone-specific" } }),
      },
      NOW,
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("contains at least 45 hostile tokens", () => {
    expect(CASES.filter((entry) => entry.expected !== "accepted").length).toBeGreaterThanOrEqual(45);
    expect(new Set(CASES.map((entry) => entry.name)).size).toBe(CASES.length);
  });

  for (const entry of CASES) {
    it(entry.name, async () => {
      const token = await entry.token(fixture);
      const keyLookupsBefore = harness.keys.requested.length;
      const response = await harness.assume(
        { RoleArn: TARGET_ROLE, RoleSessionName: "hostile", WebIdentityToken: token, ...entry.params },
        NOW,
      );

      expect(response.body).not.toContain(token);
      expect(response.body).toMatch(XML_CHARACTERS);
      if (entry.expected === "accepted") {
        expect(response.code).toBeUndefined();
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain("<AccessKeyId>ASIA");
        expect(xmlElementText(response.body, "SubjectFromWebIdentityToken")).toBe(entry.subject ?? SUBJECT);
      } else {
        expect(response.code).toBe(entry.expected);
        expect(response.statusCode).toBe(STATUS_OF_CODE[entry.expected]);
        expect(response.body).not.toContain("<AccessKeyId>");
      }
      if (entry.beforeKeyLookup) expect(harness.keys.requested.length).toBe(keyLookupsBefore);
    });
  }
});
