import { join } from "node:path";
import { CfnOutput, CustomResource, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import { ApiMapping, DomainName, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, SecurityPolicy, type ThrottleSettings } from "aws-cdk-lib/aws-apigatewayv2";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, type IMetric, Metric, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import { Architecture, LoggingFormat, Runtime } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { type ITopic, Topic } from "aws-cdk-lib/aws-sns";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";
import { FUNCTION_ENTRIES, type FunctionName } from "./bundling.js";

const REPO_ROOT = join(import.meta.dirname, "..", "..");

/** Settings a platform team chooses when it deploys Open STS, each with a documented default. */
export interface OpenStsStackProps extends StackProps {
  /**
   * The ARN partition of the ARNs that Open STS issues and accepts, such as `aws` or
   * `aws-cn`. Default: `aws`.
   */
  readonly partition?: string;
  /**
   * The 12-digit ids of the accounts that exist from the start, each with a generated root
   * access key kept in Secrets Manager. Default: `["000000000000"]`.
   */
  readonly accountIds?: readonly string[];
  /**
   * Custom domain names of the two APIs, such as `sts.example.com` and `iam.example.com`, with an
   * ACM certificate of the stack's region that covers both. Outbound identity tokens then name
   * their issuer under `https://<sts domain>`. Default: none; the APIs keep their execute-api URLs.
   */
  readonly domain?: { readonly stsDomainName: string; readonly iamDomainName: string; readonly certificateArn: string };
  /**
   * The public base URL of the STS API, under which outbound issuers live, when something other
   * than `domain` fronts it (a CDN, a proxy). Default: `https://<domain.stsDomainName>`, or the
   * STS API's execute-api URL.
   */
  readonly publicUrl?: string;
  /**
   * Accept `http://` web identity issuers on loopback addresses. Only for test deployments that
   * run an identity provider next to the function; off means https only. Default: false.
   */
  readonly allowLoopbackIssuers?: boolean;
  /** How long the functions' and the APIs' logs are kept. Default: one year. */
  readonly logRetention?: RetentionDays;
  /** The SNS topic that alarms notify. Default: a new encrypted topic, exported as `AlarmTopicArn`. */
  readonly alarmTopic?: ITopic;
  /** Refuse to delete the table and keep it, its secrets and its keys when the stack is deleted. Default: true. */
  readonly deletionProtection?: boolean;
  /** Requests per second each API accepts before it returns 429, and the burst above that. Default: 600 and 1,200. */
  readonly throttle?: ThrottleSettings;
  /** Memory of the STS and IAM functions, in MB. Default: 1,024 (more memory also means more CPU). */
  readonly memorySize?: number;
}

const DEFAULT_THROTTLE: ThrottleSettings = { rateLimit: 600, burstLimit: 1200 };

/**
 * Open STS on AWS. The STS and IAM Query APIs are each an HTTP API in front of a function of
 * their own, and the STS API also serves the outbound issuer's documents. Data lives in one
 * DynamoDB table. The key ring and the root credentials live in Secrets Manager, where a
 * bootstrap function writes them at deployment.
 */
export class OpenStsStack extends Stack {
  readonly table: TableV2;
  readonly stsApi: HttpApi;
  readonly iamApi: HttpApi;
  readonly functions: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: OpenStsStackProps = {}) {
    super(scope, id, props);
    const retainable = props.deletionProtection ?? true;
    const removalPolicy = retainable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = props.logRetention ?? RetentionDays.ONE_YEAR;
    const accountIds = props.accountIds ?? ["000000000000"];

    checkProps(props);
    // The table and the secrets use AWS managed keys and the logs CloudWatch's default
    // encryption, which need no key grants in the functions' policies. The alarm topic needs a
    // key of its own, because CloudWatch may not use the AWS managed SNS key.
    this.table = new TableV2(this, "Table", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.STRING },
      globalSecondaryIndexes: [
        {
          indexName: "gsi1",
          partitionKey: { name: "gsi1pk", type: AttributeType.STRING },
          sortKey: { name: "gsi1sk", type: AttributeType.STRING },
        },
      ],
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Replay records and one-time codes carry their expiry here; DynamoDB deletes them later.
      timeToLiveAttribute: "expiresAt",
      deletionProtection: retainable,
      removalPolicy,
    });

    const keyRing = new Secret(this, "KeyRing", {
      description: "The Open STS key ring: session token, secret-at-rest and token signing keys. Written by the bootstrap function.",
      // A placeholder that the bootstrap function replaces with generated keys on first deployment.
      generateSecretString: { secretStringTemplate: "{}", generateStringKey: "placeholder" },
      removalPolicy,
    });
    const rootCredentials = new Secret(this, "RootCredentials", {
      description: "Root access keys of the initial Open STS accounts. Written by the bootstrap function.",
      generateSecretString: { secretStringTemplate: "{}", generateStringKey: "placeholder" },
      removalPolicy,
    });

    // With custom domains, the execute-api URLs are switched off so that every client and every
    // outbound token uses the domains.
    const disableExecuteApiEndpoint = props.domain !== undefined;
    const stsApi = new HttpApi(this, "StsApi", {
      description: "Open STS: the STS Query API and the outbound identity issuer",
      createDefaultStage: false,
      disableExecuteApiEndpoint,
    });
    const iamApi = new HttpApi(this, "IamApi", { description: "Open STS: the IAM Query API", createDefaultStage: false, disableExecuteApiEndpoint });
    this.stsApi = stsApi;
    this.iamApi = iamApi;
    const publicUrl =
      props.publicUrl ??
      (props.domain ? `https://${props.domain.stsDomainName}` : `https://${stsApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`);

    const environment: Record<string, string> = {
      OPEN_STS_TABLE: this.table.tableName,
      OPEN_STS_PARTITION: props.partition ?? "aws",
      OPEN_STS_KEYRING_SECRET_ARN: keyRing.secretArn,
      OPEN_STS_PUBLIC_URL: publicUrl,
      OPEN_STS_ALLOW_LOOPBACK_ISSUERS: String(props.allowLoopbackIssuers ?? false),
      POWERTOOLS_SERVICE_NAME: "open-sts",
      POWERTOOLS_LOG_LEVEL: "INFO",
      NODE_OPTIONS: "--enable-source-maps",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };

    const makeFunction = (name: FunctionName, memorySize: number, timeout: Duration, extra: Record<string, string> = {}) => {
      const logGroup = new LogGroup(this, `${titleCase(name)}Logs`, { retention: logRetention, removalPolicy });
      // A role of its own per function, with log writes to its own group only, instead of the
      // AWS managed basic execution policy that may write to every log group.
      const role = new Role(this, `${titleCase(name)}Role`, {
        assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
        description: `Runs the Open STS ${name} function`,
      });
      role.addToPolicy(
        new PolicyStatement({ effect: Effect.ALLOW, actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroup.logGroupArn}:*`] }),
      );
      return new NodejsFunction(this, `${titleCase(name)}Function`, {
        entry: join(REPO_ROOT, FUNCTION_ENTRIES[name]),
        handler: "handler",
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize,
        timeout,
        role,
        logGroup,
        loggingFormat: LoggingFormat.JSON,
        environment: { ...environment, ...extra },
        projectRoot: REPO_ROOT,
        depsLockFilePath: join(REPO_ROOT, "package-lock.json"),
        bundling: {
          format: OutputFormat.ESM,
          minify: true,
          sourceMap: true,
          target: "node22",
          externalModules: [],
          // NodejsFunction builds one file; the hook rebuilds the same entry with code splitting
          // (infra/cdk/bundling.ts), so that the SAML verifier is a chunk loaded on demand.
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => [
              `node --import tsx "${join(inputDir, "scripts", "bundle-function.ts")}" ${name} "${outputDir}"`,
            ],
          },
        },
      });
    };

    const memorySize = props.memorySize ?? 1024;
    const sts = makeFunction("sts", memorySize, Duration.seconds(10));
    const iam = makeFunction("iam", memorySize, Duration.seconds(10));
    const oidc = makeFunction("oidc", 256, Duration.seconds(5));
    const bootstrap = makeFunction("bootstrap", 512, Duration.minutes(2), {
      OPEN_STS_ROOT_CREDENTIALS_SECRET_ARN: rootCredentials.secretArn,
    });
    this.functions = { sts, iam, oidc, bootstrap };

    for (const fn of [sts, iam]) this.table.grantReadWriteData(fn);
    // The discovery documents read two items per issuer (the issuer id's account and the
    // account's setting), so the oidc function may only get single items.
    this.table.grant(oidc, "dynamodb:GetItem");
    // NOTE: the oidc function needs only the public signing keys, but the key ring secret
    // contains every key. A separate secret of public keys would narrow this grant.
    for (const fn of [sts, iam, oidc]) keyRing.grantRead(fn);
    this.table.grantReadWriteData(bootstrap);
    keyRing.grantRead(bootstrap);
    keyRing.grantWrite(bootstrap);
    rootCredentials.grantRead(bootstrap);
    rootCredentials.grantWrite(bootstrap);

    const bootstrapRun = new CustomResource(this, "Bootstrap", {
      serviceToken: bootstrap.functionArn,
      resourceType: "Custom::OpenStsBootstrap",
      properties: { accountIds: [...accountIds], partition: props.partition ?? "aws" },
    });
    bootstrapRun.node.addDependency(this.table, keyRing, rootCredentials);

    const throttle = props.throttle ?? DEFAULT_THROTTLE;
    const stage = (api: HttpApi, name: string) => {
      const accessLogs = new LogGroup(this, `${name}AccessLogs`, { retention: logRetention, removalPolicy });
      return new HttpStage(this, `${name}DefaultStage`, {
        httpApi: api,
        stageName: "$default",
        autoDeploy: true,
        throttle,
        accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
      });
    };
    const stsStage = stage(stsApi, "StsApi");
    const iamStage = stage(iamApi, "IamApi");
    if (props.domain) {
      const certificate = Certificate.fromCertificateArn(this, "Certificate", props.domain.certificateArn);
      const map = (name: string, domainName: string, api: HttpApi, apiStage: HttpStage) => {
        const domain = new DomainName(this, `${name}Domain`, { domainName, certificate, securityPolicy: SecurityPolicy.TLS_1_2 });
        new ApiMapping(this, `${name}Mapping`, { api, domainName: domain, stage: apiStage });
        new CfnOutput(this, `${name}DomainTarget`, {
          value: domain.regionalDomainName,
          description: `Point a CNAME or alias record for ${domainName} here`,
        });
      };
      map("Sts", props.domain.stsDomainName, stsApi, stsStage);
      map("Iam", props.domain.iamDomainName, iamApi, iamStage);
    }

    // The Query APIs take POST / and GET / (presigned URLs); the issuer's documents are GETs.
    const stsIntegration = new HttpLambdaIntegration("StsIntegration", sts);
    stsApi.addRoutes({ path: "/", methods: [HttpMethod.GET, HttpMethod.POST], integration: stsIntegration });
    stsApi.addRoutes({ path: "/outbound/{proxy+}", methods: [HttpMethod.GET], integration: new HttpLambdaIntegration("OidcIntegration", oidc) });
    iamApi.addRoutes({ path: "/", methods: [HttpMethod.GET, HttpMethod.POST], integration: new HttpLambdaIntegration("IamIntegration", iam) });

    const topic = props.alarmTopic ?? this.createAlarmTopic(removalPolicy);
    this.addAlarms(topic, { sts, iam, oidc }, { sts: stsApi, iam: iamApi });

    new CfnOutput(this, "StsEndpoint", {
      value: props.domain ? `https://${props.domain.stsDomainName}` : stsApi.apiEndpoint,
      description: "AWS_ENDPOINT_URL_STS",
    });
    new CfnOutput(this, "IamEndpoint", {
      value: props.domain ? `https://${props.domain.iamDomainName}` : iamApi.apiEndpoint,
      description: "AWS_ENDPOINT_URL_IAM",
    });
    for (const [name, fn] of Object.entries({ Sts: sts, Iam: iam, Oidc: oidc })) {
      new CfnOutput(this, `${name}FunctionName`, { value: fn.functionName, description: "Recycled after a key ring rotation" });
    }
    new CfnOutput(this, "RootCredentialsSecretArn", { value: rootCredentials.secretArn, description: "Root access keys of the initial accounts" });
    new CfnOutput(this, "KeyRingSecretArn", { value: keyRing.secretArn });
    if (!props.alarmTopic) new CfnOutput(this, "AlarmTopicArn", { value: topic.topicArn });

    this.suppressFindings();
  }

  /** Creates an encrypted topic that CloudWatch alarms may publish to. */
  private createAlarmTopic(removalPolicy: RemovalPolicy): ITopic {
    const key = new Key(this, "AlarmTopicKey", { description: "Encrypts the Open STS alarm topic", enableKeyRotation: true, removalPolicy });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
        conditions: { StringEquals: { "aws:SourceAccount": this.account } },
      }),
    );
    return new Topic(this, "AlarmTopic", { displayName: "Open STS alarms", masterKey: key, enforceSSL: true });
  }

  /** Alarms on function errors and throttles, API 5xx and p99 latency, and table throttling, with a dashboard of the same metrics. */
  private addAlarms(topic: ITopic, functions: Record<"sts" | "iam" | "oidc", NodejsFunction>, apis: Record<"sts" | "iam", HttpApi>): void {
    const action = new SnsAction(topic);
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };
    const period = Duration.minutes(5);
    const dashboard = new Dashboard(this, "Dashboard", { dashboardName: `${this.stackName}-open-sts` });
    for (const [name, fn] of Object.entries(functions)) {
      const title = titleCase(name);
      const errors = fn.metricErrors({ period, statistic: "Sum" });
      const throttles = fn.metricThrottles({ period, statistic: "Sum" });
      alarm(`${title}Errors`, errors, 1, `The ${name} function failed (an unhandled fault, a timeout or a crash).`);
      alarm(`${title}Throttles`, throttles, 1, `The ${name} function was throttled by Lambda's concurrency limit.`);
      dashboard.addWidgets(
        new GraphWidget({ title: `${name}: invocations, errors, throttles`, left: [fn.metricInvocations({ period }), errors, throttles] }),
        new GraphWidget({ title: `${name}: duration p50 and p99`, left: [fn.metricDuration({ period, statistic: "p50" }), fn.metricDuration({ period, statistic: "p99" })] }),
      );
    }
    for (const [name, api] of Object.entries(apis)) {
      const title = titleCase(name);
      const serverErrors = api.metricServerError({ period, statistic: "Sum" });
      const latency = api.metricLatency({ period, statistic: "p99" });
      alarm(`${title}Api5xx`, serverErrors, 1, `The ${name} API returned a 5xx status.`);
      alarm(`${title}ApiLatencyP99`, latency, 1000, `The ${name} API's 99th percentile latency reached one second.`);
      dashboard.addWidgets(
        new GraphWidget({ title: `${name} API: requests, 4xx, 5xx`, left: [api.metricCount({ period }), api.metricClientError({ period }), serverErrors] }),
        new GraphWidget({ title: `${name} API: latency p99`, left: [latency] }),
      );
    }
    const tableThrottles = new Metric({
      namespace: "AWS/DynamoDB",
      metricName: "ThrottledRequests",
      dimensionsMap: { TableName: this.table.tableName },
      period,
      statistic: "Sum",
    });
    alarm("TableThrottles", tableThrottles, 1, "DynamoDB throttled requests to the Open STS table.");
    dashboard.addWidgets(
      new GraphWidget({ title: "table: throttled requests", left: [tableThrottles] }),
      new GraphWidget({
        title: "table: consumed capacity",
        left: [this.table.metricConsumedReadCapacityUnits({ period }), this.table.metricConsumedWriteCapacityUnits({ period })],
      }),
    );
  }

  /** cdk-nag findings that do not apply, each with its reason. */
  private suppressFindings(): void {
    const functionIds = Object.keys(this.functions).map(titleCase);
    for (const id of functionIds) {
      NagSuppressions.addResourceSuppressionsByPath(this, `/${this.stackName}/${id}Function/Resource`, [
        { id: "AwsSolutions-L1", reason: "Node.js 22 is the runtime the project targets and tests; a newer runtime is adopted deliberately, not by default." },
      ]);
      NagSuppressions.addResourceSuppressionsByPath(
        this,
        `/${this.stackName}/${id}Role/DefaultPolicy/Resource`,
        [
          {
            id: "AwsSolutions-IAM5",
            reason: "Wildcards only in resources, never in actions: the table's indexes (table/index/*) and the function's own log streams (log-group:*).",
            appliesTo: [{ regex: "/^Resource::<Table[A-Za-z0-9]+\\.Arn>/index/\\*$/" }, { regex: "/^Resource::<[A-Za-z]+Logs[A-Za-z0-9]+\\.Arn>:\\*$/" }],
          },
        ],
      );
    }
    NagSuppressions.addResourceSuppressions(
      [this.stsApi, this.iamApi],
      [
        {
          id: "AwsSolutions-APIG4",
          reason: "The functions authenticate every request with SigV4, as AWS STS and IAM do; the federation actions carry their own proof (a signed token or assertion).",
        },
      ],
      true,
    );
    NagSuppressions.addStackSuppressions(this, [
      {
        id: "AwsSolutions-SMG4",
        reason: "The key ring rotates by adding keys (docs/deploy.md), which Secrets Manager's single-value rotation cannot express; root credentials are meant to be replaced by IAM users.",
      },
    ]);
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const PARTITION = /^aws(-[a-z]+)*$/;
const CERTIFICATE_ARN = /^arn:aws(-[a-z]+)*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/;
const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Rejects settings that would deploy a broken service, so that `cdk synth` fails with the reason. */
function checkProps(props: OpenStsStackProps): void {
  const accountIds = props.accountIds ?? [];
  const invalid = accountIds.find((id) => !ACCOUNT_ID.test(id));
  if (invalid !== undefined) throw new Error(`accountIds: ${JSON.stringify(invalid)} is not a 12-digit account id`);
  if (new Set(accountIds).size !== accountIds.length) throw new Error("accountIds: an account id is listed twice");
  if (props.partition !== undefined && !PARTITION.test(props.partition)) {
    throw new Error(`partition: ${JSON.stringify(props.partition)} is not an ARN partition such as aws or aws-cn`);
  }
  if (props.logRetention !== undefined && !Object.values(RetentionDays).includes(props.logRetention)) {
    throw new Error(`logRetention: ${props.logRetention} is not a retention CloudWatch Logs offers (1, 3, 5, 7, 14, 30, 60, 90, ... days)`);
  }
  if (props.domain) {
    for (const name of [props.domain.stsDomainName, props.domain.iamDomainName]) {
      if (!DOMAIN_NAME.test(name)) throw new Error(`domain: ${JSON.stringify(name)} is not a domain name`);
    }
    if (!CERTIFICATE_ARN.test(props.domain.certificateArn)) {
      throw new Error(`domain: ${JSON.stringify(props.domain.certificateArn)} is not an ACM certificate ARN`);
    }
  }
  if (props.publicUrl !== undefined && !/^https:\/\/[^/]+(\/.*)?$/.test(props.publicUrl)) {
    throw new Error(`publicUrl: ${JSON.stringify(props.publicUrl)} must be an https URL`);
  }
}

function titleCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
