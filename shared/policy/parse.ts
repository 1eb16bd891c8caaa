/**
 * parsePolicy: validation of IAM policy documents. Every rule rejects with MalformedPolicyDocument
 * and a message that names the element and, for statement rules, the statement, so that a policy
 * the engine could misread is never stored.
 */

import { isArnLike } from "./arn.js";
import { compilePolicy } from "./compile.js";
import { isJsonObject, type JsonObject, JsonParseError, type JsonPath, type JsonValue, parseJsonStrict } from "./json.js";
import { parseConditions } from "./parse-condition.js";
import { describeJsonType, malformed, quote, readStringList } from "./parse-helpers.js";
import { parsePrincipal } from "./parse-principal.js";
import type {
  Effect,
  PatternList,
  Policy,
  PolicyKind,
  PolicyTemplate,
  PolicyVariable,
  PolicyVersion,
  PrincipalBlock,
  Statement,
} from "./types.js";
import { hasPolicyVariableSyntax, isPolicyVariable, parsePolicyTemplate } from "./variables.js";

const VERSIONS: readonly PolicyVersion[] = ["2012-10-17", "2008-10-17"];
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(["Version", "Id", "Statement"]);
const STATEMENT_KEYS: ReadonlySet<string> = new Set([
  "Sid",
  "Effect",
  "Principal",
  "NotPrincipal",
  "Action",
  "NotAction",
  "Resource",
  "NotResource",
  "Condition",
]);

// "*", or a service prefix and an action name, both of which may contain * and ?.
const ACTION_PATTERN = /^(?:\*|[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+)$/;
const IDENTITY_SID = /^[A-Za-z0-9]*$/;

/**
 * Parses and validates a policy document for the given kind. Throws
 * ServiceError("MalformedPolicyDocument") naming the problem and where, such as
 * "Statement[1]: Effect must be Allow or Deny". Duplicate keys in any JSON object are rejected,
 * because JSON.parse would silently keep the last one.
 */
export function parsePolicy(json: string, kind: PolicyKind): Policy {
  const document = readDocument(json);

  for (const key of document.keys()) {
    if (!TOP_LEVEL_KEYS.has(key)) malformed(undefined, `Policy document has unknown key ${quote(key)}`);
  }

  const version = readVersion(document.get("Version"));
  const id = readId(document.get("Id"), kind);
  const statements = readStatements(document.get("Statement"), kind, version);
  checkUniqueSids(statements);

  return {
    kind,
    ...(version === undefined ? {} : { version }),
    ...(id === undefined ? {} : { id }),
    statements,
    compiled: compilePolicy(statements),
  };
}

function readDocument(json: string): JsonObject {
  let document: JsonValue;
  try {
    document = parseJsonStrict(json);
  } catch (error) {
    if (!(error instanceof JsonParseError)) throw error;
    if (error.duplicateKey !== undefined) {
      const location = formatJsonPath(error.path ?? []);
      const problem = `duplicate key ${quote(error.duplicateKey)}`;
      if (location === undefined) malformed(undefined, `Policy document has ${problem}`);
      malformed(location, problem);
    }
    malformed(undefined, `Policy document is not valid JSON: ${error.message}`);
  }

  if (!isJsonObject(document)) malformed(undefined, `Policy document must be a JSON object, not ${describeJsonType(document)}`);
  return document;
}

/** Formats a JSON path the way statement messages name places: Statement[1].Condition.StringEquals. */
function formatJsonPath(path: JsonPath): string | undefined {
  let text = "";
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else text += text === "" ? step : `.${step}`;
  }
  return text === "" ? undefined : text;
}

function readVersion(value: JsonValue | undefined): PolicyVersion | undefined {
  if (value === undefined) return undefined;
  const version = VERSIONS.find((candidate) => candidate === value);
  if (version === undefined) malformed(undefined, 'Version must be "2012-10-17" or "2008-10-17"');
  return version;
}

function readId(value: JsonValue | undefined, kind: PolicyKind): string | undefined {
  if (value === undefined) return undefined;
  if (kind === "identity") malformed(undefined, "Id is not allowed in identity policies");
  if (typeof value !== "string") malformed(undefined, `Id must be a string, not ${describeJsonType(value)}`);
  return value;
}

function readStatements(value: JsonValue | undefined, kind: PolicyKind, version: PolicyVersion | undefined): Statement[] {
  if (value === undefined) malformed(undefined, "Statement is missing");
  if (isJsonObject(value)) return [readStatement(value, 0, "Statement", kind, version)];
  if (!Array.isArray(value) || value.length === 0) {
    malformed(undefined, `Statement must be an object or a non-empty array, not ${describeJsonType(value)}`);
  }

  return (value as readonly JsonValue[]).map((entry, index) => {
    const location = `Statement[${index}]`;
    if (!isJsonObject(entry)) malformed(location, `statement must be an object, not ${describeJsonType(entry)}`);
    return readStatement(entry, index, location, kind, version);
  });
}

