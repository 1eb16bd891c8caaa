import { randomUUID } from "node:crypto";
import { type AuditEvent, type AuditInput, buildAuditEvent } from "../audit/event.js";
import { authenticate } from "../auth/authenticate.js";
import { encodeAuthorizationMessage } from "../auth/authorization-message.js";
import { checkSessionScope } from "../auth/session-scope.js";
import type { Caller } from "../auth/principal.js";
import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import { decodeInput } from "../protocol/decode.js";
import { ServiceError, toServiceError } from "../protocol/errors.js";
import type { ServiceModel } from "../protocol/model.js";
import { parseFormEncoded } from "../protocol/query.js";
import { renderError, renderResult } from "../protocol/response.js";
import type { HttpRequestView } from "../sigv4/index.js";
import type { IamStore } from "../store/iam-store.js";
import type { KeySource } from "../federation/oidc/key-source.js";
import type { ActionTable } from "./action.js";
import type { RateLimiter } from "./rate-limiter.js";

/** The largest request body accepted: room for a 100,000-character SAML assertion percent-encoded three times over. */
export const MAX_BODY_BYTES = 512 * 1024;

export interface QueryServiceDefinition {
  model: ServiceModel;
  actions: ActionTable;
  /** Actions that AWS serves without a signature (web identity and SAML federation). */
  unsignedActions?: ReadonlySet<string>;
}

export interface QueryDependencies {
  store: IamStore;
  ring: KeyRing;
  config: ServiceConfig;
  /** Verification keys of web identity providers. */
  oidcKeys: KeySource;
  /** Requests per source address to the unsigned actions. */
  unsignedLimiter: RateLimiter;
}

export interface ClientFacts {
  sourceIp: string;
  userAgent: string;
  secureTransport: boolean;
}

export interface QueryResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  audit: AuditEvent;
  /** The unexpected fault behind a 5xx, for the log; never rendered. */
  fault?: unknown;
}

const DEFAULT_REGION = "us-east-1";

/**
 * Serves one AWS Query-protocol request end to end: read the parameters, authenticate the
 * signature, decode and validate the input against the model, run the action, and render XML.
 * Every failure becomes an ErrorResponse with AWS's code and status.
 */
export async function handleQueryRequest(
  service: QueryServiceDefinition,
  request: HttpRequestView,
  client: ClientFacts,
  dependencies: QueryDependencies,
  now: Date = new Date(),
): Promise<QueryResponse> {
  const requestId = randomUUID();
  const namespace = service.model.xmlNamespace;
  let action = "Unknown";
  let caller: Caller | undefined;
  let input: Record<string, unknown> | undefined;
  let region = DEFAULT_REGION;

  try {
    if (request.body.length > MAX_BODY_BYTES) {
      throw new ServiceError("RequestEntityTooLarge", `The request body exceeds the maximum of ${MAX_BODY_BYTES} bytes.`);
    }
    const params = readParameters(request);
    action = readAction(service.model, params);

    const unsigned = service.unsignedActions?.has(action) === true;
    if (unsigned && !dependencies.unsignedLimiter.take(client.sourceIp)) {
      throw new ServiceError("Throttling", "Rate exceeded");
    }
    if (!unsigned) {
      caller = await authenticate(request, {
        store: dependencies.store,
        ring: dependencies.ring,
        partition: dependencies.config.partition,
        services: [service.model.service],
        maxSkewSeconds: dependencies.config.maxSkewSeconds,
        now,
      });
      region = caller.signingRegion;
      // Like an invalid token, credentials that may not call this action are rejected before
      // the parameters are read, so the audit line has none.
      checkSessionScope(service.model.service, action, caller);
    }
    const definition = service.actions[action];
    if (!definition || (definition.unsigned !== true) !== (caller !== undefined)) {
      throw new ServiceError("InvalidAction", `The action ${action} is not supported by this version of Open STS.`);
    }
    input = decodeInput(service.model, action, params);
    const context = {
      store: dependencies.store,
      ring: dependencies.ring,
      config: dependencies.config,
      oidcKeys: dependencies.oidcKeys,
      requestId,
      facts: { now, region, ...client },
    };
    const output = definition.unsigned ? await definition.run(input, context) : await definition.run(input, { ...context, caller: caller! });
    return {
      statusCode: 200,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: renderResult(namespace, action, output.result, requestId),
      audit: auditOf({ output: output.responseElements, federatedUser: output.federatedUser }),
    };
  } catch (thrown) {
    const error = toServiceError(thrown);
    const encoded = await encodeFailure(error);
    return {
      statusCode: error.status,
      headers: { "content-type": "text/xml", "x-amzn-requestid": requestId },
      body: renderError(namespace, error, requestId, encoded === undefined ? "" : `. Encoded authorization failure message: ${encoded}`),
      audit: auditOf({ error }),
      ...(error.status >= 500 ? { fault: thrown } : {}),
    };
  }

  /** Seals the decision behind an AccessDenied for DecodeAuthorizationMessage by the caller's account. */
  async function encodeFailure(error: ServiceError): Promise<string | undefined> {
    if (error.authorizationFailure === undefined || caller === undefined) return undefined;
    return encodeAuthorizationMessage(dependencies.ring, caller.principal.accountId, error.authorizationFailure, now);
  }

  function auditOf(outcome: { output?: Record<string, unknown>; error?: ServiceError; federatedUser?: AuditInput["federatedUser"] }): AuditEvent {
    return buildAuditEvent({
      service: service.model.service,
      action,
      time: now,
      region,
      sourceIp: client.sourceIp,
      userAgent: client.userAgent,
      requestId,
      ...(caller ? { caller } : {}),
      ...(outcome.federatedUser ? { federatedUser: outcome.federatedUser } : {}),
      ...(input ? { input } : {}),
      ...(outcome.output ? { responseElements: outcome.output } : {}),
      ...(outcome.error
        ? {
            error: {
              code: outcome.error.code,
              message: outcome.error.message,
              ...(outcome.error.detail ? { detail: outcome.error.detail } : {}),
            },
          }
        : {}),
    });
  }
}

/**
 * Collects the action parameters from the query string and, for a form-encoded POST, the body.
 * SigV4 query-auth parameters (X-Amz-*) belong to the signature, not to the action.
 */
function readParameters(request: HttpRequestView): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of parseFormEncoded(request.rawQuery)) {
    if (!name.startsWith("X-Amz-")) params.set(name, value);
  }
  if (request.method === "POST" && request.body.length > 0) {
    const contentType = request.headers["content-type"] ?? "application/x-www-form-urlencoded";
    if (!contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      throw new ServiceError("InvalidParameterValue", "The request body must be application/x-www-form-urlencoded.");
    }
    parseFormEncoded(Buffer.from(request.body).toString("utf8"), params);
  } else if (request.method !== "POST" && request.method !== "GET") {
    throw new ServiceError("InvalidAction", `The HTTP method ${request.method} is not supported; use GET or POST.`);
  }
  return params;
}

function readAction(model: ServiceModel, params: ReadonlyMap<string, string>): string {
  const action = params.get("Action");
  if (action === undefined || action === "") {
    throw new ServiceError("MissingAction", "The request must contain the parameter Action.");
  }
  const version = params.get("Version");
  const known = Object.hasOwn(model.operations, action);
  if (!known || (version !== undefined && version !== model.apiVersion)) {
    throw new ServiceError("InvalidAction", `Could not find operation ${action} for version ${version ?? model.apiVersion}`);
  }
  return action;
}
