import { ServiceError } from "./errors.js";

/**
 * Parses an application/x-www-form-urlencoded string (a POST body or a GET query string)
 * into a map. `+` means a space. A parameter given twice is rejected rather than letting
 * the first or last win, because a signer and a parser that disagree on which one counts
 * open a gap between what was signed and what is executed.
 */
export function parseFormEncoded(text: string, into = new Map<string, string>()): Map<string, string> {
  if (text.length === 0) return into;
  for (const pair of text.split("&")) {
    if (pair.length === 0) continue;
    const equals = pair.indexOf("=");
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
    const name = decodeComponent(rawName);
    const value = decodeComponent(rawValue);
    if (into.has(name)) {
      throw new ServiceError("ValidationError", `The parameter ${name} is given more than once.`);
    }
    into.set(name, value);
  }
  return into;
}

function decodeComponent(text: string): string {
  const spaced = text.includes("+") ? text.replaceAll("+", " ") : text;
  if (!spaced.includes("%")) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    throw new ServiceError("MalformedQueryString", "The request contains an invalid percent-encoded sequence.");
  }
}
