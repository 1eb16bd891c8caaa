/**
 * The registry of condition operators, keyed by base name. Set qualifiers (ForAnyValue:,
 * ForAllValues:) and the IfExists suffix apply to every operator except Null, so they are
 * parsed here once instead of being registered per operator.
 */

import type { SetQualifier } from "../types.js";
import { BINARY_OPERATORS } from "./binary-operators.js";
import { DATE_OPERATORS } from "./date-operators.js";
import { IP_OPERATORS } from "./ip-operators.js";
import { NUMERIC_OPERATORS } from "./numeric-operators.js";
import type { ConditionOperator } from "./operator.js";
import { STRING_OPERATORS } from "./string-operators.js";

/** Tests whether a key is present rather than comparing values, so it sits outside the registry. */
export const NULL_OPERATOR = "Null";

const OPERATORS: ReadonlyMap<string, ConditionOperator> = new Map([
  ...STRING_OPERATORS,
  ...NUMERIC_OPERATORS,
  ...DATE_OPERATORS,
  ...IP_OPERATORS,
  ...BINARY_OPERATORS,
]);

const QUALIFIERS: readonly SetQualifier[] = ["ForAnyValue", "ForAllValues"];
const IF_EXISTS = "IfExists";

/** Returns the operator registered under a base name such as "StringLike", or undefined. */
export function getConditionOperator(baseOperator: string): ConditionOperator | undefined {
  return OPERATORS.get(baseOperator);
}

/** Base names of all registered operators, plus Null. */
export function conditionOperatorNames(): string[] {
  return [...OPERATORS.keys(), NULL_OPERATOR];
}

export interface OperatorName {
  readonly baseOperator: string;
  readonly qualifier?: SetQualifier;
  readonly ifExists: boolean;
}

/**
 * Splits an operator as written, such as "ForAnyValue:StringLikeIfExists", into its parts.
 * Returns an error message when the name is unknown or combines parts that IAM does not allow.
 * Names are case-sensitive.
 */
export function parseOperatorName(written: string): OperatorName | { error: string } {
  let rest = written;
  let qualifier: SetQualifier | undefined;
  for (const candidate of QUALIFIERS) {
    if (rest.startsWith(`${candidate}:`)) {
      qualifier = candidate;
      rest = rest.slice(candidate.length + 1);
      break;
    }
  }

  if (rest === NULL_OPERATOR) {
    if (qualifier !== undefined) return { error: `Null cannot take the ${qualifier} prefix` };
    return { baseOperator: NULL_OPERATOR, ifExists: false };
  }
  if (OPERATORS.has(rest)) return withQualifier({ baseOperator: rest, ifExists: false }, qualifier);

  if (rest.endsWith(IF_EXISTS)) {
    const baseOperator = rest.slice(0, -IF_EXISTS.length);
    if (OPERATORS.has(baseOperator)) return withQualifier({ baseOperator, ifExists: true }, qualifier);
  }
  return { error: `Condition operator ${JSON.stringify(written)} is not recognized` };
}

function withQualifier(name: OperatorName, qualifier: SetQualifier | undefined): OperatorName {
  return qualifier === undefined ? name : { ...name, qualifier };
}
