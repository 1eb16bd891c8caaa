/** The BinaryEquals condition operator, over base64 values. */

import { defineOperator, type OperatorEntry } from "./operator.js";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes padded standard base64 into a binary string, or returns undefined when invalid. */
function decodeBase64(text: string): string | undefined {
  return BASE64.test(text) ? atob(text) : undefined;
}

export const BINARY_OPERATORS: readonly OperatorEntry[] = [
  defineOperator("BinaryEquals", {
    validateValue: (policyValue) => (decodeBase64(policyValue) === undefined ? "is not base64" : undefined),
    // A policy value that is not base64 becomes null, which matches nothing.
    preparePolicyValue: (policyValue) => decodeBase64(policyValue) ?? null,
    prepareContextValue: decodeBase64,
    matches: (contextBytes, policyBytes) => contextBytes === policyBytes,
  }),
];
