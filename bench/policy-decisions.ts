/**
 * Decisions per second of the policy engine (evaluateIdentityPolicies on a policy parsed once)
 * for three policies, each against a request corpus prepared before the clock starts:
 *
 *   simple     one statement without conditions
 *   conditions 20 statements, most with conditions
 *   wildcard   StringLike with "*a" repeated 30 times against "a" x 2048 + "b", the worst case
 *              for a backtracking glob matcher
 *
 * The same corpus goes through @cloud-copilot/iam-simulate, whose public API takes policy
 * documents, so it parses them on every call: runUnsafeSimulation (no input validation, its
 * fastest path) and runSimulation (validation and service data lookups, its usual path). Before
 * timing, the script checks that both implementations decide every request of the corpus alike.
 * Each implementation is measured in a child process of its own, so that neither runs with the
 * other's garbage or compiled code. iam-simulate backtracks on the wildcard scenario, so there it
 * gets one decision, stopped after REFERENCE_LIMIT_MS, and timings of smaller instances of the
 * same pattern. Prints decisions per second and the ratio ours / iam-simulate; asserts nothing.
 *
 *   npx tsx bench/policy-decisions.ts
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type EvaluationResult, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { evaluateIdentityPolicies, parsePolicy } from "../shared/policy/index.js";
import type { Decision, RequestContext } from "../shared/policy/index.js";

const ACCOUNT_ID = "123456789012";
const CALLER_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/alice`;
const CORPUS_SIZE = 1_000;
/** Requests of the wildcard scenario, which are all alike and slow. */
const WILDCARD_CORPUS_SIZE = 50;
const WARM_UP_MS = 1_000;
const ROUND_MS = 1_000;
const ROUNDS = 5;
/** Time after which the single iam-simulate decision of the wildcard scenario is stopped. */
const REFERENCE_LIMIT_MS = 10_000;

const REFERENCE_DECISION: Readonly<Record<Decision, EvaluationResult>> = {
  Allow: "Allowed",
  ExplicitDeny: "ExplicitlyDenied",
  ImplicitDeny: "ImplicitlyDenied",
};

interface Scenario {
  name: string;
  document: object;
  corpus: RequestContext[];
  /** Decision our engine must reach, set when iam-simulate cannot decide the corpus in reasonable time. */
  expectedDecision?: EvaluationResult;
}

/** Returns a deterministic chooser, so every run decides the same corpus. */
function chooser(seed: number): <T>(items: readonly T[]) => T {
  let state = seed;
  return (items) => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    // The low bits of this generator repeat quickly, so the choice uses the high ones.
    return items[(state >>> 16) % items.length]!;
  };
}

