/**
 * The compiled form of a policy: everything evaluation needs that depends only on the policy,
 * computed once by parsePolicy. Action patterns are folded to lower case and split at their
 * stars, Resource patterns are split into ARN parts, and condition values are parsed by their
 * operator (numbers, dates, CIDR blocks, globs). It is plain data, so a parsed policy can still be
 * cached or serialized as is.
 */

import { type ArnPattern, compileArnPattern } from "./arn.js";
import { getConditionOperator, NULL_OPERATOR } from "./conditions/registry.js";
import { compileGlob, type Glob } from "./glob.js";
import type { ConditionClause, PatternList, Policy, Statement } from "./types.js";
import { foldCase } from "./wildcard.js";

/**
 * Version of the layout below. A policy whose compiled form has another version, such as one
 * serialized by an older engine, is compiled again before it is evaluated.
 */
const COMPILED_FORMAT = 1;

/** The compiled form of a policy's statements. */
export interface CompiledPolicy {
  readonly format: number;
  /** By position in Policy.statements. */
  readonly statements: readonly CompiledStatement[];
}

export interface CompiledStatement {
  /** Action or NotAction patterns, folded to lower case, as the request's action is before matching. */
  readonly action: CompiledPatterns<Glob>;
  /** Resource or NotResource patterns. Absent when the statement has none or has policy variables in them. */
  readonly resource?: CompiledPatterns<ArnPattern | null>;
  /** By position in Statement.conditions. */
  readonly conditions: readonly CompiledCondition[];
}

/** Patterns of an Action or Resource element, or of its Not form when `negated` is true. */
export interface CompiledPatterns<Pattern> {
  readonly negated: boolean;
  /** Whether one of the patterns is "*", which matches every value. */
  readonly matchesAll: boolean;
  /** The other patterns. A null ARN pattern matches nothing. */
  readonly patterns: readonly Pattern[];
}

export interface CompiledCondition {
  /** Condition key in lower case, as the request's keys are indexed. */
  readonly key: string;
  /**
   * Policy values as the operator prepared them, by position in ConditionClause.values. For Null,
   * whether the value expects the key to be absent. Empty when the clause has policy variables,
   * which are substituted on each evaluation instead.
   */
  readonly values: readonly unknown[];
}

/** Compiles the statements of a policy. */
export function compilePolicy(statements: readonly Statement[]): CompiledPolicy {
  return { format: COMPILED_FORMAT, statements: statements.map(compileStatement) };
}

/** Compiled forms of policies without a current one, such as policies built without parsePolicy. */
const compiledLater = new WeakMap<Policy, readonly CompiledStatement[]>();

/** Returns the compiled statements of a policy, compiling them when the policy does not have them. */
export function compiledStatementsOf(policy: Policy): readonly CompiledStatement[] {
  const compiled = policy.compiled;
  if (compiled !== undefined && compiled.format === COMPILED_FORMAT && compiled.statements.length === policy.statements.length) {
    return compiled.statements;
  }

  let statements = compiledLater.get(policy);
  if (statements === undefined) {
    statements = compilePolicy(policy.statements).statements;
    compiledLater.set(policy, statements);
  }
  return statements;
}

function compileStatement(statement: Statement): CompiledStatement {
  const action = compilePatterns(statement.action, (pattern) => compileGlob(foldCase(pattern)));
  const resource = statement.resource;
  return {
    action,
    ...(resource === undefined || resource.templates !== undefined ? {} : { resource: compilePatterns(resource, compileArnPattern) }),
    conditions: statement.conditions.map(compileCondition),
  };
}

function compilePatterns<Pattern>(list: PatternList, compile: (pattern: string) => Pattern): CompiledPatterns<Pattern> {
  const others = list.patterns.filter((pattern) => pattern !== "*");
  return { negated: list.negated, matchesAll: others.length < list.patterns.length, patterns: others.map(compile) };
}

function compileCondition(clause: ConditionClause): CompiledCondition {
  const key = clause.key.toLowerCase();
  if (clause.baseOperator === NULL_OPERATOR) {
    return { key, values: clause.values.map((value) => value.toLowerCase() === "true") };
  }

  // An unknown operator, possible only in a policy built without parsePolicy, fails when evaluated.
  const operator = getConditionOperator(clause.baseOperator);
  if (operator === undefined || clause.templates !== undefined) return { key, values: [] };
  return { key, values: clause.values.map((value) => operator.preparePolicyValue(value)) };
}
