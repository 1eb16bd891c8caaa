import { createHash } from "node:crypto";
import { ConditionFailed, type Table } from "./table.js";

/** Marks the items of one-time values; the key is a hash, so no assertion ID is stored as given. */
const ONCE_PK_PREFIX = "ONCE#";
const ONCE_SK = "#ONCE";

/**
 * Records values that may be used once, such as the ID of a SAML assertion with its issuer.
 * The first claim wins through a conditional write, so of any number of concurrent claims of
 * one value exactly one succeeds, in one process or many. Each item carries `expiresAt` (epoch
 * seconds) for DynamoDB's TTL. Because TTL deletes lazily and the embedded store never does, an
 * item whose time has passed counts as absent.
 */
export class OneTimeUseStore {
  constructor(private readonly table: Table) {}

  /**
   * Claims a value until `expiresAt`. Returns false when it was claimed before and has not
   * expired. Store failures propagate, so a caller that cannot record a use issues nothing.
   */
  async claim(kind: string, parts: readonly string[], expiresAt: Date, now: Date): Promise<boolean> {
    const pk = onceKey(kind, parts);
    try {
      await this.table.put(
        { pk, sk: ONCE_SK, expiresAt: Math.ceil(expiresAt.getTime() / 1000) },
        { condition: "attribute_not_exists(pk) OR expiresAt <= :now", values: { ":now": Math.floor(now.getTime() / 1000) } },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  /**
   * Returns whether a value is claimed and unexpired, with a consistent read. Only a shortcut
   * for rejecting repeats early: `claim` alone decides which use wins.
   */
  async isClaimed(kind: string, parts: readonly string[], now: Date): Promise<boolean> {
    const item = await this.table.get(onceKey(kind, parts), ONCE_SK);
    return item !== undefined && typeof item.expiresAt === "number" && item.expiresAt > Math.floor(now.getTime() / 1000);
  }
}

function onceKey(kind: string, parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return `${ONCE_PK_PREFIX}${kind}#${hash.digest("base64url")}`;
}
