/** The serial number of a virtual MFA device is its ARN, `arn:PARTITION:iam::ACCOUNT:mfa/PATH/NAME`. */

/** Maximum length of a serial number, as the IAM model limits it on input. */
export const MAX_SERIAL_NUMBER_LENGTH = 256;

export function mfaDeviceArn(partition: string, accountId: string, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:mfa${path}${name}`;
}

export interface ParsedMfaDeviceArn {
  partition: string;
  accountId: string;
  path: string;
  name: string;
}

const MFA_DEVICE_ARN = /^arn:([a-z][a-z0-9-]*):iam::(\d{12}):mfa(\/(?:[\u0021-\u007e]*\/)?)([\w+=,.@-]+)$/;

/** Parses a virtual device's serial number. Returns undefined for anything else, such as a hardware token's serial. */
export function parseMfaDeviceArn(serialNumber: string): ParsedMfaDeviceArn | undefined {
  const match = MFA_DEVICE_ARN.exec(serialNumber);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, path: match[3]!, name: match[4]! };
}
