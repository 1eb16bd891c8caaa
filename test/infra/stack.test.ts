import { App, Aspects, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { Topic } from "aws-cdk-lib/aws-sns";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../infra/cdk/build-app.js";
import { OpenStsStack } from "../../infra/cdk/stack.js";

/**
 * Synthesizes the deployment stack in memory without AWS credentials. Asset bundling is
 * skipped here (the `aws:cdk:bundling-stacks` context), because `npx cdk synth` in CI and the
 * bundle benchmark build the real bundles.
 */
function synthesize(props: ConstructorParameters<typeof OpenStsStack>[2] = {}): { stack: OpenStsStack; template: Template } {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new OpenStsStack(app, "OpenSts", { env: { account: "123456789012", region: "eu-west-1" }, ...props });
  Aspects.of(stack).add(new AwsSolutionsChecks());
  return { stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe("the deployment stack", () => {
  let stack: OpenStsStack;
  let template: Template;

  beforeAll(() => {
    ({ stack, template } = synthesize());
  });

  it("configures the functions", () => {
    const functions = template.findResources("AWS::Lambda::Function");
    const byHandlerName = Object.values(functions) as Resource[];
    expect(byHandlerName).toHaveLength(4);
    for (const fn of byHandlerName) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.Handler).toBe("index.handler");
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: "JSON" });
      expect((fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: "open-sts",
        NODE_OPTIONS: "--enable-source-maps",
        OPEN_STS_PARTITION: "aws",
        OPEN_STS_ALLOW_LOOPBACK_ISSUERS: "false",
      });
    }
    const memory = (name: string) => (stack.functions[name as keyof typeof stack.functions].node.defaultChild as { memorySize?: number }).memorySize;
    expect(memory("sts")).toBe(1024);
    expect(memory("iam")).toBe(1024);
    expect(memory("oidc")).toBe(256);
    expect(memory("bootstrap")).toBe(512);
    template.resourceCountIs("AWS::Logs::LogGroup", 6);
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 365 });
  });

  it("keeps data in an encrypted on-demand table with PITR, TTL and deletion protection", () => {
    template.hasResource("AWS::DynamoDB::GlobalTable", {
      Properties: Match.objectLike({
        BillingMode: "PAY_PER_REQUEST",
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true })],
      }),
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
    const unprotected = synthesize({ deletionProtection: false }).template;
    unprotected.hasResource("AWS::DynamoDB::GlobalTable", {
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: false })] }),
      DeletionPolicy: "Delete",
    });
  });

  it("grants no wildcard action on the table, the secrets or any key", () => {
    const policies = Object.values(template.findResources("AWS::IAM::Policy")) as Resource[];
    expect(policies.length).toBeGreaterThanOrEqual(4);
    const actions = policies.flatMap((policy) =>
      ((policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement ?? []).flatMap((statement) =>
        Array.isArray(statement.Action) ? statement.Action : [statement.Action],
      ),
    );
    expect(actions.length).toBeGreaterThan(10);
    for (const action of actions) expect(action, action).not.toMatch(/\*/);
    expect(actions).toContain("dynamodb:PutItem");
    expect(actions).toContain("secretsmanager:GetSecretValue");
    // Only the bootstrap function may write the secrets.
    const writers = policies.filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes("secretsmanager:PutSecretValue"),
    );
    expect(writers).toHaveLength(1);
    expect(JSON.stringify(writers[0]!.Properties.Roles)).toContain("BootstrapRole");
  });

  it("routes and throttles the APIs", () => {
    const routes = Object.values(template.findResources("AWS::ApiGatewayV2::Route")).map((route) => (route as Resource).Properties.RouteKey);
    expect(routes.sort()).toEqual(["GET /", "GET /", "GET /outbound/{proxy+}", "POST /", "POST /"]);
    template.resourceCountIs("AWS::ApiGatewayV2::Api", 2);
    template.allResourcesProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 600, ThrottlingBurstLimit: 1200 },
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it("alarms into the alarm topic", () => {
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")) as Resource[];
    const metrics = alarms.map((alarm) => `${alarm.Properties.Namespace}/${alarm.Properties.MetricName}/${alarm.Properties.ExtendedStatistic ?? alarm.Properties.Statistic}`);
    expect(metrics.sort()).toEqual(
      [
        ...["sts", "iam", "oidc"].flatMap(() => ["AWS/Lambda/Errors/Sum", "AWS/Lambda/Throttles/Sum"]),
        ...["sts", "iam"].flatMap(() => ["AWS/ApiGateway/5xx/Sum", "AWS/ApiGateway/Latency/p99"]),
        "AWS/DynamoDB/ThrottledRequests/Sum",
      ].sort(),
    );
    for (const alarm of alarms) expect(JSON.stringify(alarm.Properties.AlarmActions)).toContain("AlarmTopic");
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  });

  it("uses a given alarm topic instead of creating one", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    const shared = new Stack(app, "Shared", { env: { account: "123456789012", region: "eu-west-1" } });
    const topic = new Topic(shared, "OpsTopic");
    const own = new OpenStsStack(app, "OpenStsWithTopic", { env: { account: "123456789012", region: "eu-west-1" }, alarmTopic: topic });
    const ownTemplate = Template.fromStack(own);
    ownTemplate.resourceCountIs("AWS::SNS::Topic", 0);
    expect(JSON.stringify(ownTemplate.findResources("AWS::CloudWatch::Alarm"))).toContain("OpsTopic");
  });

  it("bootstraps the listed accounts and passes the stack's settings to the functions", () => {
    const custom = synthesize({ accountIds: ["111111111111", "222222222222"], partition: "aws-cn", publicUrl: "https://sts.example.com" }).template;
    custom.hasResourceProperties("Custom::OpenStsBootstrap", { accountIds: ["111111111111", "222222222222"], partition: "aws-cn" });
    custom.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ OPEN_STS_PARTITION: "aws-cn", OPEN_STS_PUBLIC_URL: "https://sts.example.com" }) },
    });
    template.hasResourceProperties("Custom::OpenStsBootstrap", { accountIds: ["000000000000"] });
  });

  it("maps custom domains and names the outbound issuer after the STS domain", () => {
    const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0b6b4f4e-8a5e-4c2c-9d47-2a0f1f2c3d4e";
    const withDomain = synthesize({ domain: { stsDomainName: "sts.example.com", iamDomainName: "iam.example.com", certificateArn } }).template;
    withDomain.resourceCountIs("AWS::ApiGatewayV2::DomainName", 2);
    withDomain.hasResourceProperties("AWS::ApiGatewayV2::DomainName", {
      DomainName: "sts.example.com",
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: certificateArn, SecurityPolicy: "TLS_1_2" })],
    });
    withDomain.resourceCountIs("AWS::ApiGatewayV2::ApiMapping", 2);
    withDomain.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ OPEN_STS_PUBLIC_URL: "https://sts.example.com" }) },
    });
    withDomain.allResourcesProperties("AWS::ApiGatewayV2::Api", { DisableExecuteApiEndpoint: true });
    withDomain.hasOutput("StsEndpoint", { Value: "https://sts.example.com" });
    withDomain.hasOutput("IamEndpoint", { Value: "https://iam.example.com" });
  });

  it.each([
    ["an account id of 11 digits", { accountIds: ["12345678901"] }, "is not a 12-digit account id"],
    ["a repeated account id", { accountIds: ["111111111111", "111111111111"] }, "listed twice"],
    ["a made-up partition", { partition: "banana" }, "is not an ARN partition"],
    ["a retention CloudWatch lacks", { logRetention: 7000 }, "is not a retention CloudWatch Logs offers"],
    ["a certificate that is no ARN", { domain: { stsDomainName: "sts.example.com", iamDomainName: "iam.example.com", certificateArn: "not-an-arn" } }, "is not an ACM certificate ARN"],
    ["a domain with a space", { domain: { stsDomainName: "sts example.com", iamDomainName: "iam.example.com", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" } }, "is not a domain name"],
    ["an http public URL", { publicUrl: "http://sts.example.com" }, "must be an https URL"],
  ])("rejects %s", (_case, props, message) => {
    expect(() => synthesize(props as ConstructorParameters<typeof OpenStsStack>[2])).toThrow(message);
  });

  it("reads the settings from CDK context", () => {
    const context = (values: Record<string, string>) => new App({ context: { "aws:cdk:bundling-stacks": [], ...values } });
    expect(() => buildApp(context({ stsDomainName: "sts.example.com" }))).toThrow("needs all of stsDomainName, iamDomainName and certificateArn");
    expect(() => buildApp(context({ logRetentionDays: "abc" }))).toThrow("is not a retention CloudWatch Logs offers");
    const { stack: fromContext } = buildApp(context({ accountIds: "111111111111, 222222222222,", logRetentionDays: "30", deletionProtection: "false" }));
    const built = Template.fromStack(fromContext);
    built.hasResourceProperties("Custom::OpenStsBootstrap", { accountIds: ["111111111111", "222222222222"] });
    built.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
    built.hasResource("AWS::DynamoDB::GlobalTable", { DeletionPolicy: "Delete" });
    // Without account and region in context, the template does not depend on the machine's AWS settings.
    expect(fromContext.environment).toBe("aws://unknown-account/unknown-region");
  });

  it("outputs the function names that a key rotation recycles", () => {
    for (const name of ["StsFunctionName", "IamFunctionName", "OidcFunctionName"]) template.hasOutput(name, {});
  });

  it("lets the discovery function only get items", () => {
    const policies = Object.values(template.findResources("AWS::IAM::Policy")) as Resource[];
    const oidc = policies.find((policy) => JSON.stringify(policy.Properties.Roles).includes("OidcRole"))!;
    const statements = (oidc.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
    const tableActions = statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith("dynamodb:"));
    expect(tableActions).toEqual(["dynamodb:GetItem"]);
  });

  it("passes the AWS Solutions checks, each suppression with its reason", () => {
    const errors = Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    expect(errors.map((error) => `${error.id}: ${error.entry.data}`)).toEqual([]);
    const warnings = Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    expect(warnings.map((warning) => `${warning.id}: ${warning.entry.data}`)).toEqual([]);
    const suppressed = JSON.stringify(template.toJSON()).match(/"reason":"[^"]+"/g) ?? [];
    expect(suppressed.length).toBeGreaterThan(0);
    for (const reason of suppressed) expect(reason.length).toBeGreaterThan(40);
  });
});
