import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type samlifyModule from "samlify";
import { invalid } from "../oidc/token-shape.js";
import type { SamlExpectations, VerifiedAssertion } from "./verify-response.js";

const POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";

/** The SAML schemas that samlify's xmllint-wasm validator package ships, root schema first. */
const SCHEMA_FILES = [
  "saml-schema-protocol-2.0.xsd",
  "datatypes.dtd",
  "saml-schema-assertion-2.0.xsd",
  "xmldsig-core-schema.xsd",
  "XMLSchema.dtd",
  "xenc-schema.xsd",
];

type Samlify = typeof samlifyModule;
let loaded: Promise<Samlify> | undefined;

/**
 * Loads samlify with an offline schema validator once, on the first SAML request, so that a
 * cold start serving other actions does not pay for it. The validator runs libxml2's schema
 * check (xmllint-wasm) against the SAML 2.0 schemas and reports no details, because their text
 * would only echo the document.
 */
function loadSamlify(): Promise<Samlify> {
  loaded ??= (async () => {
    const [samlifyModule, { validateXML }] = await Promise.all([import("samlify"), import("xmllint-wasm")]);
    // samlify is CommonJS: Node's loader offers it as `default`, esbuild-based loaders as the namespace.
    const samlify = ((samlifyModule as { default?: Samlify }).default ?? samlifyModule) as Samlify;
    const require = createRequire(import.meta.url);
    const folder = join(dirname(require.resolve("@authenio/samlify-xmllint-wasm/package.json")), "build", "schemas");
    const [schema, ...preload] = SCHEMA_FILES.map((fileName) => ({ fileName, contents: readFileSync(join(folder, fileName), "utf8") }));
    samlify.setSchemaValidator({
      validate: async (xml: string) => {
        const result = await validateXML({ xml: [{ fileName: "response.xml", contents: xml }], extension: "schema", schema: [schema!.contents], preload });
        if (!result.valid) throw new Error("ERR_SCHEMA_VALIDATION");
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
 * Runs samlify's own verification of the same response (schema, signature against the
 * metadata's certificates, issuer, conditions) and requires that it reads the same subject,
 * issuer and attributes as our checks did. A response passes only when both agree.
 */
export async function confirmWithSamlify(
  encoded: string,
  provider: SamlifyProvider,
  expect: SamlExpectations,
  ours: VerifiedAssertion,
): Promise<void> {
  const samlify = await loadSamlify();
  // samlify decrypts only when the IdP entity is marked as encrypting its assertions.
  const idp = samlify.IdentityProvider({ metadata: provider.metadata, isAssertionEncrypted: ours.decryptedWith !== undefined });
  const sp = samlify.ServiceProvider({
    entityID: expect.audiences[0]!,
    ...(ours.decryptedWith === undefined ? {} : { isAssertionEncrypted: true, encPrivateKey: ours.decryptedWith }),
    wantAssertionsSigned: !provider.allowResponseOnlySigning,
    assertionConsumerService: [{ Binding: POST, Location: ours.recipient }],
    clockDrifts: [-expect.clockSkewSeconds * 1000, expect.clockSkewSeconds * 1000],
  });
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

/** Names samlify's failure by its error code, which carries no part of the document. */
function describeSamlifyError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return /^[A-Z0-9_]+$/.test(message) ? message : "rejected";
}