function simpleScenario(): Scenario {
  const pick = chooser(1);
  const actions = ["s3:GetObject", "s3:PutObject"];
  const resources = ["arn:aws:s3:::photos/2024/cat.jpg", "arn:aws:s3:::photos/readme", "arn:aws:s3:::logs/app.log"];
  return {
    name: "simple (1 statement)",
    document: {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/*" }],
    },
    corpus: Array.from({ length: CORPUS_SIZE }, () => ({ action: pick(actions), resource: pick(resources), keys: {} })),
  };
}

/** Twenty statements of the kinds real policies have: wildcards, Deny guards and conditions on global keys. */
function conditionsScenario(): Scenario {
  const pick = chooser(2);
  const statements = [
    { Effect: "Allow", Action: ["s3:Get*", "s3:List*"], Resource: ["arn:aws:s3:::photos", "arn:aws:s3:::photos/*"] },
    {
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: "arn:aws:s3:::photos/uploads/*",
      Condition: { StringEquals: { "aws:username": ["alice", "bob"] }, Bool: { "aws:SecureTransport": "true" } },
    },
    { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    { Effect: "Deny", Action: "s3:Delete*", Resource: "arn:aws:s3:::photos/*", Condition: { NumericGreaterThan: { "aws:MultiFactorAuthAge": "3600" } } },
    { Effect: "Allow", Action: "iam:Get*", Resource: `arn:aws:iam::${ACCOUNT_ID}:role/*` },
    {
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: `arn:aws:iam::${ACCOUNT_ID}:role/team/*`,
      Condition: { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"] } },
    },
    { Effect: "Deny", Action: "sts:AssumeRole", Resource: "*", Condition: { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32"] } } },
    { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::logs", Condition: { StringLike: { "aws:username": "ops-*" } } },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*", Condition: { DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } } },
    { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/*", Condition: { DateLessThan: { "aws:CurrentTime": "2024-01-01T00:00:00Z" } } },
    {
      Effect: "Allow",
      Action: "s3:*Object",
      Resource: "arn:aws:s3:::shared/*",
      Condition: { "ForAllValues:StringLike": { "aws:CalledVia": ["*.amazonaws.com"] }, "Null": { "aws:CalledVia": "false" } },
    },
    { Effect: "Deny", Action: "s3:PutObject", Resource: "arn:aws:s3:::shared/*", Condition: { "ForAnyValue:StringEquals": { "aws:CalledVia": "athena.amazonaws.com" } } },
    { Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "arn:aws:s3:::public/*" },
    { Effect: "Deny", Action: "*", NotResource: ["arn:aws:s3:::*", `arn:aws:iam::${ACCOUNT_ID}:*`] },
    {
      Effect: "Allow",
      Action: "iam:GetRole",
      Resource: "arn:aws:iam::*:role/Admin",
      Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT_ID}:user/*` }, NumericLessThan: { "aws:MultiFactorAuthAge": "300" } },
    },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/private/*", Condition: { StringEqualsIgnoreCase: { "aws:RequestedRegion": "EU-WEST-1" } } },
    { Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:s3:::photos/private/*", Condition: { StringNotEqualsIfExists: { "aws:RequestedRegion": ["eu-west-1", "eu-central-1"] } } },
    { Effect: "Allow", Action: "s3:Put*", Resource: "arn:aws:s3:::logs/*", Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/ci-*" } } },
    { Effect: "Deny", Action: "iam:*", Resource: "*", Condition: { Null: { "aws:MultiFactorAuthAge": "true" } } },
    { Effect: "Allow", Action: "sts:Assume?ole", Resource: `arn:aws:iam::${ACCOUNT_ID}:role/Admin`, Condition: { DateGreaterThan: { "aws:CurrentTime": "2025-06-01T00:00:00Z" } } },
  ];

  const targets: readonly { action: string; resources: readonly string[] }[] = [
    {
      action: "s3:GetObject",
      resources: ["arn:aws:s3:::photos/a.jpg", "arn:aws:s3:::photos/private/b.jpg", "arn:aws:s3:::logs/app.log", "arn:aws:s3:::public/c.txt", "arn:aws:s3:::shared/d"],
    },
    { action: "s3:PutObject", resources: ["arn:aws:s3:::photos/uploads/e.jpg", "arn:aws:s3:::logs/app.log", "arn:aws:s3:::shared/d"] },
    { action: "s3:ListBucket", resources: ["arn:aws:s3:::photos", "arn:aws:s3:::logs"] },
    { action: "iam:GetRole", resources: [`arn:aws:iam::${ACCOUNT_ID}:role/Admin`, `arn:aws:iam::${ACCOUNT_ID}:role/team/Dev`] },
    { action: "sts:AssumeRole", resources: [`arn:aws:iam::${ACCOUNT_ID}:role/team/Dev`, `arn:aws:iam::${ACCOUNT_ID}:role/Admin`] },
  ];
  const keyChoices: Readonly<Record<string, readonly (string | string[] | undefined)[]>> = {
    "aws:username": ["alice", "bob", "ops-carol", undefined],
    "aws:SecureTransport": ["true", "true", "false", undefined],
    "aws:MultiFactorAuthAge": ["60", "900", "7200", undefined],
    "aws:SourceIp": ["10.1.2.3", "192.168.4.5", "203.0.113.9", "2001:db8::7"],
    "aws:CurrentTime": ["2026-12-04T10:00:00Z", "2023-06-01T00:00:00Z"],
    "aws:CalledVia": [["athena.amazonaws.com"], ["cloudformation.amazonaws.com"], undefined],
    "aws:PrincipalArn": [CALLER_ARN, `arn:aws:iam::${ACCOUNT_ID}:role/ci-deploy`],
    "aws:RequestedRegion": ["eu-west-1", "us-east-1", undefined],
  };

  const corpus = Array.from({ length: CORPUS_SIZE }, (): RequestContext => {
    const target = pick(targets);
    const keys: Record<string, string | string[]> = {};
    for (const [key, choices] of Object.entries(keyChoices)) {
      const value = pick(choices);
      if (value !== undefined) keys[key] = value;
    }
    return { action: target.action, resource: pick(target.resources), keys };
  });
  return { name: "conditions (20 statements)", document: { Version: "2012-10-17", Statement: statements }, corpus };
}

/** Builds a scenario with a StringLike condition of "*a" repeated `stars` times, against "a" repeated `length` times and "b". */
function wildcardScenario(stars: number, length: number, corpusSize: number): Scenario {
  const request: RequestContext = {
    action: "s3:GetObject",
    resource: "arn:aws:s3:::photos/a.jpg",
    keys: { "aws:username": `${"a".repeat(length)}b` },
  };
  return {
    name: `wildcard (*a x ${stars} vs a x ${length} + b)`,
    document: {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringLike: { "aws:username": "*a".repeat(stars) } } },
      ],
    },
    corpus: Array.from({ length: corpusSize }, () => request),
    // The value ends in "b" and the pattern in "a", so the condition fails and nothing allows.
    expectedDecision: "ImplicitlyDenied",
  };
}

function simulationOf(document: object, request: RequestContext): Simulation {
  const contextVariables: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(request.keys)) {
    if (value !== undefined) contextVariables[key] = typeof value === "string" ? value : [...value];
  }
  return {
    request: {
      principal: CALLER_ARN,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT_ID },
      contextVariables,
    },
    identityPolicies: [{ name: "policy", policy: document }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
}

/** Counts decisions, so that the work of each call is used and cannot be optimized away. */
const decisionCounts = new Map<string, number>();

function record(decision: string): void {
  decisionCounts.set(decision, (decisionCounts.get(decision) ?? 0) + 1);
}

const SCENARIOS = {
  simple: simpleScenario,
  conditions: conditionsScenario,
  wildcard: () => wildcardScenario(30, 2048, WILDCARD_CORPUS_SIZE),
} as const;
type ScenarioName = keyof typeof SCENARIOS;

/** Our engine, iam-simulate's runUnsafeSimulation, or its runSimulation. */
type Implementation = "engine" | "unsafe" | "validated";

/** A function that decides a whole corpus once and returns how many decisions it made. */
type CorpusRun = () => Promise<number> | number;

function corpusRun(scenario: Scenario, implementation: Implementation): CorpusRun {
  if (implementation === "engine") {
    const policy = parsePolicy(JSON.stringify(scenario.document), "identity");
    return () => {
      for (const request of scenario.corpus) record(evaluateIdentityPolicies([policy], request).decision);
      return scenario.corpus.length;
    };
  }

  const simulations = scenario.corpus.map((request) => simulationOf(scenario.document, request));
  if (implementation === "unsafe") {
    return () => {
      for (const simulation of simulations) record(runUnsafeSimulation(simulation, {}));
      return simulations.length;
    };
  }
  return async () => {
    for (const simulation of simulations) {
      const result = await runSimulation(simulation, {});
      record(result.resultType === "error" ? "error" : result.overallResult);
    }
    return simulations.length;
  };
}

/** Returns the median decisions per second over ROUNDS rounds of at least ROUND_MS, after a warm-up. */
async function decisionsPerSecond(run: CorpusRun): Promise<number> {
  const warmUpEnd = performance.now() + WARM_UP_MS;
  while (performance.now() < warmUpEnd) await run();

  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let decisions = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      decisions += await run();
      elapsed = performance.now() - start;
    }
    rates.push((decisions * 1000) / elapsed);
  }
  rates.sort((left, right) => left - right);
  return rates[Math.floor(ROUNDS / 2)]!;
}

/**
 * Throws when the two implementations decide a request of the corpus differently, or, for a
 * scenario with an expected decision, when our engine decides otherwise.
 */
async function checkAgreement(scenario: Scenario): Promise<void> {
  const policy = parsePolicy(JSON.stringify(scenario.document), "identity");
  for (const request of scenario.corpus) {
    const ours = REFERENCE_DECISION[evaluateIdentityPolicies([policy], request).decision];
    if (scenario.expectedDecision !== undefined) {
      if (ours !== scenario.expectedDecision) throw new Error(`${scenario.name}: our engine decided ${ours}`);
      continue;
    }
    const result = await runSimulation(simulationOf(scenario.document, request), {});
    const theirs = result.resultType === "error" ? `error ${result.errors.message}` : result.overallResult;
    if (ours !== theirs) {
      throw new Error(`${scenario.name}: our engine decided ${ours} and iam-simulate ${theirs} for ${JSON.stringify(request)}`);
    }
  }
}

/** Message from a child process: its rate, the start of its single timed decision, or that decision's duration. */
type ChildMessage =
  | { rate: number; decisions: Record<string, number> }
  | { ready: true }
  | { milliseconds: number; decisions: Record<string, number> };

/**
 * Measures one implementation on one scenario in a child process, or with `single` times one
 * decision after a warm-up on the simple scenario, and reports the result to the parent.
 */
async function runChild(scenarioName: ScenarioName, implementation: Implementation, single: boolean): Promise<void> {
  const send = (message: ChildMessage): Promise<void> =>
    new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));
  const scenario = SCENARIOS[scenarioName]();

  if (!single) {
    const rate = await decisionsPerSecond(corpusRun(scenario, implementation));
    await send({ rate, decisions: Object.fromEntries(decisionCounts) });
    return;
  }

  await corpusRun(simpleScenario(), implementation)();
  await send({ ready: true });
  const start = performance.now();
  await corpusRun({ ...scenario, corpus: scenario.corpus.slice(0, 1) }, implementation)();
  await send({ milliseconds: performance.now() - start, decisions: Object.fromEntries(decisionCounts) });
}

/** Decisions made in all child processes, printed at the end. */
const decisionsMade = new Map<string, number>();

function addDecisions(decisions: Record<string, number>): void {
  for (const [decision, count] of Object.entries(decisions)) decisionsMade.set(decision, (decisionsMade.get(decision) ?? 0) + count);
}

/**
 * Runs a child process and returns its rate, or with `single` the duration of its decision in
 * milliseconds. A single decision that takes longer than REFERENCE_LIMIT_MS is stopped, and then
 * the result is undefined.
 */
function measureInChild(scenarioName: ScenarioName, implementation: Implementation, single = false): Promise<number | undefined> {
  const args = ["--child", scenarioName, implementation, ...(single ? ["--single"] : [])];
  const child = fork(fileURLToPath(import.meta.url), args, { execArgv: process.execArgv });
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let result: number | undefined;
    child.on("message", (message: ChildMessage) => {
      if ("ready" in message) {
        timer = setTimeout(() => child.kill(), REFERENCE_LIMIT_MS);
        return;
      }
      addDecisions(message.decisions);
      result = "rate" in message ? message.rate : message.milliseconds;
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (result !== undefined || signal === "SIGTERM") resolve(result);
      else reject(new Error(`the child process for ${scenarioName} with ${implementation} exited with code ${code}`));
    });
  });
}

