/** A request with the work that every statement would repeat done once per evaluation. */

import { type ContextValues, checkKeyNames, indexContextKeys } from "./context.js";
import type { RequestContext } from "./types.js";
import { foldCase } from "./wildcard.js";

export class PreparedRequest {
  /** The action after foldCase, as compiled action patterns are. */
  readonly action: string;
  private index: ContextValues | undefined;
  private keyNamesChecked = false;

  constructor(readonly request: RequestContext) {
    this.action = foldCase(request.action);
  }

  /** Returns the request's condition keys by lower-cased name, indexing them on first use. */
  contextValues(): ContextValues {
    if (this.index === undefined) {
      this.index = indexContextKeys(this.request.keys);
      this.keyNamesChecked = true;
    }
    return this.index;
  }

  /**
   * Throws TypeError when two condition key names differ only in case, as contextValues does,
   * for evaluations that never needed the index.
   */
  checkKeyNames(): void {
    if (this.keyNamesChecked) return;
    checkKeyNames(this.request.keys);
    this.keyNamesChecked = true;
  }
}
