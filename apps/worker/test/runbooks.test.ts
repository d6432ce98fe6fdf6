import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, loadConfig, type OpsConfig } from "@ops/config";
import {
  createQueues,
  createRun,
  decideStep,
  dispatchRun,
  executeRun,
  getRun,
  nextDispatch,
  syncTargets,
  type ExecutorDeps,
  type Queues,
  type RequestContext,
} from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import { prepareDatabase } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";

const dir = mkdtempSync(join(tmpdir(), "ops-runbooks-"));
const marker = join(dir, "steps.log");
const pwned = join(dir, "pwned");
const markScript = join(dir, "mark.mjs");
const slowScript = join(dir, "slow.mjs");
// Each command step appends its label and pid, so the test can count how often each one really ran.
writeFileSync(
  markScript,
  `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(marker)}, process.argv[2] + " " + process.pid + "\\n");\n`,
);
writeFileSync(
  slowScript,
  `import { appendFileSync } from "node:fs";\nappendFileSync(${JSON.stringify(marker)}, process.argv[2] + " " + process.pid + "\\n");\nsetTimeout(() => process.exit(0), 15000);\n`,
);

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let config: OpsConfig;
let queues: Queues;
const gateway = await startGatewayLike();
const workers: ChildProcess[] = [];
const oncall: RequestContext = { actor: { type: "system", id: null, label: "test on-call", roles: ["oncall"] }, ip: null, userAgent: null, requestId: null };

const lines = () =>
  existsSync(marker)
    ? readFileSync(marker, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((l) => l.split(" ")[0]!)
    : [];
const count = (label: string) => lines().filter((l) => l === label).length;

const mark = (id: string, label: string) => ({ id, title: `mark ${label}`, action: { type: "command", command: "mark", args: [label] } });
const TEST_RUNBOOK = {
  id: "test-kill",
  version: "1.0.0",
  title: "Kill test",
  description: "Steps that leave a trace, for counting executions.",
  severity: "low",
  procedures: [
    {
      id: "unsafe-middle",
      title: "A slow command in the middle",
      description: "The middle step is a command: not safe to repeat.",
      confirmation: { type: "none" },
      steps: [mark("one", "one"), { id: "two", title: "slow two", action: { type: "command", command: "slow", args: ["two"] } }, mark("three", "three")],
    },
    {
      id: "safe-middle",
      title: "A wait in the middle",
      description: "The middle step is a wait: safe to repeat.",
      confirmation: { type: "none" },
      steps: [mark("four", "four"), { id: "pause", title: "wait", action: { type: "wait", seconds: 6 } }, mark("five", "five")],
    },
    {
      id: "echo",
      title: "Echo a note",
      description: "Passes a free-text parameter to printf as one argument.",
      confirmation: { type: "none" },
      parameters: [
        { name: "note", label: "Note", type: "text", pattern: "^[^\\n]*$" },
        { name: "safe", label: "Safe", type: "text", required: false },
      ],
      steps: [{ id: "echo", title: "echo", action: { type: "command", command: "printf", args: ["[%s]", { param: "note" }] } }],
    },
    {
      id: "manual",
      title: "A manual step",
      description: "Asks a person, then goes on.",
      confirmation: { type: "none" },
      steps: [
        { id: "ask", title: "check the dashboard", action: { type: "manual", instructions: "Look at the LiteLLM dashboard" } },
        mark("after", "after-manual"),
      ],
    },
    {
      id: "restart",
      title: "Restart delta",
      description: "Acts on delta, so it holds delta.",
      confirmation: { type: "confirm" },
      steps: [
        { id: "wait", title: "hold delta for a while", action: { type: "pause-healing", target: "delta" } },
        { id: "slow", title: "slow", action: { type: "wait", seconds: 3 } },
      ],
    },
  ],
};

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/src/main.ts")], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      REDIS_URL: stack.redisUrl,
      OPS_REDIS_PREFIX: stack.prefix,
      OPS_CONFIG_DIR: cfg.dir,
      OPS_JOB_LOCK_SECONDS: "3",
    },
    stdio: "ignore",
  });
  workers.push(child);
  return child;
}

