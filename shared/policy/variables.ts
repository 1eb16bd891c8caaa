/**
 * Policy variables such as `${aws:username}`. In documents with Version 2012-10-17, IAM replaces
 * them with request values in Resource and NotResource and in the values of String and Arn
 * condition operators. In older documents, and everywhere else, they are plain text.
 *
 * parsePolicy splits such values into parts once (parsePolicyTemplate), and each evaluation
 * substitutes the request's values into the parts (substituteVariables). A substituted value is
 * always literal, so a request value cannot add a wildcard to a pattern.
 */

import type { ContextValues } from "./context.js";
import type { PolicyTemplate, PolicyVariable, TemplatePart } from "./types.js";
import { type GlobPattern, toGlobPattern } from "./glob.js";

const OPEN = "${";
/** Escapes `${*}`, `${?}` and `${$}`, which stand for the character itself and never for a wildcard. */
const ESCAPES: ReadonlySet<string> = new Set(["*", "?", "$"]);
/** Characters that cannot occur in a variable's key, because they would make the syntax ambiguous. */
const KEY_FORBIDDEN = /[${}'*?,]/;
// biome-ignore lint/suspicious/noTemplateCurlyInString: the policy variable syntax, shown in messages.
const DEFAULT_SYNTAX = "${key, 'default'}";

/** Returns whether a value needs parsePolicyTemplate: whether it contains `${`. */
export function hasPolicyVariableSyntax(value: string): boolean {
  return value.includes(OPEN);
}

/**
 * Splits a value into text, escapes and variables. Returns an error that completes a sentence
 * about the value, such as `has "${" without a closing "}"`, when the syntax is invalid.
 * NOTE: AWS documents no rule for invalid syntax. Rejecting it keeps a value that was meant as a
 * variable from being stored as text that matches something else.
 */
export function parsePolicyTemplate(value: string): { template: PolicyTemplate } | { error: string } {
  const parts: TemplatePart[] = [];
  let position = 0;
  while (position < value.length) {
    const open = value.indexOf(OPEN, position);
    if (open < 0) {
      parts.push({ text: value.slice(position) });
      break;
    }
    if (open > position) parts.push({ text: value.slice(position, open) });

    const parsed = parseVariable(value, open + OPEN.length);
    if ("error" in parsed) return parsed;
    parts.push(parsed.part);
    position = parsed.end;
  }
  return { template: parts };
}

/** Parses what follows `${` at `start`: an escape, `key}` or `key, 'default'}`. */
function parseVariable(value: string, start: number): { part: TemplatePart; end: number } | { error: string } {
  const close = value.indexOf("}", start);
  if (close < 0) return { error: `has "${OPEN}" without a closing "}"` };

  const body = value.slice(start, close);
  if (ESCAPES.has(body)) return { part: { literal: body }, end: close + 1 };

  const comma = body.indexOf(",");
  const keyEnd = comma < 0 ? close : start + comma;
  const key = value.slice(start, keyEnd).trim();
  const written = value.slice(start - OPEN.length, close + 1);
  if (key === "" || KEY_FORBIDDEN.test(key)) {
    return { error: `has the invalid policy variable ${JSON.stringify(written)}, whose key must be a condition key such as aws:username` };
  }
  if (keyEnd === close) return { part: { variable: key }, end: close + 1 };

  // The default is quoted, so it may contain "}" and ",". It ends at the next single quote.
  const defaultStart = skipSpaces(value, keyEnd + 1);
  const defaultEnd = value[defaultStart] === "'" ? value.indexOf("'", defaultStart + 1) : -1;
  const end = defaultEnd < 0 ? -1 : skipSpaces(value, defaultEnd + 1);
  if (end < 0 || value[end] !== "}") {
    const shownEnd = value.indexOf("}", defaultEnd < 0 ? keyEnd : defaultEnd);
    const shown = value.slice(start - OPEN.length, shownEnd < 0 ? value.length : shownEnd + 1);
    return { error: `has the invalid policy variable ${JSON.stringify(shown)}, whose default must be written as ${DEFAULT_SYNTAX}` };
  }
  const part: PolicyVariable = { variable: key, defaultValue: value.slice(defaultStart + 1, defaultEnd) };
  return { part, end: end + 1 };
}

function skipSpaces(value: string, position: number): number {
  while (value[position] === " ") position++;
  return position;
}

/** Returns whether a part is a variable rather than text or an escape. */
export function isPolicyVariable(part: TemplatePart): part is PolicyVariable {
  return "variable" in part;
}

/** A value after substitution, in the two forms that operators compare with. */
export interface SubstitutedValue {
  /** Plain text: every part replaced by its characters. */
  readonly text: string;
  /** Glob form, in which only `*` and `?` of the policy's own text are wildcards. */
  readonly pattern: GlobPattern;
}

/**
 * Substitutes the request's values into a template. Returns undefined when a variable's key is
 * absent or multivalued and the variable has no default, because such a value matches nothing.
 */
export function substituteVariables(template: PolicyTemplate, context: ContextValues): SubstitutedValue | undefined {
  let text = "";
  const pattern: number[] = [];
  for (const part of template) {
    if ("text" in part) {
      text += part.text;
      for (const token of toGlobPattern(part.text)) pattern.push(token);
      continue;
    }

    const literal = "literal" in part ? part.literal : resolveVariable(part, context);
    if (literal === undefined) return undefined;
    text += literal;
    for (const char of literal) pattern.push(char.codePointAt(0)!);
  }
  return { text, pattern };
}

/** Returns the request value of a variable's key, or its default when the key has no single value. */
function resolveVariable(variable: PolicyVariable, context: ContextValues): string | undefined {
  const value = context.get(variable.variable.toLowerCase());
  if (typeof value === "string") return value;
  if (value !== undefined && value.length === 1) return value[0]!;
  return variable.defaultValue;
}
