/**
 * The first AssumeRoleWithSAML verification after a cold start: a fresh Node.js process loads
 * the lazily imported SAML code (our verifier, xml-crypto, @xmldom/xmldom, samlify) and
 * verifies one samlify-signed response with both verifications. The response is signed in
 * another process first, so that nothing of the SAML stack is loaded before the clock starts.
 *
 *   npx tsx bench/saml-cold-start.ts [--runs 5]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: options } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(options.runs);
const folder = mkdtempSync(join(tmpdir(), "open-sts-saml-cold-"));

const SIGN = `
import { writeFileSync } from "node:fs";
import { createTestSamlIdp } from "./test/support/saml-idp.ts";
const idp = createTestSamlIdp({ entityId: "https://idp.example.com/adfs", signing: "assertion" });
const encoded = await idp.respond({ nameId: "alice", attributes: { "https://aws.amazon.com/SAML/Attributes/RoleSessionName": ["alice"] } });
writeFileSync(process.argv[2], JSON.stringify({ encoded, metadata: idp.metadata, certificate: idp.keys.certificate, entityId: idp.entityId }));
`;

const VERIFY = `
const start = performance.now();
const { readFileSync } = await import("node:fs");
const { X509Certificate } = await import("node:crypto");
const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const saml = await import("./shared/federation/saml/index.ts");
const loaded = performance.now();
const expect = { audiences: ["urn:amazon:webservices"], recipients: ["https://signin.aws.amazon.com/saml"], clockSkewSeconds: 120, now: new Date() };
const notAfter = new Date(new X509Certificate(input.certificate).validTo).toISOString();
const ours = saml.verifySamlResponse(saml.decodeSamlResponse(input.encoded), { entityId: input.entityId, signingCertificates: [{ pem: input.certificate, notAfter }] }, expect);
await saml.confirmWithSamlify(input.encoded, { metadata: input.metadata }, expect, ours);
const verified = performance.now();
console.log(JSON.stringify({ loadMs: loaded - start, firstVerificationMs: verified - loaded }));
`;

function runModule(source: string, argument: string): string {
  const file = join(process.cwd(), `.saml-cold-start-${process.pid}.mts`);
  writeFileSync(file, source);
  try {
    return execFileSync(process.execPath, ["--import", "tsx", file, argument], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } finally {
    rmSync(file, { force: true });
  }
}

try {
  const input = join(folder, "response.json");
  runModule(SIGN, input);
  const results: Array<{ loadMs: number; firstVerificationMs: number }> = [];
  for (let run = 0; run < runs; run++) results.push(JSON.parse(runModule(VERIFY, input).trim().split("\n").pop()!));
  console.log(`SAML cold start, ${runs} fresh processes, ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}, run through tsx (not bundled)`);
  console.log("run  load ms  first verification ms  total ms");
  results.forEach((result, index) => {
    const total = result.loadMs + result.firstVerificationMs;
    console.log(`${String(index + 1).padStart(3)}  ${result.loadMs.toFixed(0).padStart(7)}  ${result.firstVerificationMs.toFixed(0).padStart(21)}  ${total.toFixed(0).padStart(8)}`);
  });
} finally {
  rmSync(folder, { recursive: true, force: true });
}
