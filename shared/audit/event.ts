import { randomUUID } from "node:crypto";
import type { Caller } from "../auth/principal.js";

/** Request parameters that are never copied into an audit event, because they are secrets. */
const SECRET_PARAMETERS = new Set([
  "WebIdentityToken",
  "SAMLAssertion",
  "TokenCode",
  "PolicyDocument",
  "Policy",
  "AssumeRolePolicyDocument",
  "AddPrivateKey",
  "SAMLMetadataDocument",
  "AuthenticationCode1",
  "AuthenticationCode2",
  "Base32StringSeed",
  "QRCodePNG",
]);

/** One audit event per call, with CloudTrail's field names. */
export interface AuditEvent {
  eventVersion: "1.08";
  eventTime: string;
  eventSource: string;
  eventName: string;
  eventType: "AwsApiCall";
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  userIdentity?:
    | {
        type: "Root" | "IAMUser" | "AssumedRole" | "FederatedUser";
        principalId: string;
        arn: string;
        accountId: string;
        accessKeyId: string;
        userName?: string;
      }
    | FederatedUser;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  errorCode?: string;
  errorMessage?: string;
  /** Why the call failed, beyond the message: for AccessDenied, the policy explanation. Not a CloudTrail field. */
  errorDetail?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  recipientAccountId?: string;
}

/** The userIdentity CloudTrail records for a call made with a web identity token or a SAML assertion. */
export interface FederatedUser {
  type: "WebIdentityUser" | "SAMLUser";
  /** `<provider>:<audience>:<subject>` for web identity, `<name qualifier>:<subject>` for SAML. */
  principalId: string;
  /** The token's or assertion's subject. */
  userName: string;
  /** The provider's ARN or built-in name. */
  identityProvider: string;
}

/** CloudTrail's userIdentity.type for each kind of principal. */
const IDENTITY_TYPES = { root: "Root", user: "IAMUser", "assumed-role": "AssumedRole", "federated-user": "FederatedUser" } as const;

export interface AuditInput {
  service: string;
  action: string;
  time: Date;
  region: string;
  sourceIp: string;
  userAgent: string;
  requestId: string;
  caller?: Caller;
  /** The verified token holder of an unsigned federation call, and the account of the role it assumed. */
  federatedUser?: { user: FederatedUser; accountId: string };
  input?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  error?: { code: string; message: string; detail?: Record<string, unknown> };
}

export function buildAuditEvent(audit: AuditInput): AuditEvent {
  const event: AuditEvent = {
    eventVersion: "1.08",
    eventTime: `${audit.time.toISOString().slice(0, 19)}Z`,
    eventSource: `${audit.service}.amazonaws.com`,
    eventName: audit.action,
    eventType: "AwsApiCall",
    awsRegion: audit.region,
    sourceIPAddress: audit.sourceIp,
    userAgent: audit.userAgent,
    requestID: audit.requestId,
    eventID: randomUUID(),
  };
  if (audit.caller) {
    const { principal } = audit.caller;
    event.userIdentity = {
      type: IDENTITY_TYPES[principal.kind],
      principalId: principal.userId,
      arn: principal.arn,
      accountId: principal.accountId,
      accessKeyId: audit.caller.accessKeyId,
      ...(principal.kind === "user" ? { userName: principal.userName } : {}),
    };
    event.recipientAccountId = principal.accountId;
  } else if (audit.federatedUser) {
    event.userIdentity = audit.federatedUser.user;
    event.recipientAccountId = audit.federatedUser.accountId;
  }
  if (audit.input) event.requestParameters = redactParameters(audit.input);
  if (audit.responseElements) event.responseElements = audit.responseElements;
  if (audit.error) {
    event.errorCode = audit.error.code;
    event.errorMessage = audit.error.message;
    if (audit.error.detail) event.errorDetail = audit.error.detail;
  }
  return event;
}

/** Copies request parameters with lower-camel-case names, replacing secrets and documents by their length. */
function redactParameters(input: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    copy[key] = SECRET_PARAMETERS.has(name) && typeof value === "string" ? { length: value.length } : value;
  }
  return copy;
}
