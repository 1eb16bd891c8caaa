import { ServiceError } from "../protocol/errors.js";

/** AWS's wording for a signature that does not verify; it names no part of the request. */
const SIGNATURE_DOES_NOT_MATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

export function incompleteSignature(message: string): ServiceError {
  return new ServiceError("IncompleteSignature", message);
}

export function signatureDoesNotMatch(message = SIGNATURE_DOES_NOT_MATCH): ServiceError {
  return new ServiceError("SignatureDoesNotMatch", message);
}
