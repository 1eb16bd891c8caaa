import { type ErrorCode, ServiceError } from "../../../shared/protocol/errors.js";
import { type HttpRequestView, parseSignature, type VerifyOptions, verifySignature } from "../../../shared/sigv4/index.js";

export type Outcome = "accepted" | ErrorCode;

/** Parses and verifies as a handler would; "accepted", or the code of the ServiceError thrown. */
export async function outcomeOf(request: HttpRequestView, options: VerifyOptions): Promise<Outcome> {
  try {
    await verifySignature(request, parseSignature(request), options);
    return "accepted";
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
}

/** Returns the ServiceError a promise rejects with, for asserting code and message together. */
export async function rejectionOf(promise: Promise<unknown>): Promise<{ code: string; message: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ServiceError) return { code: error.code, message: error.message, status: error.status };
    throw error;
  }
  throw new Error("expected a ServiceError, but the promise resolved");
}

/** Returns the ServiceError that synchronous code throws. */
export function errorOf(run: () => unknown): { code: string; message: string; status: number } {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return { code: error.code, message: error.message, status: error.status };
    throw error;
  }
  throw new Error("expected a ServiceError, but nothing was thrown");
}
