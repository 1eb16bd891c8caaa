/**
 * The single error type that crosses the wire. Every STS and IAM fault we return is a
 * ServiceError whose `code` is the AWS error code, so handlers never decide statuses.
 */

/** AWS error codes with the HTTP status AWS returns for each. */
const STATUS_BY_CODE = {
  AccessDenied: 403,
  ConcurrentModification: 409,
  DeleteConflict: 409,
  EntityAlreadyExists: 409,
  EntityTemporarilyUnmodifiable: 409,
  ExpiredToken: 403,
  ExpiredTokenException: 400,
  ExpiredTradeInTokenException: 400,
  FeatureDisabled: 404,
  FeatureEnabled: 409,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidAuthenticationCode: 403,
  InvalidAuthorizationMessageException: 400,
  InvalidClientTokenId: 403,
  InvalidIdentityToken: 400,
  InvalidInput: 400,
  InvalidParameterValue: 400,
  JWTPayloadSizeExceededException: 400,
  LimitExceeded: 409,
  MalformedPolicyDocument: 400,
  MalformedQueryString: 404,
  MissingAction: 400,
  MissingAuthenticationToken: 403,
  MissingParameter: 400,
  NoSuchEntity: 404,
  OutboundWebIdentityFederationDisabledException: 403,
  PackedPolicyTooLarge: 400,
  RegionDisabledException: 403,
  RequestEntityTooLarge: 413,
  RequestExpired: 400,
  ServiceUnavailable: 503,
  SessionDurationEscalationException: 403,
  SignatureDoesNotMatch: 403,
  Throttling: 400,
  ValidationError: 400,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export interface ServiceErrorOptions {
  /** Overrides the status AWS uses for the code, for the few codes whose status differs between IAM and STS. */
  status?: number;
  cause?: unknown;
  /** Facts for the log that the caller does not see, such as why a policy denied; never secrets. */
  detail?: Record<string, unknown>;
  /**
   * The decision behind an AccessDenied, which the response carries sealed at the end of its
   * message for DecodeAuthorizationMessage.
   */
  authorizationFailure?: Record<string, unknown>;
}

export class ServiceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: Record<string, unknown> | undefined;
  readonly authorizationFailure: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ServiceError";
    this.code = code;
    this.status = options.status ?? STATUS_BY_CODE[code];
    this.detail = options.detail;
    this.authorizationFailure = options.authorizationFailure;
  }

  /** `Sender` for client faults, `Receiver` for server faults, as in AWS's ErrorResponse. */
  get type(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

/** Maps anything thrown below the handler to a ServiceError, hiding the detail of unexpected faults. */
export function toServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  return new ServiceError("InternalFailure", "The request processing has failed because of an unknown error.", {
    cause: error,
  });
}
