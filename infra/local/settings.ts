import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/** The root key of account 000000000000 when none is configured: printed at start, for local use only. */
export const DEMO_ROOT_ACCESS_KEY_ID = "AKIAOPENSTSLOCALROOT";
export const DEMO_ROOT_SECRET_ACCESS_KEY = "OpenStsLocalDemoRootSecretKey0000000000X";
export const DEFAULT_ACCOUNT_ID = "000000000000";
export const DEFAULT_PORT = 4599;
export const DEFAULT_DATA_DIR = ".open-sts";

export interface AccountSettings {
  id: string;
  rootAccessKeyId: string;
  rootSecretAccessKey: string;
}

export interface LocalSettings {
  port: number;
  host: string;
  /** A folder, or `:memory:` to keep nothing. */
  dataDir: string;
  accounts: AccountSettings[];
  /** True when account 000000000000 uses the demo root key. */
  demoRootKey: boolean;
}

/**
 * Reads the local host's settings: PORT, OPEN_STS_DATA_DIR, OPEN_STS_ROOT_ACCESS_KEY_ID,
 * OPEN_STS_ROOT_SECRET_ACCESS_KEY and OPEN_STS_CONFIG (a YAML file that may list more accounts).
 * Throws an Error whose message names the invalid setting.
 */
export function readLocalSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  const port = env.PORT === undefined || env.PORT === "" ? DEFAULT_PORT : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`);

  const keyId = env.OPEN_STS_ROOT_ACCESS_KEY_ID;
  const secret = env.OPEN_STS_ROOT_SECRET_ACCESS_KEY;
  if ((keyId === undefined) !== (secret === undefined)) {
    throw new Error("set both OPEN_STS_ROOT_ACCESS_KEY_ID and OPEN_STS_ROOT_SECRET_ACCESS_KEY, or neither");
  }
  const root: AccountSettings = {
    id: DEFAULT_ACCOUNT_ID,
    rootAccessKeyId: keyId ?? DEMO_ROOT_ACCESS_KEY_ID,
    rootSecretAccessKey: secret ?? DEMO_ROOT_SECRET_ACCESS_KEY,
  };
  const accounts = [checkAccount(root, "the environment")];
  if (env.OPEN_STS_CONFIG) accounts.push(...readConfigAccounts(env.OPEN_STS_CONFIG));

  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const account of accounts) {
    if (ids.has(account.id)) throw new Error(`account ${account.id} is declared twice`);
    if (keys.has(account.rootAccessKeyId)) throw new Error(`root access key ${account.rootAccessKeyId} is declared twice`);
    ids.add(account.id);
    keys.add(account.rootAccessKeyId);
  }

  return {
    port,
    host: "127.0.0.1",
    dataDir: env.OPEN_STS_DATA_DIR || DEFAULT_DATA_DIR,
    accounts,
    demoRootKey: keyId === undefined,
  };
}

function readConfigAccounts(file: string): AccountSettings[] {
  let document: unknown;
  try {
    document = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`OPEN_STS_CONFIG ${file} could not be read: ${(error as Error).message}`);
  }
  const accounts = (document as { accounts?: unknown } | null)?.accounts;
  if (accounts === undefined) return [];
  if (!Array.isArray(accounts)) throw new Error(`OPEN_STS_CONFIG ${file}: accounts must be a list`);
  return accounts.map((entry, index) => {
    const where = `OPEN_STS_CONFIG ${file}: accounts[${index}]`;
    if (typeof entry !== "object" || entry === null) throw new Error(`${where} must be a mapping`);
    const { id, rootAccessKeyId, rootSecretAccessKey } = entry as Record<string, unknown>;
    return checkAccount(
      { id: String(id ?? ""), rootAccessKeyId: String(rootAccessKeyId ?? ""), rootSecretAccessKey: String(rootSecretAccessKey ?? "") },
      where,
    );
  });
}

function checkAccount(account: AccountSettings, where: string): AccountSettings {
  if (!/^\d{12}$/.test(account.id)) throw new Error(`${where}: id must be 12 digits, got "${account.id}"`);
  if (!/^AKIA[A-Z0-9]{12,124}$/.test(account.rootAccessKeyId)) {
    throw new Error(`${where}: rootAccessKeyId must be AKIA followed by 12 to 124 upper-case letters or digits`);
  }
  if (account.rootSecretAccessKey.length < 16 || account.rootSecretAccessKey.length > 128) {
    throw new Error(`${where}: rootSecretAccessKey must have 16 to 128 characters`);
  }
  return account;
}
