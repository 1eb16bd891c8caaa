/** Helpers shared by the modules that parse parts of a policy document. */

import { ServiceError } from "../protocol/errors.js";
import { isJsonObject, JsonNumber, type JsonValue } from "./json.js";

/** Throws MalformedPolicyDocument with the message "<location>: <problem>", or the problem alone. */
export function malformed(location: string | undefined, problem: string): never {
  throw new ServiceError("MalformedPolicyDocument", location === undefined ? problem : `${location}: ${problem}`);
}

/** Quotes a value from the document for a message, escaped the way JSON would write it. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** Describes the JSON type of a value for a message. */
export function describeJsonType(value: JsonValue | undefined): string {
  if (value === undefined) return "missing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (isJsonObject(value)) return "an object";
  if (value instanceof JsonNumber) return "a number";
  return `a ${typeof value}`;
}

/**
 * Reads an element that is a string or a non-empty array of strings, such as Action or
 * Principal.AWS, and rejects empty strings.
 */
export function readStringList(value: JsonValue, location: string, element: string): string[] {
  const items = Array.isArray(value) ? (value as readonly JsonValue[]) : [value];
  if (items.length === 0) malformed(location, `${element} must not be an empty array`);

  const strings: string[] = [];
  for (const item of items) {
    if (typeof item !== "string") {
      malformed(location, `${element} must be a string or an array of strings, not ${describeJsonType(item)}`);
    }
    if (item === "") malformed(location, `${element} must not contain an empty string`);
    strings.push(item);
  }
  return strings;
}
