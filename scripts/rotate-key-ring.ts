import { readFileSync } from "node:fs";
import { parseKeyRingDocument, rotateKeyRingDocument } from "../shared/credentials/keyring-document.js";

/**
 * Rotates a key ring document read from standard input and prints the result, for the key ring
 * secret of a deployment (docs/deploy.md):
 *
 *   npx tsx scripts/rotate-key-ring.ts < current.json > next.json
 *
 * The new symmetric key seals new session tokens and secrets, and the new signing keys sign new
 * web identity tokens. Every older key stays, so that what it sealed or signed still opens.
 */
const document = parseKeyRingDocument(readFileSync(0, "utf8"));
if (!document) {
  console.error("Standard input contains no valid key ring document (a JSON object with a non-empty `keys` list).");
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(rotateKeyRingDocument(document, new Date()))}\n`);
