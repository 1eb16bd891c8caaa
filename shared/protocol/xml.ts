/**
 * A small XML writer for Query-protocol responses. Values are rendered by type: objects become
 * nested elements in key order, arrays become `<member>` items as the Query protocol lists them,
 * dates become ISO-8601 UTC. Every reflected value is escaped, so a session name or a policy can
 * never break the document.
 */
export type XmlValue = string | number | boolean | Date | undefined | null | XmlObject | readonly XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

// A carriage return is written as a reference, because XML parsers turn a literal one into a line feed.
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#xD;" };

/** Escapes text for element content, the only place we write reflected values. */
export function escapeXml(text: string): string {
  return /[&<>\r]/.test(text) ? text.replace(/[&<>\r]/g, (character) => ESCAPES[character]!) : text;
}

/** Formats a time as AWS does in XML: ISO-8601 in UTC with a `Z` and no fraction. */
export function formatTimestamp(time: Date): string {
  return `${time.toISOString().slice(0, 19)}Z`;
}

export function renderElement(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${renderContent(value)}</${name}>`;
}

function renderContent(value: XmlValue): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return escapeXml(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return formatTimestamp(value);
  if (Array.isArray(value)) {
    let out = "";
    for (const item of value) out += renderElement("member", item);
    return out;
  }
  let out = "";
  for (const [name, child] of Object.entries(value as XmlObject)) out += renderElement(name, child);
  return out;
}
