/**
 * Types of the IAM policy engine: the parsed policy model, the request it is evaluated against
 * and the evaluation result with its explanation.
 */

import type { CompiledPolicy } from "./compile.js";

/** Where a policy is attached, which decides the rules it is parsed by. */
export type PolicyKind = "identity" | "trust" | "session";

export type Effect = "Allow" | "Deny";

/** The versions of the policy language that IAM accepts in `Version`. */
export type PolicyVersion = "2012-10-17" | "2008-10-17";

/** Patterns of an Action or Resource element, or of its Not form when `negated` is true. */
export interface PatternList {
  readonly negated: boolean;
  readonly patterns: readonly string[];
  /**
   * The parsed form of every pattern, by position in `patterns`. Present only when a pattern of a
   * Resource or NotResource element in a Version 2012-10-17 policy contains a policy variable or
   * an escape.
   */
  readonly templates?: readonly PolicyTemplate[];
}

/**
 * A policy variable, `${key}` or `${key, 'default'}`. The key is looked up ignoring case, and
 * `defaultValue` replaces a key that is absent or multivalued.
 */
export interface PolicyVariable {
  /** Condition key as written, such as "aws:PrincipalTag/team". */
  readonly variable: string;
  readonly defaultValue?: string;
}

/**
 * One part of a value that contains policy variables. A `text` part is written in the policy, and
 * its `*` and `?` keep whatever wildcard meaning the element gives them. A `literal` part comes
 * from an escape (`${*}`, `${?}` or `${$}`) and is never a wildcard. The third kind is a variable.
 */
export type TemplatePart = { readonly text: string } | { readonly literal: string } | PolicyVariable;

/** A value with policy variables or escapes, split into its parts. */
export type PolicyTemplate = readonly TemplatePart[];

/** Principal types that a Principal object may name. */
export type PrincipalType = "AWS" | "Federated" | "Service" | "CanonicalUser";

/** A Principal element: `"*"`, or the values listed under each principal type. */
export type PrincipalBlock = "*" | Readonly<Partial<Record<PrincipalType, readonly string[]>>>;

/** Set qualifier of a condition operator, written as a prefix such as `ForAnyValue:StringLike`. */
export type SetQualifier = "ForAnyValue" | "ForAllValues";

/** One condition key tested by one operator, with the policy values it allows. */
export interface ConditionClause {
  /** Operator as written in the policy, such as `ForAllValues:StringLikeIfExists`. */
  readonly operator: string;
  /** Operator without prefix and `IfExists` suffix, such as `StringLike` or `Null`. */
  readonly baseOperator: string;
  readonly qualifier?: SetQualifier;
  readonly ifExists: boolean;
  /** Condition key as written. Keys are matched case-insensitively. */
  readonly key: string;
  /** Policy values as strings: JSON numbers keep their text and booleans become "true"/"false". */
  readonly values: readonly string[];
  /**
   * The parsed form of every value, by position in `values`. Present only when a value of a String
   * or Arn operator in a Version 2012-10-17 policy contains a policy variable or an escape.
   */
  readonly templates?: readonly PolicyTemplate[];
}

export interface Statement {
  /** Position of the statement in the document, 0 when Statement is a single object. */
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  readonly action: PatternList;
  /** Absent only in trust policies, where the statement applies to the role itself. */
  readonly resource?: PatternList;
  /** Present only in trust policies. */
  readonly principal?: PrincipalBlock;
  readonly conditions: readonly ConditionClause[];
}

/** A validated policy document. Plain data, so it can be cached or serialized as is. */
export interface Policy {
  readonly kind: PolicyKind;
  readonly version?: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly Statement[];
  /**
   * Matching data derived from `statements` by parsePolicy. A policy built another way should
   * leave it out, and is then compiled on its first evaluation.
   */
  readonly compiled?: CompiledPolicy;
}

/** The caller, described by the values that trust policy principals are matched against. */
export interface PrincipalIdentity {
  /** "AWS" for IAM users, root and role sessions, "Federated" and "Service" for later flows. */
  type: "AWS" | "Federated" | "Service";
  /** Account of an AWS principal: matches "123456789012" and "arn:PARTITION:iam::123456789012:root". */
  accountId?: string;
  /** Partition of the root ARN that names `accountId`, "aws" when absent. */
  partition?: string;
  /**
   * Values that name this principal specifically. An IAM user has its ARN and unique id (AIDA...).
   * A role session has the role ARN, the role's unique id (AROA...) and the session ARN
   * (arn:aws:sts::ACCT:assumed-role/ROLE/SESSION). Root has the root ARN, and a federated caller
   * the provider ARN or name. authorizeRequest distinguishes the role's values (role ARN, AROA id)
   * by their form, because a grant to the role is limited by session policies.
   */
  names: readonly string[];
}

/** Condition keys of a request: a string, or an array for multivalued keys. */
export type ContextKeys = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface RequestContext {
  /** Action such as "sts:AssumeRole" or "iam:CreateUser", compared case-insensitively. */
  action: string;
  /** Resource ARN, compared case-sensitively, segment by segment. */
  resource: string;
  /** Caller, required when evaluating trust (resource) policies. */
  principal?: PrincipalIdentity;
  /**
   * Condition keys, with names matched case-insensitively. An undefined value or an empty array
   * counts as an absent key. Two names that differ only in case must not both be present.
   */
  keys: ContextKeys;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** Kind of principal value that named the caller in a trust policy, from most to least specific. */
export type PrincipalGrant = "principal" | "account" | "wildcard";

/** A statement whose action, resource, principal and conditions all matched the request. */
export interface StatementMatch {
  /** Position of the policy in the list passed to the evaluation, 0 for a single policy. */
  readonly policyIndex: number;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: Effect;
}

/**
 * A condition that failed in a statement whose action, resource and principal matched.
 * `contextValues` repeats request values such as sts:ExternalId, so a message shown to the
 * caller should name only the operator and key.
 */
export interface ConditionFailure extends StatementMatch {
  readonly operator: string;
  readonly key: string;
  /** NOTE: as written in the policy, so policy variables appear unsubstituted. */
  readonly policyValues: readonly string[];
  /** Values of the key in the request, undefined when the key is absent. */
  readonly contextValues: readonly string[] | undefined;
}

export interface Evaluation {
  decision: Decision;
  /**
   * For resource (trust) policies, how the allowing statement named the caller: "principal" when it
   * named the caller's ARN or unique id, "account" when it named the caller's account (root ARN or
   * account id), "wildcard" for "*". The same-account rule of AWS needs this, because a grant to the
   * account delegates the decision to identity policies. Set only when the decision is Allow.
   */
  grantedVia?: PrincipalGrant;
  matched: readonly StatementMatch[];
  failedConditions: readonly ConditionFailure[];
}
