import type { Caller } from "../auth/principal.js";
import type { RequestFacts } from "../auth/request-keys.js";
import type { ServiceConfig } from "../config/service-config.js";
import type { KeyRing } from "../credentials/keyring.js";
import type { XmlObject } from "../protocol/xml.js";
import type { IamStore } from "../store/iam-store.js";

/** Context of one action call: the authenticated caller and the service's dependencies. */
export interface CallContext {
  caller: Caller;
  store: IamStore;
  ring: KeyRing;
  config: ServiceConfig;
  facts: RequestFacts;
  requestId: string;
}

export interface ActionOutput {
  /** The content of `<ActionResult>`; undefined for actions that return only metadata. */
  result?: XmlObject;
  /** Audit copy of the response, without secrets. */
  responseElements?: Record<string, unknown>;
}

export interface ActionDefinition {
  run(input: Record<string, unknown>, context: CallContext): Promise<ActionOutput>;
}

/** The actions one API surface serves, by action name. */
export type ActionTable = Readonly<Record<string, ActionDefinition>>;
