import {
  type Evaluation,
  evaluateIdentityPolicies,
  evaluateResourcePolicy,
  type Policy,
  type PrincipalIdentity,
  parsePolicy,
} from "../../policy/index.js";
import type { XmlObject } from "../../protocol/xml.js";
import { type Span, statementSpans } from "./positions.js";

/** A policy document given to the simulator, with the id and type IAM reports for its statements. */
export interface SourcedPolicy {
  document: string;
  sourceId: string;
  /** IAM's PolicySourceType, or "IAM Policy" for documents passed in PolicyInputList. */
  sourceType: string;
}

export interface SimulationInput {
  identityPolicies: readonly SourcedPolicy[];
  boundaryPolicies: readonly SourcedPolicy[];
  resourcePolicy?: SourcedPolicy;
  actions: readonly string[];
  resources: readonly string[];
  keys: Readonly<Record<string, string | readonly string[]>>;
  /** The caller that a resource policy's Principal is matched against. */
  caller?: PrincipalIdentity;
  callerAccountId?: string;
  resourceOwnerAccountId?: string;
}

interface Prepared {
  source: SourcedPolicy;
  policy: Policy;
  spans: Span[];
}

type SimulatorDecision = "allowed" | "explicitDeny" | "implicitDeny";

/**
 * Evaluates every action on every resource as IAM's policy simulator does and returns the
 * EvaluationResults: the decision, the statements that decided it with their positions in
 * the documents, and the condition keys the simulation needed but the context lacked.
 */
export function simulate(input: SimulationInput): XmlObject[] {
  const identity = input.identityPolicies.map((source) => prepare(source, "identity"));
  const boundary = input.boundaryPolicies.map((source) => prepare(source, "identity"));
  const resource = input.resourcePolicy ? prepare(input.resourcePolicy, "trust") : undefined;

  const results: XmlObject[] = [];
  for (const action of input.actions) {
    for (const resourceArn of input.resources) {
      const request = { action, resource: resourceArn, keys: input.keys };
      const identityResult = evaluateIdentityPolicies(identity.map((entry) => entry.policy), request);
      const boundaryResult =
        boundary.length > 0 ? evaluateIdentityPolicies(boundary.map((entry) => entry.policy), request) : undefined;
      const resourceResult =
        resource && input.caller
          ? evaluateResourcePolicy(resource.policy, { ...request, principal: input.caller })
          : undefined;

      const decision = combine(identityResult, boundaryResult, resourceResult, input);
      // The statements that decided the result: the Deny statements of an explicit deny, the Allow
      // statements of an allow, and none for an implicit deny.
      const effect = decision === "explicitDeny" ? "Deny" : decision === "allowed" ? "Allow" : undefined;
      const matched =
        effect === undefined
          ? []
          : [
              ...statementsOf(identityResult, identity, effect),
              ...(boundaryResult ? statementsOf(boundaryResult, boundary, effect) : []),
              ...(resourceResult && resource ? statementsOf(resourceResult, [resource], effect) : []),
            ];
      const missing = new Set<string>();
      for (const evaluation of [identityResult, boundaryResult, resourceResult]) {
        for (const failure of evaluation?.failedConditions ?? []) {
          if (failure.contextValues === undefined) missing.add(failure.key);
        }
      }
      results.push({
        EvalActionName: action,
        EvalResourceName: resourceArn,
        EvalDecision: decision,
        MatchedStatements: matched,
        MissingContextValues: [...missing],
        ...(boundaryResult
          ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: boundaryResult.decision === "Allow" } }
          : {}),
      });
    }
  }
  return results;
}

/**
 * Combines the parts as IAM does: an explicit Deny anywhere wins. Otherwise the identity
 * policies must allow, within the permissions boundary when there is one; in the same account
 * a resource policy that names the caller allows on its own, while across accounts the
 * resource policy must allow as well.
 */
function combine(
  identity: Evaluation,
  boundary: Evaluation | undefined,
  resource: Evaluation | undefined,
  input: SimulationInput,
): SimulatorDecision {
  const all = [identity, boundary, resource];
  if (all.some((evaluation) => evaluation?.decision === "ExplicitDeny")) return "explicitDeny";
  const identityAllows = identity.decision === "Allow" && (boundary === undefined || boundary.decision === "Allow");
  if (!resource) return identityAllows ? "allowed" : "implicitDeny";

  const sameAccount = input.callerAccountId === undefined || input.callerAccountId === input.resourceOwnerAccountId;
  const resourceAllows = resource.decision === "Allow";
  if (sameAccount) {
    const resourceSuffices = resourceAllows && resource.grantedVia !== "account";
    return identityAllows || resourceSuffices ? "allowed" : "implicitDeny";
  }
  return identityAllows && resourceAllows ? "allowed" : "implicitDeny";
}

function statementsOf(evaluation: Evaluation, prepared: readonly Prepared[], effect: "Allow" | "Deny"): XmlObject[] {
  return evaluation.matched.filter((match) => match.effect === effect).map((match) => {
    const entry = prepared[match.policyIndex]!;
    const position = entry.policy.statements.findIndex((statement) => statement.index === match.statementIndex);
    const span = entry.spans[position === -1 ? match.statementIndex : position];
    return {
      SourcePolicyId: entry.source.sourceId,
      SourcePolicyType: entry.source.sourceType,
      ...(span ? { StartPosition: { ...span.start }, EndPosition: { ...span.end } } : {}),
    };
  });
}

function prepare(source: SourcedPolicy, kind: "identity" | "trust"): Prepared {
  return { source, policy: parsePolicy(source.document, kind), spans: statementSpans(source.document) };
}
