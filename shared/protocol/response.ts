import type { ServiceError } from "./errors.js";
import { escapeXml, renderElement, type XmlObject } from "./xml.js";

/** Renders `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` for a successful call. */
export function renderResult(namespace: string, action: string, result: XmlObject | undefined, requestId: string): string {
  const body = result === undefined ? "" : renderElement(`${action}Result`, result);
  return (
    `<${action}Response xmlns="${namespace}">${body}` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

/**
 * Renders AWS's `ErrorResponse` document, which SDKs parse for Type, Code and Message. The
 * suffix, such as an encoded authorization failure message, ends the message.
 */
export function renderError(namespace: string, error: ServiceError, requestId: string, messageSuffix = ""): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type>` +
    `<Code>${error.code}</Code><Message>${escapeXml(error.message + messageSuffix)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}
