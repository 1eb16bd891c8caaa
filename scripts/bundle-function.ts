import { rmSync } from "node:fs";
import { join } from "node:path";
import { bundleFunction, FUNCTION_ENTRIES, type FunctionName } from "../infra/cdk/bundling.js";

/**
 * Rebuilds one function's bundle with code splitting into a NodejsFunction asset folder:
 * `node --import tsx scripts/bundle-function.ts <sts|iam|oidc|bootstrap> <folder>`. The CDK stack
 * calls it after NodejsFunction's own single-file build, which it replaces.
 */
const [name, outdir] = process.argv.slice(2);
if (!name || !outdir || !Object.hasOwn(FUNCTION_ENTRIES, name)) {
  console.error(`usage: bundle-function.ts <${Object.keys(FUNCTION_ENTRIES).join("|")}> <output folder>`);
  process.exit(2);
}
const root = join(import.meta.dirname, "..");
rmSync(join(outdir, "index.mjs"), { force: true });
rmSync(join(outdir, "index.mjs.map"), { force: true });
await bundleFunction(join(root, FUNCTION_ENTRIES[name as FunctionName]), outdir);
