import type samlifyModule from "samlify";
import { invalid } from "../oidc/token-shape.js";
import { checkSamlStructure } from "./structure.js";
import type { SamlExpectations, VerifiedAssertion } from "./verify-response.js";

const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

type Samlify = typeof samlifyModule;
let loaded: Promise<Samlify> | undefined;

/**
 * Loads samlify once, on the first SAML request, so that a cold start serving other actions
 * does not pay for it. samlify requires a schema validator. It gets checkSamlStructure, which
 * enforces the SAML schemas' element structure in about 0.2 ms, where libxml2's schema check
 * through xmllint-wasm takes 135 to 155 ms per response (both measured by
 * bench/assume-role-with-saml.ts). Every hostile response of the test corpus is rejected with it.
 */
function loadSamlify(): Promise<Samlify> {
  loaded ??= (async () => {
    const samlifyModule = await import("samlify");
    // samlify is CommonJS: Node's loader offers it as `default`, esbuild-based loaders as the namespace.
    const samlify = ((samlifyModule as { default?: Samlify }).default ?? samlifyModule) as Samlify;
    samlify.setSchemaValidator({
      validate: async (xml: string) => {
        checkSamlStructure(xml);
        return "valid";
      },
    });
    return samlify;
  })();
  return loaded;
}

export interface SamlifyProvider {
  /** The provider's metadata document as registered. */
  metadata: string;
  allowResponseOnlySigning?: boolean;
}

/**
 * Runs samlify's own verification of the same response (structure check, signature against
 * the metadata's certificates, issuer, conditions) and requires that it reads the same subject,
 * issuer and attributes as our checks did. A response passes only when both agree.
 */
export async function confirmWithSamlify(
  encoded: string,
  provider: SamlifyProvider,
  expect: SamlExpectations,
  ours: VerifiedAssertion,
): Promise<void> {
  const samlify = await loadSamlify();

  const encrypted = ours.decryptedWith !== undefined;
  // samlify decrypts only when the IdP entity is marked as encrypting its assertions.
  const idp = cached(`idp\n${encrypted}\n${provider.metadata}`, () =>
    samlify.IdentityProvider({ metadata: provider.metadata, isAssertionEncrypted: encrypted }),
  );
  const sp = cached(
    JSON.stringify(["sp", expect.audiences[0], ours.recipient, provider.allowResponseOnlySigning === true, expect.clockSkewSeconds, ours.decryptedWith]),
    () =>
      samlify.ServiceProvider({
        entityID: expect.audiences[0]!,
        ...(encrypted ? { isAssertionEncrypted: true, encPrivateKey: ours.decryptedWith } : {}),
        wantAssertionsSigned: !provider.allowResponseOnlySigning,
        assertionConsumerService: [{ Binding: POST, Location: ours.recipient }],
        clockDrifts: [-expect.clockSkewSeconds * 1000, expect.clockSkewSeconds * 1000],
      }),
  );

  let extract: Record<string, unknown>;
  try {
    ({ extract } = (await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: encoded } })) as { extract: Record<string, unknown> });
  } catch (error) {
    throw invalid(`The SAML response failed the second verification (${describeSamlifyError(error)}).`);
  }
  const nameId = extract.nameID;
  const issuer = extract.issuer;
  const issuers = Array.isArray(issuer) ? issuer : [issuer];
  if (nameId !== ours.nameId || !issuers.every((value) => value === ours.issuer)) {
    throw invalid("The two verifications of the SAML response read different subjects or issuers.");
  }
  const attributes = (extract.attributes ?? {}) as Record<string, string | string[]>;
  for (const [name, values] of ours.attributes) {
    const theirs = attributes[name];
    const list = theirs === undefined ? [] : Array.isArray(theirs) ? theirs : [theirs];
    if (list.length !== values.length || list.some((value, index) => value !== values[index])) {
      throw invalid("The two verifications of the SAML response read different attributes.");
    }
  }
}

/**
 * samlify's provider objects, built once per metadata document and settings because building
 * them parses the metadata, about 1.5 ms a call. At most MAX_ENTITIES are kept, oldest out first.
 */
const entities = new Map<string, unknown>();
const MAX_ENTITIES = 200;

function cached<T>(key: string, build: () => T): T {
  let entity = entities.get(key) as T | undefined;
  if (entity === undefined) {
    entity = build();
    if (entities.size >= MAX_ENTITIES) entities.delete(entities.keys().next().value!);
    entities.set(key, entity);
  }
  return entity;
}

/** Names samlify's failure by its error code, which carries no part of the document. */
function describeSamlifyError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z0-9_]+$/.test(message) ? message : "rejected";
}
