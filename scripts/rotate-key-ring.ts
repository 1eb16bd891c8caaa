import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { parseKeyRingDocument, rotateKeyRingDocument } from "../shared/credentials/keyring-document.js";

/**
 * Rotates a key ring document read from standard input and prints the result, for the key ring
 * secret of a deployment (docs/deploy.md):
 *
 *   npx tsx scripts/rotate-key-ring.ts [--activate-in 900] < current.json > next.json
 *
 * The new symmetric key and signing keys take over after `--activate-in` seconds (default 900),
 * so that every function can load the new ring before any of them seals or signs with it.
 * Every older symmetric key stays; signing keys whose successor took over more than a day ago
 * are dropped.
 */
const { values } = parseArgs({ options: { "activate-in": { type: "string", default: "900" } } });
const delaySeconds = Number(values["activate-in"]);
if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 86_400) {
  console.error(`--activate-in must be a whole number of seconds from 0 to 86400, not ${values["activate-in"]}.`);
  process.exit(2);
}
const document = parseKeyRingDocument(readFileSync(0, "utf8"));
if (!document) {
  console.error("Standard input contains no valid key ring document: a JSON object with a non-empty `keys` list of keys with a kid and a 32-byte base64 secret.");
  process.exit(1);
}
const now = new Date();
process.stdout.write(`${JSON.stringify(rotateKeyRingDocument(document, now, new Date(now.getTime() + delaySeconds * 1000)))}\n`);
