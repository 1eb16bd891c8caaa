import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/local-host.js";

const run = promisify(execFile);

/**
 * Runs `npx cdk synth` as a platform team would, with no AWS credentials or configuration in
 * its environment, and checks the cloud assembly it writes: the template, the nag report and the
 * function bundles that the stack's esbuild step produced.
 */
describe("cdk synth without AWS credentials", () => {
  let folder: string;
  let output: string;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), "open-sts-synth-"));
    output = join(folder, "cdk.out");
    await run(join(REPO_ROOT, "node_modules", ".bin", "cdk"), ["synth", "--quiet", "--output", output], {
      cwd: REPO_ROOT,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: folder,
        CDK_HOME: folder,
        CDK_DISABLE_VERSION_CHECK: "1",
        CDK_DISABLE_CLI_TELEMETRY: "true",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      },
    });
  }, 180_000);
  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("writes the template", () => {
    const template = JSON.parse(readFileSync(join(output, "OpenSts.template.json"), "utf8")) as { Resources: Record<string, { Type: string }> };
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type === "AWS::Lambda::Function")).toHaveLength(4);
    expect(types).toContain("AWS::DynamoDB::GlobalTable");
    expect(types).toContain("Custom::OpenStsBootstrap");
  });

  it("reports no open nag finding", () => {
    const report = readFileSync(join(output, "AwsSolutions--OpenSts-NagReport.csv"), "utf8").trim().split("\n").slice(1);
    expect(report.length).toBeGreaterThan(0);
    const open = report.filter((line) => line.includes('"Non-Compliant"'));
    expect(report.some((line) => line.includes('"Suppressed"'))).toBe(true);
    expect(open).toEqual([]);
  });

  it("bundles the STS function with a SAML chunk", () => {
    const assets = readdirSync(output).filter((name) => name.startsWith("asset."));
    expect(assets).toHaveLength(4);
    const sts = assets.map((name) => readdirSync(join(output, name))).find((files) => files.some((file) => file.startsWith("saml-")));
    expect(sts).toBeDefined();
    expect(sts).toContain("index.mjs");
    expect(sts).toContain("index.mjs.map");
  });
});
