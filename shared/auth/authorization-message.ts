import type { KeyRing } from "../credentials/keyring.js";
import { open, seal } from "../credentials/sealed.js";
import type { AuthorizationResult, Policy, PolicyType, Statement, StatementMatch } from "../policy/index.js";
import type { Principal } from "./principal.js";

/**
 * The encoded authorization failure message of AccessDenied responses, which
 * DecodeAuthorizationMessage opens. The decision is described in the JSON shape AWS uses
 * (`allowed`, `explicitDeny`, `matchedStatements`, `failures`, `context`, with lists wrapped in
 * `items`), filled from the policy engine's explanation. The message is a compact JWE under the
 * key ring, so only this service can read it, and it names the account whose principals may.
 */

/** The longest EncodedMessage that DecodeAuthorizationMessage accepts. */
export const MAX_ENCODED_MESSAGE_LENGTH = 10_240;
/** How long an encoded message can be decoded. AWS does not document its bound, so this one is Open STS's own. */
export const MESSAGE_LIFETIME_SECONDS = 24 * 3600;

/** Condition keys whose values are shared secrets: the message shows neither the request's nor a policy's values. */
const SECRET_KEYS = new Set(["sts:externalid"]);

function isSecretKey(key: string): boolean {
  return SECRET_KEYS.has(key.toLowerCase());
}

export interface DeniedRequest {
  principal: Principal;
  action: string;
  resource: string;
  keys: Readonly<Record<string, string | readonly string[] | undefined>>;
  result: AuthorizationResult;
  /** The policies evaluated, by type, in the order the explanation's indexes refer to. */
  policies: Partial<Record<PolicyType, readonly Policy[]>>;
}

type Items<T> = { items: T[] };
const items = <T>(list: T[]): Items<T> => ({ items: list });
const values = (list: readonly string[]) => items(list.map((value) => ({ value })));

/** Describes a denied request in AWS's decoded-message shape. */
export function describeDenial(denied: DeniedRequest): Record<string, unknown> {
  const { result, principal } = denied;
  const matched: unknown[] = [];
  const failures: unknown[] = [];
  // A resource policy belongs to the resource's owner, possibly another account, so its
  // statements stay out of a message that the caller's account decodes.
  for (const type of ["identity", "boundary", "session"] as const) {
    const evaluation = result.explanation[type];
    if (!evaluation) continue;
    const policies = denied.policies[type] ?? [];
    for (const match of evaluation.matched) {
      matched.push(describeStatement(type, match, findStatement(policies, match), principal));
    }
    for (const failure of evaluation.failedConditions) {
      failures.push({
        policyType: type,
        ...(failure.sid === undefined ? {} : { statementId: failure.sid }),
        statementIndex: failure.statementIndex,
        operator: failure.operator,
        key: failure.key,
        values: values(isSecretKey(failure.key) ? [] : failure.policyValues),
        keyPresent: failure.contextValues !== undefined,
      });
    }
  }
  const conditions = Object.entries(denied.keys)
    .filter(([key, value]) => value !== undefined && !isSecretKey(key))
    .map(([key, value]) => ({ key, values: values(typeof value === "string" ? [value] : [...(value as readonly string[])]) }));
  return {
    allowed: false,
    explicitDeny: result.decision === "ExplicitDeny",
    matchedStatements: items(matched),
    failures: items(failures),
    context: {
      principal: { id: principal.userId, name: principalName(principal), arn: principal.arn },
      action: denied.action,
      resource: denied.resource,
      conditions: items(conditions),
    },
  };
}

function findStatement(policies: readonly Policy[], match: StatementMatch): Statement | undefined {
  return policies[match.policyIndex]?.statements.find((statement) => statement.index === match.statementIndex);
}

function describeStatement(type: PolicyType, match: StatementMatch, statement: Statement | undefined, principal: Principal): Record<string, unknown> {
  const described: Record<string, unknown> = {
    ...(match.sid === undefined ? {} : { statementId: match.sid }),
    policyType: type,
    effect: match.effect.toUpperCase(),
    principals: values([principal.userId]),
    principalGroups: items([]),
  };
  if (statement) {
    described[statement.action.negated ? "notActions" : "actions"] = values(statement.action.patterns);
    if (statement.resource) described[statement.resource.negated ? "notResources" : "resources"] = values(statement.resource.patterns);
    described.conditions = items(
      statement.conditions.map((clause) => ({ key: clause.key, operator: clause.operator, values: values(isSecretKey(clause.key) ? [] : clause.values) })),
    );
  }
  return described;
}

function principalName(principal: Principal): string {
  switch (principal.kind) {
    case "root":
      return principal.accountId;
    case "user":
      return principal.userName;
    case "assumed-role":
      return `${principal.roleName}/${principal.sessionName}`;
    case "federated-user":
      return principal.name;
  }
}

interface SealedMessage {
  v: 1;
  /** The account whose principals may decode the message. */
  account: string;
  /** Expiry, epoch seconds. */
  exp: number;
  message: Record<string, unknown>;
}

/**
 * Seals a decoded-message description. A description too long for DecodeAuthorizationMessage's
 * input limit loses its request context values first, then its statements and failures, and is
 * marked `truncated`.
 */
export async function encodeAuthorizationMessage(ring: KeyRing, accountId: string, message: Record<string, unknown>, now: Date): Promise<string> {
  const exp = Math.floor(now.getTime() / 1000) + MESSAGE_LIFETIME_SECONDS;
  const sealOne = (body: Record<string, unknown>) => seal(ring, "authorization-message", { v: 1, account: accountId, exp, message: body } satisfies SealedMessage);
  let encoded = await sealOne(message);
  if (encoded.length <= MAX_ENCODED_MESSAGE_LENGTH) return encoded;
  const context = message.context as Record<string, unknown>;
  const shorter = { ...message, context: { ...context, conditions: items([]) }, truncated: true };
  encoded = await sealOne(shorter);
  if (encoded.length <= MAX_ENCODED_MESSAGE_LENGTH) return encoded;
  return sealOne({ ...shorter, matchedStatements: items([]), failures: items([]) });
}

/** The outcome of opening an encoded message for a caller of `accountId`. */
export type OpenedMessage = { ok: true; message: Record<string, unknown> } | { ok: false; reason: "invalid" | "expired" | "other-account" };

export async function decodeAuthorizationMessage(ring: KeyRing, encoded: string, accountId: string, now: Date): Promise<OpenedMessage> {
  const opened = await open(ring, "authorization-message", encoded);
  const payload = opened?.payload as Partial<SealedMessage> | undefined;
  if (payload?.v !== 1 || typeof payload.exp !== "number" || typeof payload.account !== "string" || typeof payload.message !== "object") {
    return { ok: false, reason: "invalid" };
  }
  if (payload.exp * 1000 <= now.getTime()) return { ok: false, reason: "expired" };
  if (payload.account !== accountId) return { ok: false, reason: "other-account" };
  return { ok: true, message: payload.message };
}
