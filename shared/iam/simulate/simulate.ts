import { authorizeRequest, type Evaluation, type Policy, type PrincipalIdentity, parsePolicy } from "../../policy/index.js";
import { ServiceError } from "../../protocol/errors.js";
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

/**
 * Evaluates every action on every resource as IAM's policy simulator does and returns the
 * EvaluationResults: the decision, the statements that decided it with their positions in
 * the documents, and the condition keys the simulation needed but the context lacked.
 */
export function simulate(input: SimulationInput): XmlObject[] {
  const identity = input.identityPolicies.map((source) => prepare(source, "identity"));
  const boundary = input.boundaryPolicies.map((source) => prepare(source, "identity"));
  if (boundary.length > 1) {
    throw new ServiceError("InvalidInput", "PermissionsBoundaryPolicyInputList can contain only one policy.");
  }
  const resource = input.resourcePolicy ? prepare(input.resourcePolicy, "trust") : undefined;
  const callerAccountId = input.callerAccountId ?? input.resourceOwnerAccountId;

  const results: XmlObject[] = [];
  for (const action of input.actions) {
    for (const resourceArn of input.resources) {
      const result = authorizeRequest({
        request: {
          action,
          resource: resourceArn,
          keys: input.keys,
          ...(resource && input.caller ? { principal: input.caller } : {}),
        },
        callerAccountId: callerAccountId ?? "",
        resourceAccountId: input.resourceOwnerAccountId ?? callerAccountId ?? "",
        identityPolicies: identity.map((entry) => entry.policy),
        ...(boundary[0] ? { permissionsBoundary: boundary[0].policy } : {}),
        ...(resource && input.caller ? { resourcePolicy: resource.policy, resourcePolicyMode: "resource" as const } : {}),
      });
      const decision = DECISIONS[result.decision];
      const { explanation } = result;

      // The statements that decided the result: the Deny statements of an explicit deny, the Allow
      // statements of an allow, and none for an implicit deny.
      const matched: XmlObject[] = [];
      if (decision !== "implicitDeny") {
        const effect = decision === "explicitDeny" ? "Deny" : "Allow";
        matched.push(...statementsOf(explanation.identity, identity, effect));
        if (explanation.boundary) matched.push(...statementsOf(explanation.boundary, boundary, effect));
        if (explanation.resource && resource) matched.push(...statementsOf(explanation.resource, [resource], effect));
      }
      const missing = new Set<string>();
      for (const evaluation of [explanation.identity, explanation.boundary, explanation.resource]) {
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
        ...(explanation.boundary
          ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: explanation.boundary.decision === "Allow" } }
          : {}),
      });
    }
  }
  return results;
}

const DECISIONS = { Allow: "allowed", ExplicitDeny: "explicitDeny", ImplicitDeny: "implicitDeny" } as const;

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