function readStatement(
  object: JsonObject,
  index: number,
  location: string,
  kind: PolicyKind,
  version: PolicyVersion | undefined,
): Statement {
  for (const key of object.keys()) {
    if (!STATEMENT_KEYS.has(key)) malformed(location, `unknown key ${quote(key)}`);
  }

  const sid = readSid(object.get("Sid"), location, kind);
  const effect = readEffect(object.get("Effect"), location);
  const principal = readPrincipal(object, location, kind);
  const action = readPatternList(object, "Action", location, validateAction);
  if (action === undefined) malformed(location, "Action or NotAction is missing");

  const patterns = readPatternList(object, "Resource", location, validateResource);
  if (patterns === undefined && kind !== "trust") malformed(location, "Resource or NotResource is missing");
  const resource = patterns === undefined || version !== "2012-10-17" ? patterns : withResourceTemplates(patterns, location);

  const condition = object.get("Condition");
  const conditions = condition === undefined ? [] : parseConditions(condition, location, version);

  return {
    index,
    ...(sid === undefined ? {} : { sid }),
    effect,
    action,
    ...(resource === undefined ? {} : { resource }),
    ...(principal === undefined ? {} : { principal }),
    conditions,
  };
}

function readSid(value: JsonValue | undefined, location: string, kind: PolicyKind): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") malformed(location, `Sid must be a string, not ${describeJsonType(value)}`);
  if (kind === "identity" && !IDENTITY_SID.test(value)) {
    malformed(location, `Sid ${quote(value)} must contain only letters and digits in identity policies`);
  }
  return value;
}

function readEffect(value: JsonValue | undefined, location: string): Effect {
  if (value === undefined) malformed(location, "Effect is missing");
  if (value !== "Allow" && value !== "Deny") malformed(location, "Effect must be Allow or Deny");
  return value;
}

function readPrincipal(object: JsonObject, location: string, kind: PolicyKind): PrincipalBlock | undefined {
  const principal = object.get("Principal");
  if (kind !== "trust") {
    if (principal !== undefined) malformed(location, `Principal is not allowed in ${kind} policies`);
    if (object.has("NotPrincipal")) malformed(location, `NotPrincipal is not allowed in ${kind} policies`);
    return undefined;
  }

  if (object.has("NotPrincipal")) malformed(location, "NotPrincipal is not allowed in trust policies");
  if (principal === undefined) malformed(location, "Principal is missing");
  return parsePrincipal(principal, location);
}

/** Reads Action or NotAction, or Resource or NotResource. At most one of each pair may be present. */
function readPatternList(
  object: JsonObject,
  element: "Action" | "Resource",
  location: string,
  validate: (pattern: string, element: string) => string | undefined,
): PatternList | undefined {
  const notElement = `Not${element}`;
  const positive = object.get(element);
  const negative = object.get(notElement);
  if (positive !== undefined && negative !== undefined) {
    malformed(location, `${element} and ${notElement} cannot both be present`);
  }

  const negated = negative !== undefined;
  const value = negated ? negative : positive;
  if (value === undefined) return undefined;

  const name = negated ? notElement : element;
  const patterns = readStringList(value, location, name);
  for (const pattern of patterns) {
    const problem = validate(pattern, name);
    if (problem !== undefined) malformed(location, problem);
  }
  return { negated, patterns };
}

function validateAction(pattern: string, element: string): string | undefined {
  if (ACTION_PATTERN.test(pattern)) return undefined;
  return `${element} ${quote(pattern)} must be "*" or "service:ActionName", with * and ? as wildcards`;
}

function validateResource(pattern: string, element: string): string | undefined {
  if (pattern !== "*" && !isArnLike(pattern)) {
    return `${element} ${quote(pattern)} must be "*" or an ARN such as arn:aws:iam::123456789012:role/Name`;
  }
  return undefined;
}

/**
 * Adds the parsed form of the patterns when one of them contains policy variables or escapes. A
 * variable must come after the fifth colon, in the resource part of the ARN, as IAM requires.
 */
function withResourceTemplates(list: PatternList, location: string): PatternList {
  if (!list.patterns.some(hasPolicyVariableSyntax)) return list;

  const element = list.negated ? "NotResource" : "Resource";
  const templates = list.patterns.map((pattern): PolicyTemplate => {
    const parsed = parsePolicyTemplate(pattern);
    if ("error" in parsed) malformed(location, `${element} ${quote(pattern)} ${parsed.error}`);

    const early = variableBeforeFifthColon(parsed.template);
    if (early !== undefined) {
      malformed(
        location,
        `${element} ${quote(pattern)} uses the policy variable ${quote(early.variable)} before the fifth colon, ` +
          "but variables are allowed only in the resource part of an ARN",
      );
    }
    return parsed.template;
  });
  return { ...list, templates };
}

/** Returns the first variable that precedes the fifth colon of the policy's own text, if any. */
function variableBeforeFifthColon(template: PolicyTemplate): PolicyVariable | undefined {
  let colons = 0;
  for (const part of template) {
    if (isPolicyVariable(part)) return part;
    const text = "text" in part ? part.text : part.literal;
    for (const char of text) {
      if (char === ":") colons++;
    }
    if (colons >= 5) return undefined;
  }
  return undefined;
}

function checkUniqueSids(statements: readonly Statement[]): void {
  const firstBySid = new Map<string, Statement>();
  for (const statement of statements) {
    if (statement.sid === undefined || statement.sid === "") continue;
    const first = firstBySid.get(statement.sid);
    if (first !== undefined) {
      malformed(`Statement[${statement.index}]`, `Sid ${quote(statement.sid)} is already used by Statement[${first.index}]`);
    }
    firstBySid.set(statement.sid, statement);
  }
}
