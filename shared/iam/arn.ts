/** Builders and parsers for the ARNs IAM and STS use. Paths begin and end with `/`. */

export function rootArn(partition: string, accountId: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

export function userArn(partition: string, accountId: string, path: string, userName: string): string {
  return `arn:${partition}:iam::${accountId}:user${path}${userName}`;
}

export function roleArn(partition: string, accountId: string, path: string, roleName: string): string {
  return `arn:${partition}:iam::${accountId}:role${path}${roleName}`;
}

/** Builds the ARN of a role session. It contains the role's name without its path, as in AWS. */
export function assumedRoleArn(partition: string, accountId: string, roleName: string, sessionName: string): string {
  return `arn:${partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** Builds the ARN of a GetFederationToken session. */
export function federatedUserArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:sts::${accountId}:federated-user/${name}`;
}

export interface ParsedRoleArn {
  partition: string;
  accountId: string;
  path: string;
  roleName: string;
}

const ROLE_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):role(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]{1,64})$/;

/** Parses `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`; returns undefined for anything else. */
export function parseRoleArn(arn: string): ParsedRoleArn | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, path: match[3]!, roleName: match[4]! };
}

/** Builds the ARN of an OIDC identity provider from its URL without the scheme, as IAM does. */
export function oidcProviderArn(partition: string, accountId: string, urlWithoutScheme: string): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${urlWithoutScheme}`;
}

export interface ParsedOidcProviderArn {
  partition: string;
  accountId: string;
  urlWithoutScheme: string;
}

const OIDC_PROVIDER_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):oidc-provider\/(.+)$/;

/** Parses `arn:PARTITION:iam::ACCOUNT:oidc-provider/HOST/PATH`; returns undefined for anything else. */
export function parseOidcProviderArn(arn: string): ParsedOidcProviderArn | undefined {
  const match = OIDC_PROVIDER_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, urlWithoutScheme: match[3]! };
}

/** Builds the ARN of a SAML identity provider from its name. */
export function samlProviderArn(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:saml-provider/${name}`;
}

export interface ParsedSamlProviderArn {
  partition: string;
  accountId: string;
  name: string;
}

const SAML_PROVIDER_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):saml-provider\/([\w.-]{1,128})$/;

/** Parses `arn:PARTITION:iam::ACCOUNT:saml-provider/NAME`; returns undefined for anything else. */
export function parseSamlProviderArn(arn: string): ParsedSamlProviderArn | undefined {
  const match = SAML_PROVIDER_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, name: match[3]! };
}

/** Builds the ARN of a customer managed policy from its path and name. */
export function managedPolicyArn(partition: string, accountId: string, path: string, policyName: string): string {
  return `arn:${partition}:iam::${accountId}:policy${path}${policyName}`;
}

export interface ParsedManagedPolicyArn {
  partition: string;
  /** A 12-digit account id, or `aws` for an AWS managed policy. */
  accountId: string;
  path: string;
  policyName: string;
}

const MANAGED_POLICY_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}|aws):policy(\/(?:[A-Za-z0-9.,+@=_-]+\/)*)([\w+=,.@-]{1,128})$/;

/** Parses `arn:PARTITION:iam::ACCOUNT:policy/PATH/NAME`; returns undefined for anything else. */
export function parseManagedPolicyArn(arn: string): ParsedManagedPolicyArn | undefined {
  const match = MANAGED_POLICY_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, path: match[3]!, policyName: match[4]! };
}
