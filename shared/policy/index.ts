/** The IAM policy engine: parsing, matching and evaluation of identity, session and trust policies. */

export { matchesArn, splitArn } from "./arn.js";
export type {
  AuthorizationExplanation,
  AuthorizationInput,
  AuthorizationResult,
  PolicyType,
} from "./authorize-request.js";
export { authorizeRequest } from "./authorize-request.js";
export { conditionOperatorNames } from "./conditions/registry.js";
export { evaluateIdentityPolicies, evaluateResourcePolicy } from "./evaluate.js";
export { parsePolicy } from "./parse.js";
export type { GrantScope } from "./principal.js";
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
  PolicyTemplate,
  PolicyVariable,
  PolicyVersion,
  PrincipalBlock,
  PrincipalGrant,
  PrincipalIdentity,
  PrincipalType,
  RequestContext,
  SetQualifier,
  Statement,
  StatementMatch,
  TemplatePart,
} from "./types.js";
export { foldCase, matchesWildcard } from "./wildcard.js";
