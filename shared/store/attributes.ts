import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * Converts between plain records and DynamoDB attribute maps for the value types our items use
 * (strings, numbers, booleans, string maps, and lists of string maps). A small converter of our
 * own, because @aws-sdk/util-dynamodb is not published at the pinned SDK version.
 */
export type Plain = string | number | boolean | PlainMap | readonly Plain[];
export interface PlainMap {
  readonly [key: string]: Plain | undefined;
}

export function toAttribute(value: Plain): AttributeValue {
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toItem(value as PlainMap) };
}

export function toItem(record: PlainMap): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) item[key] = toAttribute(value);
  return item;
}

export function fromAttribute(value: AttributeValue): Plain {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.L !== undefined) return value.L.map(fromAttribute);
  if (value.M !== undefined) return fromItem(value.M);
  throw new Error("unsupported attribute type in a stored item");
}

export function fromItem(item: Record<string, AttributeValue>): Record<string, Plain> {
  // Object.fromEntries defines own properties, so a stored key such as `__proto__` (a client id
  // or tag key chosen by a user) reads back as data instead of changing the prototype.
  return Object.fromEntries(Object.entries(item).map(([key, value]) => [key, fromAttribute(value)]));
}
