import { rotateSigningKeysInDataDir } from "../infra/local/data-dir.js";
import { DEFAULT_DATA_DIR } from "../infra/local/settings.js";

/**
 * `npm run rotate-signing-keys`: adds a new generation of GetWebIdentityToken signing keys to the
 * key ring in OPEN_STS_DATA_DIR (default `.open-sts`). Stop the host first. It signs with the
 * new keys from its next start, and the JWKS keeps the previous keys, so tokens they signed
 * still verify.
 */
function main(): void {
  const dataDir = process.env.OPEN_STS_DATA_DIR || DEFAULT_DATA_DIR;
  if (dataDir === ":memory:") {
    throw new Error("OPEN_STS_DATA_DIR=:memory: keeps no key ring to rotate; name the host's data folder");
  }
  const kids = rotateSigningKeysInDataDir(dataDir, new Date());
  console.log(`Added signing keys ${kids.join(", ")} to ${dataDir}; they sign from the host's next start.`);
}

try {
  main();
} catch (error) {
  console.error(`Signing keys were not rotated: ${(error as Error).message}`);
  process.exit(1);
}
