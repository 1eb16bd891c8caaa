/** The IAM policy engine: parsing, matching and evaluation of identity, session and trust policies. */

export { matchesArn, splitArn } from "./arn.js";
export { conditionOperatorNames } from "./conditions/registry.js";
export { evaluateIdentityPolicies, evaluateResourcePolicy } from "./evaluate.js";
export { parsePolicy } from "./parse.js";
export { matchPrincipal } from "./principal.js";
export type {
  ConditionClause,
  ConditionFailure,
  ContextKeys,
  Decision,
  Effect,
  Evaluation,
  PatternList,
  Policy,
  PolicyKind,
  PolicyVersion,
  PrincipalBlock,
  PrincipalGrant,
  PrincipalIdentity,
  PrincipalType,
  RequestContext,
  SetQualifier,
  Statement,
  StatementMatch,
} from "./types.js";
export { foldCase, matchesWildcard } from "./wildcard.js";
