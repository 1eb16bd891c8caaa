import { createHash } from "node:crypto";
import type { ErrorCode } from "../../../shared/protocol/errors.js";
import type { HttpRequestView, ParsedSignature } from "../../../shared/sigv4/index.js";
import {
  queryPairs,
  shiftAmzDate,
  withAuthorizationField,
  withChanges,
  withCredential,
  withHeader,
  withQueryPair,
} from "./request-edits.js";

export interface Mutation {
  label: string;
  request: HttpRequestView;
  expected: ErrorCode;
}

/**
 * Builds one changed request per signed part of `request`. The parts are the method, the path,
 * each query parameter's name and value, each signed header's value and presence, the body, the
 * signature, and the scope's date, region and service (and a presigned URL's access key id).
 * Each change keeps the request well-formed unless `expected` is IncompleteSignature, so a
 * SignatureDoesNotMatch shows that the signature caught it. `tokenSigned` is false when the
 * session token was added after signing (post-sts-header-after).
 */
export function signedPartMutations(request: HttpRequestView, parsed: ParsedSignature, tokenSigned: boolean): Mutation[] {
  const mutations: Mutation[] = [];
  const add = (label: string, changed: HttpRequestView, expected: ErrorCode = "SignatureDoesNotMatch"): void => {
    mutations.push({ label, request: changed, expected });
  };

  add("method", withChanges(request, { method: request.method === "GET" ? "POST" : "GET" }));
  add("path", withChanges(request, { path: `${request.path}x` }));
  add("added query parameter", withChanges(request, { rawQuery: [...queryPairs(request), "Extra=1"].join("&") }));

  queryPairs(request).forEach((pair, index) => {
    const equals = pair.indexOf("=");
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const rawValue = equals === -1 ? "" : pair.slice(equals + 1);
    const name = decodeURIComponent(rawName);
    const value = decodeURIComponent(rawValue);
    const setValue = (next: string) => withQueryPair(request, index, `${rawName}=${encodeURIComponent(next)}`);
    if (name === "X-Amz-Signature" || name === "X-Amz-Credential") {
      // The signature's and the scope's own mutations are below.
    } else if (name === "X-Amz-Algorithm") {
      add("X-Amz-Algorithm", setValue("AWS4-HMAC-SHA512"), "IncompleteSignature");
    } else if (name === "X-Amz-Date") {
      add("X-Amz-Date one second later", setValue(shiftAmzDate(value, 1)));
    } else if (name === "X-Amz-Expires") {
      add("X-Amz-Expires", setValue(String(Number(value) - 1)));
    } else if (name === "X-Amz-SignedHeaders") {
      for (const [label, list, expected] of signedHeaderListMutations(value)) add(label, setValue(list), expected);
    } else if (name === "X-Amz-Security-Token") {
      if (tokenSigned) add("X-Amz-Security-Token", setValue(`${value}x`));
    } else {
      add(`query name ${name}`, withQueryPair(request, index, `${rawName}x=${rawValue}`));
      add(`query value ${name}`, setValue(`${value}x`));
      add(`query parameter ${name} removed`, withQueryPair(request, index, undefined));
    }
  });

  for (const name of parsed.signedHeaders) {
    const value = request.headers[name]!;
    const changed =
      name === "x-amz-date"
        ? shiftAmzDate(value, 1)
        : name === "x-amz-content-sha256"
          ? createHash("sha256").update("another body").digest("hex")
          : `${value}x`;
    add(`header ${name}`, withHeader(request, name, changed));
    add(`header ${name} removed`, withHeader(request, name, undefined), "IncompleteSignature");
  }
  if (request.headers.authorization !== undefined) {
    for (const [label, list, expected] of signedHeaderListMutations(parsed.signedHeaders.join(";"))) {
      add(label, withAuthorizationField(request, "SignedHeaders", () => list), expected);
    }
  }

  add("body", withChanges(request, { body: new Uint8Array([...request.body, 0x78]) }));

  const last = parsed.signature.at(-1) === "0" ? "1" : "0";
  const signature = `${parsed.signature.slice(0, -1)}${last}`;
  const upper = parsed.signature.toUpperCase();
  if (request.headers.authorization !== undefined) {
    add("signature", withAuthorizationField(request, "Signature", () => signature));
    add("signature in upper case", withAuthorizationField(request, "Signature", () => upper));
  } else {
    const index = queryPairs(request).findIndex((pair) => pair.startsWith("X-Amz-Signature="));
    add("signature", withQueryPair(request, index, `X-Amz-Signature=${signature}`));
    add("signature in upper case", withQueryPair(request, index, `X-Amz-Signature=${upper}`));
  }

  add("scope date", withCredential(request, ([key, date, ...rest]) => [key!, String(Number(date) + 1), ...rest]));
  add("scope region", withCredential(request, ([key, date, , ...rest]) => [key!, date!, "us-west-2", ...rest]));
  add("scope service", withCredential(request, ([key, date, region, , end]) => [key!, date!, region!, "other", end!]));
  if (parsed.form === "query") {
    add("access key id", withCredential(request, ([key, ...rest]) => [`${key}X`, ...rest]));
  }
  return mutations;
}

/** Returns a shorter list that keeps host (a wrong signature) and one without host (malformed). */
function signedHeaderListMutations(list: string): [string, string, ErrorCode][] {
  const names = list.split(";");
  const droppable = names.filter((name) => name !== "host" && name !== "x-amz-date");
  const mutations: [string, string, ErrorCode][] = [
    ["SignedHeaders without host", names.filter((name) => name !== "host").join(";") || "x-amz-date", "IncompleteSignature"],
  ];
  if (droppable.length > 0) {
    const dropped = droppable.at(-1)!;
    mutations.push([`SignedHeaders without ${dropped}`, names.filter((name) => name !== dropped).join(";"), "SignatureDoesNotMatch"]);
  }
  return mutations;
}