async function kill(child: ChildProcess) {
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
}

function deps(): ExecutorDeps {
  return { db: stack.db, config, bus: { publish: async () => true }, afterProbe: async () => {}, alert: async () => {}, pollMs: 200 };
}

beforeAll(async () => {
  stack = await openTestStack();
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [{ name: "delta", kind: "agent", check: "openclaw", baseUrl: gateway.baseUrl, restart: { driver: "none" } }] as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 5, timeoutMs: 500 });
    },
  });
  const commandsFile = join(cfg.dir, "runbooks", "commands.json");
  const commands = JSON.parse(readFileSync(commandsFile, "utf8")) as Record<string, unknown>;
  commands.mark = { argv: [process.execPath, markScript], description: "leave a mark", timeoutSeconds: 10 };
  commands.slow = { argv: [process.execPath, slowScript], description: "leave a mark slowly", timeoutSeconds: 60 };
  commands.printf = { argv: ["printf"], description: "print", timeoutSeconds: 5 };
  writeFileSync(commandsFile, JSON.stringify(commands, null, 2));
  writeFileSync(join(cfg.dir, "runbooks", "test-kill.json"), JSON.stringify(TEST_RUNBOOK, null, 2));
  config = loadConfig(cfg.dir);
  await prepareDatabase(stack.databaseUrl);
  await syncTargets(stack.db, config.fleet);
  queues = createQueues(stack.redis, stack.prefix);
});

afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await queues?.close();
  await gateway.close();
  await stack?.close();
  cfg?.remove();
  rmSync(dir, { recursive: true, force: true });
});

async function start(procedure: string, params: Record<string, unknown> = {}, extra: { confirm?: boolean } = {}) {
  const run = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure, params, ...extra });
  await dispatchRun(queues, run.id, await nextDispatch(stack.db.sql, run.id));
  return run;
}

describe("[RUNBOOKS] a worker killed in the middle of a run", () => {
  it("does not repeat a step that is unsafe to repeat: the run waits for a person, and no step runs twice", async () => {
    const worker = startWorker();
    const run = await start("unsafe-middle");
    await until(
      "step two started",
      () => lines(),
      (l) => l.includes("two"),
      30_000,
    );
    await kill(worker);
    startWorker();
    const waiting = await until(
      "the run waits for a person",
      () => getRun(stack.db, run.id),
      (r) => r.status === "waiting",
      30_000,
    );
    expect(waiting.steps.map((s) => s.status)).toEqual(["succeeded", "waiting-for-human", "pending"]);
    expect(waiting.steps[1]!.output).toContain("not safe to repeat");

    // The person checked: step two did its work. The run goes on from step three.
    await decideStep(stack.db, oncall, run.id, 1, "done");
    await dispatchRun(queues, run.id, await nextDispatch(stack.db.sql, run.id));
    const done = await until(
      "the run finished",
      () => getRun(stack.db, run.id),
      (r) => r.status === "succeeded",
      30_000,
    );
    expect(done.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(done.steps[1]!.decidedBy).toBe("test on-call");
    expect([count("one"), count("two"), count("three")]).toEqual([1, 1, 1]);
  });

  it("repeats a step that is safe to repeat, and still runs every completed step exactly once", async () => {
    const worker = workers.at(-1)!;
    const run = await start("safe-middle");
    await until(
      "the wait step running",
      () => getRun(stack.db, run.id),
      (r) => r.steps[1]!.status === "running",
      30_000,
    );
    await kill(worker);
    startWorker();
    const done = await until(
      "the run finished",
      () => getRun(stack.db, run.id),
      (r) => r.status === "succeeded",
      40_000,
    );
    expect(done.steps[1]!.attempts).toBe(2);
    expect(done.steps[1]!.output).toContain("resumed after the worker stopped");
    expect([count("four"), count("five")]).toEqual([1, 1]);
  });
});

describe("[RUNBOOKS] parameters never become shell", () => {
  const hostile = ["; rm -rf /", `$(touch ${pwned})`, `\`touch ${pwned}\``, `x && touch ${pwned}`, `| touch ${pwned}`, "'quoted' \"double\""];

  it.each(hostile)("passes %j to the program as one inert argument", async (note) => {
    const run = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "echo", params: { note } });
    await executeRun(deps(), run.id);
    const done = await getRun(stack.db, run.id);
    expect(done.status).toBe("succeeded");
    expect(done.steps[0]!.output).toContain(`[${note}]`);
    expect(existsSync(pwned)).toBe(false);
  });

  it.each([
    ["newline", "ok\nrm -rf /"],
    ["carriage return", "a\rb"],
  ])("rejects a %s even where the pattern would allow more", async (_name, note) => {
    await expect(createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "echo", params: { note } })).rejects.toMatchObject({
      code: "VALIDATION",
      field: "params.note",
    });
  });

  it.each(["; rm -rf /", "$(id)", "`id`", "a\nb", "--help"])("rejects %j for a parameter with the default safe pattern", async (safe) => {
    await expect(createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "echo", params: { note: "fine", safe } })).rejects.toMatchObject({
      code: "VALIDATION",
      field: "params.safe",
    });
  });
});

