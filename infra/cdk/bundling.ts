import { build, type BuildOptions, type Metafile } from "esbuild";

/** The Lambda functions of the stack, by name, with their handler modules. */
export const FUNCTION_ENTRIES = {
  sts: "functions/sts/handler.ts",
  iam: "functions/iam/handler.ts",
  oidc: "functions/oidc/handler.ts",
  bootstrap: "functions/bootstrap/handler.ts",
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/**
 * esbuild options of every function bundle: ESM for Node.js 22, minified, with source maps in
 * separate files, and split so that code loaded on demand (the SAML verifier) becomes its own
 * chunk that a cold start does not read. The AWS SDK for JavaScript v3 is bundled too, although
 * the Lambda runtime provides one. A minified bundle loads in less than half the time of the
 * SDK's own files (bench/function-bundles.ts), and it pins the SDK version the tests ran with.
 * CommonJS dependencies (samlify, xml-crypto) call `require`, which an ESM bundle gets from
 * createRequire.
 */
export function bundleOptions(entry: string, outdir: string): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    outExtension: { ".js": ".mjs" },
    platform: "node",
    target: "node22",
    minify: true,
    sourcemap: "external",
    mainFields: ["module", "main"],
    banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  };
}

/** Builds one function's bundle into `outdir` and returns esbuild's record of the output files. */
export async function bundleFunction(entry: string, outdir: string): Promise<Metafile> {
  const result = await build(bundleOptions(entry, outdir));
  return result.metafile!;
}
