import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { HttpRequestView } from "../../../shared/sigv4/index.js";
import { parseHttpFixture } from "./http-fixture.js";

/** The AWS SigV4 test suite, kept beside the repository rather than in it. */
export const VECTORS_DIR = fileURLToPath(new URL("../../../../shared/testdata/sigv4/", import.meta.url));

export const VECTORS_PRESENT = existsSync(VECTORS_DIR);

export type SignatureForm = "header" | "query";

export interface VectorContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string };
  expiration_in_seconds: number;
  normalize: boolean;
  region: string;
  service: string;
  sign_body: boolean;
  timestamp: string;
  omit_session_token?: boolean;
}

export interface SignedVector {
  request: HttpRequestView;
  canonicalRequest: string;
  signature: string;
}

export interface SigV4Vector {
  name: string;
  context: VectorContext;
  forms: Record<SignatureForm, SignedVector>;
}

export function loadVectors(): SigV4Vector[] {
  return readdirSync(VECTORS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const read = (file: string) => readFileSync(`${VECTORS_DIR}${name}/${file}`);
      const form = (prefix: SignatureForm): SignedVector => ({
        request: parseHttpFixture(read(`${prefix}-signed-request.txt`)),
        canonicalRequest: read(`${prefix}-canonical-request.txt`).toString("utf8"),
        signature: read(`${prefix}-signature.txt`).toString("utf8").trim(),
      });
      return {
        name,
        context: JSON.parse(read("context.json").toString("utf8")) as VectorContext,
        forms: { header: form("header"), query: form("query") },
      };
    });
}
