import { describe, expect, it } from "vitest";
import { canonicalQuery } from "../../../shared/sigv4/canonical-query.js";
import { canonicalRequest } from "../../../shared/sigv4/canonical-request.js";
import { type HttpRequestView, parseSignature, type VerifyOptions, verifySignature } from "../../../shared/sigv4/index.js";
import { payloadHash } from "../../../shared/sigv4/payload-hash.js";
import { parseQuery } from "../../../shared/sigv4/query-params.js";
import { outcomeOf } from "./outcome.js";
import { withHeader, withQueryParam } from "./request-edits.js";
import { signedPartMutations } from "./signed-part-mutations.js";
import { loadVectors, type SignatureForm, type SigV4Vector, VECTORS_DIR, VECTORS_PRESENT } from "./sigv4-vectors.js";

const FORMS: SignatureForm[] = ["header", "query"];

const vectors = VECTORS_PRESENT ? loadVectors() : [];
const cases = vectors.flatMap((vector) => FORMS.map((form) => ({ vector, form, title: `${vector.name} (${form})` })));

if (!VECTORS_PRESENT) {
  console.warn(`SigV4 conformance skipped: the reference test data is not beside the repo (looked for ${VECTORS_DIR}).`);
}

function optionsFor(vector: SigV4Vector): VerifyOptions {
  return {
    now: new Date(vector.context.timestamp),
    secretAccessKey: vector.context.credentials.secret_access_key,
    services: [vector.context.service],
    normalizePath: vector.context.normalize,
  };
}

/** Returns whether a query-string token is part of the signed query; post-sts-header-after adds it after signing. */
function tokenSigned(vector: SigV4Vector, form: SignatureForm): boolean {
  return !(form === "query" && vector.context.omit_session_token === true);
}

describe.skipIf(!VECTORS_PRESENT)("SigV4 conformance with the AWS signing test suite", () => {
  it("loads 38 cases in two forms", () => {
    expect(vectors).toHaveLength(38);
    expect(cases).toHaveLength(76);
  });

  it.each(cases)("$title: verifies, and rejects signed-part changes", async ({ vector, form }) => {
    const signed = vector.forms[form];
    const options = optionsFor(vector);
    const parsed = parseSignature(signed.request);

    expect(parsed).toMatchObject({
      form,
      accessKeyId: vector.context.credentials.access_key_id,
      scopeDate: "20150830",
      region: vector.context.region,
      service: vector.context.service,
      signature: signed.signature,
      requestTime: new Date(vector.context.timestamp),
    });
    expect(parsed.sessionToken).toBe(vector.context.credentials.token);
    expect(parsed.expiresSeconds).toBe(form === "query" ? vector.context.expiration_in_seconds : undefined);
    expect(ourCanonicalRequest(signed.request, vector, form)).toBe(signed.canonicalRequest);
    await expect(verifySignature(signed.request, parsed, options)).resolves.toBeUndefined();

    const wrong: string[] = [];
    const mutations = signedPartMutations(signed.request, parsed, tokenSigned(vector, form));
    for (const mutation of mutations) {
      const outcome = await outcomeOf(mutation.request, options);
      if (outcome !== mutation.expected) wrong.push(`${mutation.label}: expected ${mutation.expected}, got ${outcome}`);
    }
    expect(wrong).toEqual([]);
    expect(mutations.length).toBeGreaterThanOrEqual(12);

    // Parts outside the signature may change: an extra header, and a token added after signing.
    const unsigned = [withHeader(signed.request, "x-unsigned-extra", "1")];
    const tokenUnsigned =
      form === "header" ? !parsed.signedHeaders.includes("x-amz-security-token") : !tokenSigned(vector, form);
    if (parsed.sessionToken !== undefined && tokenUnsigned) {
      unsigned.push(
        form === "header"
          ? withHeader(signed.request, "x-amz-security-token", `${parsed.sessionToken}x`)
          : withQueryParam(signed.request, "X-Amz-Security-Token", `${parsed.sessionToken}x`),
      );
    }
    for (const request of unsigned) expect(await outcomeOf(request, options)).toBe("accepted");
  });
});

function ourCanonicalRequest(request: HttpRequestView, vector: SigV4Vector, form: SignatureForm): string {
  const parsed = parseSignature(request);
  return canonicalRequest({
    method: request.method,
    path: request.path,
    normalizePath: vector.context.normalize,
    query: canonicalQuery(parseQuery(request.rawQuery), !tokenSigned(vector, form)),
    headers: request.headers,
    signedHeaders: parsed.signedHeaders,
    payloadHash: payloadHash(request),
  });
}
