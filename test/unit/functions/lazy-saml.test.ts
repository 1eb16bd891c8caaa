import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../support/local-host.js";

/** Lists the CommonJS modules a fresh process has loaded after running `script` as an ES module. */
function loadedModules(script: string): string[] {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", `${script}\nconst { createRequire } = await import("node:module");\nconsole.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`],
    { cwd: REPO_ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, encoding: "utf8" },
  );
  return JSON.parse(output.trim().split("\n").pop()!);
}

const XML_LIBRARIES = /node_modules\/(samlify|xml-crypto|@xmldom\/xmldom|xmllint-wasm)\//;

it("STS handler loads no XML code", () => {
  const modules = loadedModules('await import("./functions/sts/handler.ts");');
  // The handler loads CommonJS dependencies such as the AWS SDK, which shows the module cache is read.
  expect(modules.some((path) => path.includes("node_modules/"))).toBe(true);
  expect(modules.filter((path) => XML_LIBRARIES.test(path))).toEqual([]);
});

it("SAML module loads the XML code", () => {
  const modules = loadedModules('await import("./shared/federation/saml/index.ts");');
  expect(modules.some((path) => /node_modules\/xml-crypto\//.test(path))).toBe(true);
  expect(modules.some((path) => /node_modules\/@xmldom\/xmldom\//.test(path))).toBe(true);
});
