import type { FederatedUser } from "../audit/event.js";
import type { Caller } from "../auth/principal.js";
import type { RequestFacts } from "../auth/request-keys.js";
import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import type { KeySource } from "../federation/oidc/key-source.js";
import type { XmlObject } from "../protocol/xml.js";
import type { IamStore } from "../store/iam-store.js";

/** Context of an unsigned action call: the service's dependencies and the request's facts. */
export interface UnsignedCallContext {
  store: IamStore;
  ring: KeyRing;
  config: ServiceConfig;
  /** Verification keys of web identity providers. */
  oidcKeys: KeySource;
  facts: RequestFacts;
  requestId: string;
}

/** Context of one signed action call: the authenticated caller and the service's dependencies. */
export interface CallContext extends UnsignedCallContext {
  caller: Caller;
}

export interface ActionOutput {
  /** The content of `<ActionResult>`; undefined for actions that return only metadata. */
  result?: XmlObject;
  /** Audit copy of the response, without secrets. */
  responseElements?: Record<string, unknown>;
  /** The verified token holder of an unsigned federation call, for the audit line. */
  federatedUser?: { user: FederatedUser; accountId: string };
}

export interface ActionDefinition {
  unsigned?: false;
  run(input: Record<string, unknown>, context: CallContext): Promise<ActionOutput>;
}

/** An action served without a signature, such as web identity federation, whose input carries its own proof. */
export interface UnsignedActionDefinition {
  unsigned: true;
  run(input: Record<string, unknown>, context: UnsignedCallContext): Promise<ActionOutput>;
}

/** The actions one API surface serves, by action name. */
export type ActionTable = Readonly<Record<string, ActionDefinition | UnsignedActionDefinition>>;