describe("[RUNBOOKS] runs", () => {
  it("stops at a manual step and goes on when a person says it is done", async () => {
    const run = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "manual", params: {} });
    expect(await executeRun(deps(), run.id)).toMatchObject({ status: "waiting" });
    expect((await getRun(stack.db, run.id)).steps[0]!.status).toBe("waiting-for-human");
    await expect(decideStep(stack.db, oncall, run.id, 0, "retry")).rejects.toMatchObject({ code: "RULE_VIOLATION" });
    await decideStep(stack.db, oncall, run.id, 0, "done");
    expect(await executeRun(deps(), run.id)).toMatchObject({ status: "succeeded", executed: [1] });
    expect(count("after-manual")).toBe(1);
  });

  it("refuses a second run on a target the first one holds, naming the run, and frees it at the end", async () => {
    const first = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "restart", params: {}, confirm: true });
    await expect(createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "restart", params: {}, confirm: true })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining(`delta is being acted on by run #${first.id}`),
    });
    await executeRun(deps(), first.id);
    const second = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "restart", params: {}, confirm: true });
    expect(second.targets).toEqual(["delta"]);
    await executeRun(deps(), second.id);
  });

  it("cancels a run inside a wait, skipping what is left", async () => {
    const run = await createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "restart", params: {}, confirm: true });
    const executing = executeRun(deps(), run.id);
    await until(
      "the wait running",
      () => getRun(stack.db, run.id),
      (r) => r.steps[1]!.status === "running",
    );
    const { cancelRun } = await import("@ops/core");
    await cancelRun(stack.db, oncall, run.id);
    expect(await executing).toMatchObject({ status: "cancelled" });
    const done = await getRun(stack.db, run.id);
    expect(done.status).toBe("cancelled");
    expect(done.steps[1]!.status).toBe("skipped");
    expect(done.error).toBe("cancelled by test on-call");
    const [lock] = await stack.db.sql`SELECT 1 FROM run_locks WHERE run_id = ${run.id}`;
    expect(lock).toBeUndefined();
  });

  it("needs the confirmation the procedure asks for", async () => {
    await expect(createRun(stack.db, config, oncall, { runbook: "test-kill", procedure: "restart", params: {} })).rejects.toMatchObject({
      code: "VALIDATION",
      field: "confirmation",
    });
  });
});
