import { App, Aspects } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import { AwsSolutionsChecks } from "cdk-nag";
import { OpenStsStack, type OpenStsStackProps } from "./stack.js";

/**
 * Builds the CDK app that `npx cdk deploy` runs through infra/cdk/main.ts (see cdk.json). Settings come from CDK context, for
 * example `npx cdk deploy -c accountIds=111111111111,222222222222 -c publicUrl=https://sts.example.com`;
 * docs/deploy.md lists them.
 */
export function buildApp(app = new App()): { app: App; stack: OpenStsStack } {
  const context = (name: string): string | undefined => {
    const value = app.node.tryGetContext(name);
    return value === undefined || value === "" ? undefined : String(value);
  };
  const retentionDays = context("logRetentionDays");
  const domainSettings = ["stsDomainName", "iamDomainName", "certificateArn"].filter((name) => context(name) !== undefined);
  if (domainSettings.length > 0 && domainSettings.length < 3) {
    throw new Error("A custom domain needs all of stsDomainName, iamDomainName and certificateArn.");
  }
  const props: OpenStsStackProps = {
    ...(context("partition") ? { partition: context("partition") } : {}),
    ...(context("accountIds") ? { accountIds: context("accountIds")!.split(",").map((id) => id.trim()).filter((id) => id !== "") } : {}),
    ...(context("publicUrl") ? { publicUrl: context("publicUrl") } : {}),
    ...(context("stsDomainName") && context("iamDomainName") && context("certificateArn")
      ? { domain: { stsDomainName: context("stsDomainName")!, iamDomainName: context("iamDomainName")!, certificateArn: context("certificateArn")! } }
      : {}),
    ...(context("allowLoopbackIssuers") ? { allowLoopbackIssuers: context("allowLoopbackIssuers") === "true" } : {}),
    ...(retentionDays ? { logRetention: (/^\d+$/.test(retentionDays) ? Number(retentionDays) : Number.NaN) as RetentionDays } : {}),
    ...(context("deletionProtection") ? { deletionProtection: context("deletionProtection") !== "false" } : {}),
    // Without account and region the template is environment-agnostic: `cdk deploy` fills them
    // from the credentials it runs with, and `cdk synth` gives the same template everywhere.
    ...(context("account") || context("region") ? { env: { account: context("account"), region: context("region") } } : {}),
  };
  const stack = new OpenStsStack(app, context("stackName") ?? "OpenSts", props);
  // Every synthesis runs AWS Solutions checks; a finding without a suppression fails `cdk synth`.
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return { app, stack };
}
