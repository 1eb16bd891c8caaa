import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyMaterial, type KeyMaterial, KeyRing } from "../../shared/credentials/keyring.js";

const LOCK_FILE = "open-sts.lock";
const KEYRING_FILE = "keyring.json";

/**
 * Takes the data folder for this process. A second start on the same folder fails here, before
 * the embedded store opens its files, so two processes never write one folder. A lock left by
 * a process that no longer runs is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(path, "utf8"));
      if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
        throw new Error(`the data folder ${dataDir} is in use by process ${owner}; stop it or choose another OPEN_STS_DATA_DIR`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not lock the data folder ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Loads the key ring from the data folder, creating it with one new key on first start. The
 * file is readable by its owner only (mode 0600) because it protects every secret and token.
 */
export function loadOrCreateKeyRing(dataDir: string | undefined, now: Date): KeyRing {
  if (dataDir === undefined) return new KeyRing([generateKeyMaterial(now)]);
  const path = join(dataDir, KEYRING_FILE);
  try {
    const stored = JSON.parse(readFileSync(path, "utf8")) as { keys: KeyMaterial[] };
    return new KeyRing(stored.keys);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new Error(`the key ring ${path} could not be read: ${(error as Error).message}`);
    }
  }
  const keys = [generateKeyMaterial(now)];
  writeFileSync(path, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return new KeyRing(keys);
}
