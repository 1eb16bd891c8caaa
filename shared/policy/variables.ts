/**
 * Policy variables such as `${aws:username}`. In documents with Version 2012-10-17, IAM replaces
 * them with request values in Resource (after the fifth colon) and in String and Arn condition
 * values. In older documents they are plain text.
 */

const VARIABLE = /\$\{[^}]*\}/;

/** Returns the first `${...}` in a value, or undefined when it has none. */
export function findPolicyVariable(value: string): string | undefined {
  return VARIABLE.exec(value)?.[0];
}

// TODO: substitute policy variables at evaluation time instead of rejecting them in parsePolicy. A
// variable whose key is absent must make its Resource match nothing and a positive String or Arn
// operator false, `${key, 'default'}` supplies a default, and `${*}`, `${?}`, `${$}` are escapes.

