import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyMaterial, type KeyMaterial, KeyRing } from "../../shared/credentials/keyring.js";
import {
  generateSigningKeys,
  missingAlgorithms,
  rotateSigningKeys,
  type SigningKeyMaterial,
} from "../../shared/credentials/signing-keys.js";

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

/** The content of keyring.json. Files written before signing keys existed have no `signingKeys`. */
interface KeyRingFile {
  keys: KeyMaterial[];
  signingKeys?: SigningKeyMaterial[];
}

/**
 * Loads the key ring from the data folder, creating it with one new key and one generation of
 * signing keys on first start. A file without signing keys gains them and keeps its other keys.
 * The file is readable by its owner only (mode 0600) because it protects every secret and token.
 */
export function loadOrCreateKeyRing(dataDir: string | undefined, now: Date): KeyRing {
  if (dataDir === undefined) return new KeyRing([generateKeyMaterial(now)], generateSigningKeys(now));
  const path = join(dataDir, KEYRING_FILE);
  const stored = readKeyRingFile(path);
  if (stored === undefined) {
    const created: KeyRingFile = { keys: [generateKeyMaterial(now)], signingKeys: generateSigningKeys(now) };
    writeFileSync(path, serialize(created), { mode: 0o600, flag: "wx" });
    return new KeyRing(created.keys, created.signingKeys);
  }
  const signingKeys = stored.signingKeys ?? [];
  if (missingAlgorithms(signingKeys).length > 0) {
    const upgraded: KeyRingFile = { ...stored, signingKeys: [...signingKeys, ...generateSigningKeys(now)] };
    replaceKeyRingFile(path, upgraded);
    return new KeyRing(upgraded.keys, upgraded.signingKeys);
  }
  return new KeyRing(stored.keys, signingKeys);
}

/**
 * Adds a generation of signing keys to the key ring in the data folder and returns the new
 * kids. It takes the folder's lock, so it fails while a host runs on the folder: the host reads
 * the ring only at start, and the new keys sign from its next start on.
 */
export function rotateSigningKeysInDataDir(dataDir: string, now: Date): string[] {
  const unlock = lockDataDir(dataDir);
  try {
    const path = join(dataDir, KEYRING_FILE);
    const stored = readKeyRingFile(path);
    if (stored === undefined) throw new Error(`the data folder ${dataDir} has no ${KEYRING_FILE}; start the host once to create it`);
    const before = new Set((stored.signingKeys ?? []).map((key) => key.kid));
    const signingKeys = rotateSigningKeys(stored.signingKeys ?? [], now);
    replaceKeyRingFile(path, { ...stored, signingKeys });
    return signingKeys.filter((key) => !before.has(key.kid)).map((key) => key.kid);
  } finally {
    unlock();
  }
}

/** Reads keyring.json, or returns undefined when it does not exist. */
function readKeyRingFile(path: string): KeyRingFile | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as KeyRingFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`the key ring ${path} could not be read: ${(error as Error).message}`);
  }
}

/** Replaces keyring.json through a new file and a rename, so a crash never leaves half a key ring. */
function replaceKeyRingFile(path: string, contents: KeyRingFile): void {
  const temporary = `${path}.new`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, serialize(contents), { mode: 0o600, flag: "wx" });
  renameSync(temporary, path);
}

function serialize(contents: KeyRingFile): string {
  return `${JSON.stringify(contents, null, 2)}\n`;
}