function formatRate(rate: number): string {
  return Math.round(rate).toLocaleString("en-US");
}

function formatRow(cells: readonly string[]): string {
  return cells.join(" | ");
}

/** Measures a scenario that iam-simulate decides in reasonable time, and prints its row. */
async function benchmarkScenario(scenarioName: ScenarioName): Promise<void> {
  const scenario = SCENARIOS[scenarioName]();
  await checkAgreement(scenario);
  const ours = (await measureInChild(scenarioName, "engine"))!;
  const unsafe = (await measureInChild(scenarioName, "unsafe"))!;
  const validated = (await measureInChild(scenarioName, "validated"))!;

  console.log(
    formatRow([
      scenario.name,
      formatRate(ours),
      formatRate(unsafe),
      formatRate(validated),
      `${(ours / unsafe).toFixed(1)}x`,
      `${(ours / validated).toFixed(1)}x`,
    ]),
  );
}

/**
 * Measures our engine on the wildcard scenario, where iam-simulate gets a single decision that is
 * stopped after REFERENCE_LIMIT_MS, then times iam-simulate on smaller instances.
 */
async function benchmarkWildcard(): Promise<void> {
  const scenario = SCENARIOS.wildcard();
  await checkAgreement(scenario);
  const ours = (await measureInChild("wildcard", "engine"))!;
  const milliseconds = await measureInChild("wildcard", "unsafe", true);

  const unsafe = milliseconds === undefined ? undefined : 1000 / milliseconds;
  const unsafeText =
    unsafe === undefined ? `< ${1000 / REFERENCE_LIMIT_MS} (1 decision stopped after ${REFERENCE_LIMIT_MS} ms)` : formatRate(unsafe);
  const ratioText = unsafe === undefined ? `> ${formatRate((ours * REFERENCE_LIMIT_MS) / 1000)}x` : `${(ours / unsafe).toFixed(1)}x`;
  console.log(formatRow([scenario.name, formatRate(ours), unsafeText, "not run", ratioText, ""]));

  console.log("iam-simulate runUnsafeSimulation on smaller instances of the wildcard, one decision each:");
  for (const stars of [6, 8, 10]) {
    const small = wildcardScenario(stars, 32, 1);
    const start = performance.now();
    record(runUnsafeSimulation(simulationOf(small.document, small.corpus[0]!), {}));
    console.log(`  ${small.name}: ${(performance.now() - start).toFixed(1)} ms`);
  }
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms after ${WARM_UP_MS} ms of warm-up, median shown`);
  console.log(
    formatRow([
      "scenario",
      "ours decisions/s",
      "runUnsafeSimulation decisions/s",
      "runSimulation decisions/s",
      "ours / runUnsafeSimulation",
      "ours / runSimulation",
    ]),
  );
  await benchmarkScenario("simple");
  await benchmarkScenario("conditions");
  await benchmarkWildcard();
  addDecisions(Object.fromEntries(decisionCounts));
  console.log(`decisions made: ${JSON.stringify(Object.fromEntries(decisionsMade))}`);
}

const childIndex = process.argv.indexOf("--child");
if (childIndex < 0) {
  await main();
} else {
  const scenarioName = process.argv[childIndex + 1] as ScenarioName;
  const implementation = process.argv[childIndex + 2] as Implementation;
  await runChild(scenarioName, implementation, process.argv.includes("--single"));
}
