import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import type { Credentials } from "./clients.js";

/** The demo root key that `npm start` uses for account 000000000000 when none is configured. */
export const DEMO_ROOT: Credentials = {
  accessKeyId: "AKIAOPENSTSLOCALROOT",
  secretAccessKey: "OpenStsLocalDemoRootSecretKey0000000000X",
};

export function iamClient(endpoint: string, credentials: Credentials): IAMClient {
  return new IAMClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

export function stsClient(endpoint: string, credentials: Credentials): STSClient {
  return new STSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
}

export function trustPolicy(principal: unknown, condition?: unknown): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole", ...(condition ? { Condition: condition } : {}) },
    ],
  });
}

export function allowPolicy(action: string, resource: string): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: resource }] });
}
