/** Parsing of the Condition element. */

import { getConditionOperator, NULL_OPERATOR, parseOperatorName } from "./conditions/registry.js";
import { isJsonObject, JsonNumber, type JsonValue } from "./json.js";
import { describeJsonType, malformed, quote } from "./parse-helpers.js";
import type { ConditionClause, PolicyTemplate, PolicyVersion } from "./types.js";
import { hasPolicyVariableSyntax, isPolicyVariable, parsePolicyTemplate } from "./variables.js";

/**
 * Parses `{operator: {key: value | [values]}}` into one clause per operator and key. Operators are
 * checked against the registry, and each value against its operator, so that a policy that could
 * not be evaluated as written is rejected when it is stored.
 */
export function parseConditions(
  value: JsonValue,
  location: string,
  version: PolicyVersion | undefined,
): ConditionClause[] {
  if (!isJsonObject(value)) {
    malformed(location, `Condition must be an object that maps operators to condition keys, not ${describeJsonType(value)}`);
  }

  const clauses: ConditionClause[] = [];
  for (const [operator, block] of value) {
    const name = parseOperatorName(operator);
    if ("error" in name) malformed(location, name.error);
    if (!isJsonObject(block)) {
      malformed(location, `Condition operator ${quote(operator)} must map condition keys to values, not ${describeJsonType(block)}`);
    }

    for (const [key, entry] of block) {
      if (key === "") malformed(location, `Condition operator ${quote(operator)} has an empty condition key`);
      const element = `${operator} ${quote(key)}`;
      const values = readConditionValues(entry, location, element);
      const acceptsVariables = version === "2012-10-17" && acceptsPolicyVariables(name.baseOperator);
      const templates =
        acceptsVariables && values.some(hasPolicyVariableSyntax)
          ? values.map((policyValue) => readTemplate(policyValue, location, element))
          : undefined;
      values.forEach((policyValue, index) => {
        validateConditionValue(name.baseOperator, policyValue, templates?.[index], location, element);
      });
      clauses.push({ operator, ...name, key, values, ...(templates === undefined ? {} : { templates }) });
    }
  }
  return clauses;
}

/** Reads a string, number or boolean, or a non-empty array of those, as strings. */
function readConditionValues(entry: JsonValue, location: string, element: string): string[] {
  const items = Array.isArray(entry) ? (entry as readonly JsonValue[]) : [entry];
  if (items.length === 0) malformed(location, `${element} must not be an empty array`);

  return items.map((item) => {
    if (typeof item === "string") return item;
    if (typeof item === "boolean") return String(item);
    if (item instanceof JsonNumber) return item.text;
    return malformed(location, `${element} must be a string, number, boolean or an array of those, not ${describeJsonType(item)}`);
  });
}

/** Returns whether values of the operator may contain policy variables: String and Arn operators do. */
function acceptsPolicyVariables(baseOperator: string): boolean {
  return getConditionOperator(baseOperator)?.acceptsPolicyVariables ?? false;
}

function readTemplate(policyValue: string, location: string, element: string): PolicyTemplate {
  const parsed = parsePolicyTemplate(policyValue);
  if ("error" in parsed) malformed(location, `${element} value ${quote(policyValue)} ${parsed.error}`);
  return parsed.template;
}

/**
 * Checks a value against its operator. A value that begins with a policy variable skips the
 * operator's check, because the variable may supply the whole value, such as an ARN.
 */
function validateConditionValue(
  baseOperator: string,
  policyValue: string,
  template: PolicyTemplate | undefined,
  location: string,
  element: string,
): void {
  if (baseOperator === NULL_OPERATOR) {
    const lower = policyValue.toLowerCase();
    if (lower !== "true" && lower !== "false") malformed(location, `${element} value ${quote(policyValue)} must be "true" or "false"`);
    return;
  }

  const operator = getConditionOperator(baseOperator)!;
  const first = template?.[0];
  if (first !== undefined && isPolicyVariable(first)) return;
  const problem = operator.validateValue(policyValue);
  if (problem !== undefined) malformed(location, `${element} value ${quote(policyValue)} ${problem}`);
}
