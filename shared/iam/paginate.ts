import { ServiceError } from "../protocol/errors.js";

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

/** Applies IAM's Marker/MaxItems paging (default 100 items) to a list sorted by `keyOf`. */
export function paginate<T>(sorted: readonly T[], keyOf: (item: T) => string, marker?: string, maxItems = 100): Page<T> {
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, "base64url").toString("utf8");
    if (after.length === 0) throw new ServiceError("InvalidInput", "Invalid Marker.");
    start = sorted.findIndex((item) => keyOf(item) > after);
    if (start === -1) start = sorted.length;
  }
  const items = sorted.slice(start, start + maxItems);
  const isTruncated = start + maxItems < sorted.length;
  const last = items[items.length - 1];
  return {
    items,
    isTruncated,
    ...(isTruncated && last !== undefined ? { marker: Buffer.from(keyOf(last)).toString("base64url") } : {}),
  };
}
