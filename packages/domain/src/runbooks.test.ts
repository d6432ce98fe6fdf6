import { describe, expect, it } from "vitest";
import {
  RETRY_SAFE,
  RunbookDef,
  applyDecision,
  checkConfirmation,
  checkDefinition,
  failureLine,
  mayRunProcedure,
  nextMove,
  outcomeLabel,
  planLength,
  resolvePlan,
  runOutcome,
  validateParams,
  type CommandAllowList,
  type FinishedStep,
  type FleetTarget,
  type RunOutcome,
  type StepProgress,
} from "./runbooks.ts";

const FLEET: FleetTarget[] = [
  { name: "steward", kind: "agent", enabled: true },
  { name: "alpha", kind: "agent", enabled: true },
  { name: "beta", kind: "agent", enabled: true },
  { name: "postgresql", kind: "service", enabled: true },
  { name: "litellm", kind: "service", enabled: false },
];
const COMMANDS: CommandAllowList = { echo: { argv: ["printf", "%s\\n"], description: "print", timeoutSeconds: 5 } };

function def(procedure: Record<string, unknown>) {
  return RunbookDef.parse({
    id: "test",
    version: "1.0.0",
    title: "Test",
    description: "d",
    severity: "medium",
    procedures: [{ id: "p", title: "P", description: "d", ...procedure }],
  });
}

describe("definitions", () => {
  it("accepts a rolling restart and expands the loop over enabled agents in fleet order", () => {
    const d = def({
      steps: [
        {
          id: "each",
          title: "each agent",
          forEach: "agents",
          steps: [
            { id: "restart", title: "restart {{item}}", action: { type: "restart-target", target: "{{item}}" } },
            { id: "healthy", title: "wait for {{item}}", action: { type: "wait-healthy", target: "{{item}}" } },
          ],
        },
      ],
    });
    expect(checkDefinition(d, COMMANDS)).toEqual([]);
    const plan = resolvePlan(d.procedures[0]!, {}, FLEET, COMMANDS);
    expect(plan.steps.map((s) => s.key)).toEqual(["restart.steward", "healthy.steward", "restart.alpha", "healthy.alpha", "restart.beta", "healthy.beta"]);
    expect(plan.steps.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.steps[0]!.title).toBe("restart steward");
    expect(plan.steps[1]!.action).toMatchObject({ type: "wait-healthy", target: "steward", timeoutSeconds: 120, accept: ["ok", "warning"] });
    expect(plan.targets).toEqual(["steward", "alpha", "beta"]);
    expect(plan.steps[0]!.retrySafe).toBe(false);
    expect(plan.steps[1]!.retrySafe).toBe(true);
  });

  it("leaves out excepted and disabled targets from loops", () => {
    const d = def({
      steps: [
        {
          id: "each",
          title: "x",
          forEach: "all",
          except: ["alpha"],
          steps: [{ id: "s", title: "stop {{item}}", action: { type: "stop-target", target: "{{item}}" } }],
        },
      ],
    });
    expect(resolvePlan(d.procedures[0]!, {}, FLEET, COMMANDS).targets).toEqual(["steward", "beta", "postgresql"]);
  });

  it("only counts acting steps as held targets", () => {
    const d = def({
      parameters: [{ name: "agent", label: "Agent", type: "target" }],
      steps: [
        { id: "check", title: "check", action: { type: "check-target", target: "postgresql" } },
        { id: "restart", title: "restart", action: { type: "restart-target", target: "{{agent}}" } },
      ],
    });
    expect(resolvePlan(d.procedures[0]!, { agent: "alpha" }, FLEET, COMMANDS).targets).toEqual(["alpha"]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    [
      "unknown parameter in a target",
      { steps: [{ id: "a", title: "t", action: { type: "restart-target", target: "{{agent}}" } }] },
      "{{agent}} must name a parameter of type target",
    ],
    ["item outside a loop", { steps: [{ id: "a", title: "t", action: { type: "restart-target", target: "{{item}}" } }] }, "only defined inside forEach"],
    [
      "a template target",
      {
        parameters: [{ name: "agent", label: "A", type: "target" }],
        steps: [{ id: "a", title: "t", action: { type: "restart-target", target: "x-{{agent}}" } }],
      },
      "not a template",
    ],
    ["a command not allow-listed", { steps: [{ id: "a", title: "t", action: { type: "command", command: "rm" } }] }, "not in the command allow-list"],
    [
      "a parameter spliced into an argument",
      {
        parameters: [{ name: "x", label: "X", type: "text" }],
        steps: [{ id: "a", title: "t", action: { type: "command", command: "echo", args: ["--name={{x}}"] } }],
      },
      "never inside a string",
    ],
    [
      "an argument naming no parameter",
      { steps: [{ id: "a", title: "t", action: { type: "command", command: "echo", args: [{ param: "nope" }] } }] },
      "not a parameter",
    ],
    [
      "duplicate step ids",
      {
        steps: [
          { id: "a", title: "t", action: { type: "wait", seconds: 1 } },
          { id: "a", title: "t", action: { type: "wait", seconds: 1 } },
        ],
      },
      "duplicate step id",
    ],
    ["unknown text reference", { steps: [{ id: "a", title: "t", action: { type: "notify", message: "hello {{who}}" } }] }, "{{who}}"],
    [
      "restore of a non-backup parameter",
      {
        parameters: [{ name: "b", label: "B", type: "text" }],
        steps: [{ id: "a", title: "t", action: { type: "restore-backup", kind: "database", backup: "{{b}}" } }],
      },
      "type backup",
    ],
    [
      "a bad regular expression",
      { parameters: [{ name: "b", label: "B", type: "text", pattern: "([" }], steps: [{ id: "a", title: "t", action: { type: "wait", seconds: 1 } }] },
      "regular expression",
    ],
    [
      "a typed phrase naming no parameter",
      { confirmation: { type: "typed", phrase: "{{agent}}" }, steps: [{ id: "a", title: "t", action: { type: "wait", seconds: 1 } }] },
      "{{agent}}",
    ],
  ];
  it.each(bad)("reports %s", (_name, proc, message) => {
    const issues = checkDefinition(def(proc), COMMANDS);
    expect(issues.map((i) => i.message).join("\n")).toContain(message);
  });

  it("refuses unknown keys and shell-ish action types at the schema", () => {
    expect(() => def({ steps: [{ id: "a", title: "t", action: { type: "shell", script: "rm -rf /" } }] })).toThrow();
    expect(() => def({ steps: [{ id: "a", title: "t", action: { type: "wait", seconds: 1, shell: true } }] })).toThrow();
    expect(() => def({ steps: [] })).toThrow(/at least one step/);
  });

  it("marks acting steps unsafe to repeat and looking steps safe", () => {
    expect(RETRY_SAFE["restart-target"]).toBe(false);
    expect(RETRY_SAFE.command).toBe(false);
    expect(RETRY_SAFE["restore-backup"]).toBe(false);
    expect(RETRY_SAFE.notify).toBe(false);
    expect(RETRY_SAFE["wait-healthy"]).toBe(true);
    expect(RETRY_SAFE["http-check"]).toBe(true);
    expect(RETRY_SAFE["stop-target"]).toBe(true);
  });
});

describe("parameters", () => {
  const specs = def({
    parameters: [
      { name: "agent", label: "Agent", type: "target", kinds: ["agent"] },
      { name: "level", label: "Level", type: "integer", min: 1, max: 5, default: 1 },
      { name: "mode", label: "Mode", type: "enum", values: ["fast", "slow"], required: false },
      { name: "note", label: "Note", type: "text", required: false },
      { name: "raw", label: "Raw", type: "text", pattern: ".*", required: false },
      { name: "backup", label: "Backup", type: "backup", required: false },
      { name: "force", label: "Force", type: "boolean", required: false },
    ],
    steps: [{ id: "a", title: "t", action: { type: "wait", seconds: 1 } }],
  }).procedures[0]!.parameters;

  it("accepts good values, applies defaults and coerces integers given as text", () => {
    expect(validateParams(specs, { agent: "steward", level: "3", mode: "fast", note: "disk full on /var", force: true }, FLEET)).toEqual({
      ok: true,
      values: { agent: "steward", level: 3, mode: "fast", note: "disk full on /var", force: true },
    });
    expect(validateParams(specs, { agent: "alpha" }, FLEET)).toEqual({ ok: true, values: { agent: "alpha", level: 1 } });
  });

  const rejected: [string, Record<string, unknown>, string, string][] = [
    ["missing target", {}, "params.agent", "is required"],
    ["unknown target", { agent: "mallory" }, "params.agent", "configured targets"],
    ["wrong kind", { agent: "postgresql" }, "params.agent", "must be a agent"],
    ["integer out of range", { agent: "alpha", level: 6 }, "params.level", "between 1 and 5"],
    ["integer not whole", { agent: "alpha", level: 2.5 }, "params.level", "whole number"],
    ["enum value", { agent: "alpha", mode: "medium" }, "params.mode", "one of fast, slow"],
    ["unknown parameter", { agent: "alpha", extra: 1 }, "params.extra", "not a parameter"],
    ["boolean", { agent: "alpha", force: "yes" }, "params.force", "true or false"],
    ["semicolon", { agent: "alpha", note: "x; rm -rf /" }, "params.note", "not allowed"],
    ["command substitution", { agent: "alpha", note: "$(reboot)" }, "params.note", "not allowed"],
    ["backticks", { agent: "alpha", note: "`id`" }, "params.note", "not allowed"],
    ["pipe", { agent: "alpha", note: "a | b" }, "params.note", "not allowed"],
    ["redirect", { agent: "alpha", note: "a > /etc/passwd" }, "params.note", "not allowed"],
    ["quotes", { agent: "alpha", note: "it's" }, "params.note", "not allowed"],
    ["newline even with a permissive pattern", { agent: "alpha", raw: "ok\nrm -rf /" }, "params.raw", "control characters"],
    ["option injection", { agent: "alpha", raw: "--output=/etc/passwd" }, "params.raw", "start with '-'"],
    ["too long", { agent: "alpha", note: "a".repeat(201) }, "params.note", "at most 200"],
    ["backup id with a slash", { agent: "alpha", backup: "../../etc" }, "params.backup", "backup id"],
    ["target given as a shell string", { agent: "steward; reboot" }, "params.agent", "configured targets"],
  ];
  it.each(rejected)("rejects %s naming the field", (_name, input, field, message) => {
    const r = validateParams(specs, input, FLEET);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.field === field);
    expect(issue?.message).toContain(message);
  });

  it("refuses a target that is not monitored", () => {
    const s = def({
      parameters: [{ name: "svc", label: "S", type: "target", kinds: ["service"] }],
      steps: [{ id: "a", title: "t", action: { type: "wait", seconds: 1 } }],
    }).procedures[0]!.parameters;
    const r = validateParams(s, { svc: "litellm" }, FLEET);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toContain("not monitored");
  });
});

describe("commands", () => {
  it("puts each parameter into its own argv slot, whatever it contains", () => {
    const d = def({
      parameters: [{ name: "raw", label: "Raw", type: "text", pattern: ".*" }],
      steps: [{ id: "a", title: "t", action: { type: "command", command: "echo", args: ["literal", { param: "raw" }] } }],
    });
    const plan = resolvePlan(d.procedures[0]!, { raw: "a b; $(c) `d`" }, FLEET, COMMANDS);
    expect(plan.steps[0]!.action).toEqual({ type: "command", command: "echo", argv: ["printf", "%s\\n", "literal", "a b; $(c) `d`"], timeoutSeconds: 5 });
  });
});

describe("roles and confirmation", () => {
  it.each([
    [["oncall"], "oncall", true],
    [["viewer"], "oncall", false],
    [["governance"], "oncall", false],
    [["oncall"], "admin", false],
    [["admin"], "admin", true],
    [["admin"], "oncall", true],
    [["viewer", "oncall"], "oncall", true],
  ] as const)("%j may run a %s procedure: %s", (roles, role, ok) => {
    expect(mayRunProcedure(roles, { role })).toBe(ok);
  });

  it("needs the typed phrase exactly", () => {
    const proc = { confirmation: { type: "typed" as const, phrase: "NUCLEAR" } };
    expect(checkConfirmation(proc, "NUCLEAR", "NUCLEAR", undefined)).toEqual({ ok: true });
    expect(checkConfirmation(proc, "NUCLEAR", "nuclear", undefined).ok).toBe(false);
    expect(checkConfirmation(proc, "NUCLEAR", " NUCLEAR", undefined).ok).toBe(false);
    expect(checkConfirmation(proc, "NUCLEAR", undefined, true)).toMatchObject({ ok: false, field: "confirmation" });
    expect(checkConfirmation({ confirmation: { type: "confirm" } }, null, undefined, true)).toEqual({ ok: true });
    expect(checkConfirmation({ confirmation: { type: "confirm" } }, null, undefined, undefined).ok).toBe(false);
    expect(checkConfirmation({ confirmation: { type: "none" } }, null, undefined, undefined)).toEqual({ ok: true });
  });

  it("resolves a templated phrase with the parameters", () => {
    const d = def({
      parameters: [{ name: "agent", label: "A", type: "target" }],
      confirmation: { type: "typed", phrase: "restart {{agent}}" },
      steps: [{ id: "a", title: "t", action: { type: "restart-target", target: "{{agent}}" } }],
    });
    expect(resolvePlan(d.procedures[0]!, { agent: "beta" }, FLEET, COMMANDS).confirmationPhrase).toBe("restart beta");
  });
});

describe("what an executor does next", () => {
  const step = (index: number, status: StepProgress["status"], extra: Partial<StepProgress> = {}): StepProgress => ({
    index,
    status,
    retrySafe: true,
    onFailure: "stop",
    manual: false,
    ...extra,
  });

  it.each<[string, StepProgress[], ReturnType<typeof nextMove>]>([
    ["a fresh run starts at the first step", [step(0, "pending"), step(1, "pending")], { kind: "execute", index: 0, resumed: false }],
    ["completed steps are passed over", [step(0, "succeeded"), step(1, "skipped"), step(2, "pending")], { kind: "execute", index: 2, resumed: false }],
    ["a safe interrupted step is repeated", [step(0, "succeeded"), step(1, "running")], { kind: "execute", index: 1, resumed: true }],
    ["an unsafe interrupted step asks a person", [step(0, "succeeded"), step(1, "running", { retrySafe: false })], { kind: "interrupted", index: 1 }],
    ["a manual step asks a person", [step(0, "succeeded"), step(1, "pending", { manual: true })], { kind: "ask-human", index: 1 }],
    ["a waiting step keeps waiting", [step(0, "waiting-for-human")], { kind: "waiting", index: 0 }],
    ["a failure stops the run", [step(0, "failed"), step(1, "pending")], { kind: "finished", outcome: "failed" }],
    ["a tolerated failure goes on", [step(0, "failed", { onFailure: "continue" }), step(1, "pending")], { kind: "execute", index: 1, resumed: false }],
    [
      "a tolerated failure does not fail the run (it is a warning)",
      [step(0, "failed", { onFailure: "continue" }), step(1, "succeeded")],
      { kind: "finished", outcome: "succeeded" },
    ],
    [
      "a failure without continue after a tolerated one fails the run",
      [step(0, "failed", { onFailure: "continue" }), step(1, "failed")],
      { kind: "finished", outcome: "failed" },
    ],
    ["all done", [step(0, "succeeded"), step(1, "skipped")], { kind: "finished", outcome: "succeeded" }],
    ["an empty plan is done", [], { kind: "finished", outcome: "succeeded" }],
  ])("%s", (_name, steps, expected) => {
    expect(nextMove(steps)).toEqual(expected);
  });

  it("never returns a completed step for execution, over every combination of three steps", () => {
    const statuses = ["pending", "running", "succeeded", "failed", "skipped", "waiting-for-human"] as const;
    for (const a of statuses)
      for (const b of statuses)
        for (const c of statuses)
          for (const safe of [true, false]) {
            const steps = [a, b, c].map((s, i) => step(i, s, { retrySafe: safe }));
            const move = nextMove(steps);
            if (move.kind === "execute") {
              expect(["pending", "running"]).toContain(steps[move.index]!.status);
              if (steps[move.index]!.status === "running") expect(safe).toBe(true);
              expect(
                steps
                  .slice(0, move.index)
                  .every((s) => s.status === "succeeded" || s.status === "skipped" || (s.status === "failed" && s.onFailure === "continue")),
              ).toBe(true);
            }
          }
  });

  it("turns a person's decision into a step status", () => {
    expect(applyDecision(true, "done")).toBe("succeeded");
    expect(applyDecision(false, "retry")).toBe("pending");
    expect(applyDecision(false, "skip")).toBe("skipped");
    expect(applyDecision(true, "retry")).toMatchObject({ error: expect.stringContaining("nothing to retry") });
  });
});

describe("a run's outcome", () => {
  const done = (index: number, status: FinishedStep["status"], extra: Partial<FinishedStep> = {}): FinishedStep => ({
    index,
    status,
    onFailure: "stop",
    title: `Step ${index + 1}`,
    output: "",
    ...extra,
  });

  it.each<[string, FinishedStep[], RunOutcome]>([
    ["all succeeded", [done(0, "succeeded"), done(1, "skipped")], { status: "succeeded", error: null, warnings: [] }],
    [
      "restart one agent: the health check failed while the gateway was down, the rest fixed it",
      [
        done(0, "failed", { onFailure: "continue", title: "Check health", output: "alpha is down: connection refused (expected ok or warning)" }),
        done(1, "succeeded", { title: "Restart alpha" }),
        done(2, "succeeded", { title: "Wait for alpha" }),
      ],
      { status: "succeeded", error: null, warnings: ["step 1 'Check health' failed (continued): alpha is down: connection refused (expected ok or warning)"] },
    ],
    [
      "a warning per tolerated failure, in order",
      [done(0, "failed", { onFailure: "continue", title: "A", output: "$ pg_isready\nno response" }), done(1, "failed", { onFailure: "continue", title: "B" })],
      { status: "succeeded", error: null, warnings: ["step 1 'A' failed (continued): no response", "step 2 'B' failed (continued): no output"] },
    ],
    [
      "only a failing step without continue fails the run",
      [done(0, "failed", { onFailure: "continue", title: "A", output: "x" }), done(1, "failed", { title: "Restart alpha" }), done(2, "skipped")],
      { status: "failed", error: "step 2 failed: Restart alpha", warnings: ["step 1 'A' failed (continued): x"] },
    ],
    ["nothing to do", [], { status: "succeeded", error: null, warnings: [] }],
  ])("%s", (_name, steps, expected) => {
    expect(runOutcome(steps)).toEqual(expected);
  });

  it("the failure line skips the command echo and the resume note, and is kept short", () => {
    expect(failureLine("resumed after the worker stopped during this step\n$ psql -X\n\npsql: connection refused\nmore")).toBe("psql: connection refused");
    expect(failureLine("x".repeat(500))).toHaveLength(200);
    expect(failureLine(undefined)).toBe("no output");
  });

  it("labels an outcome with its warnings", () => {
    expect(outcomeLabel("succeeded", 0)).toBe("succeeded");
    expect(outcomeLabel("succeeded", 1)).toBe("succeeded with 1 warning");
    expect(outcomeLabel("failed", 2)).toBe("failed with 2 warnings");
  });

  it("agrees with what the executor decides when the last step is done", () => {
    const statuses = ["succeeded", "failed", "skipped"] as const;
    for (const a of statuses)
      for (const b of statuses)
        for (const ca of ["stop", "continue"] as const) {
          const steps = [done(0, a, { onFailure: ca }), done(1, b)];
          const move = nextMove(steps.map((s) => ({ ...s, retrySafe: true, manual: false })));
          expect(move).toEqual({ kind: "finished", outcome: runOutcome(steps).status });
        }
  });
});

describe("plan length", () => {
  it("counts loop steps once per target, before parameters are known", () => {
    const d = def({
      parameters: [{ name: "agent", label: "A", type: "target" }],
      steps: [
        { id: "a", title: "t", action: { type: "check-target", target: "{{agent}}" } },
        {
          id: "each",
          title: "x",
          forEach: "agents",
          except: ["beta"],
          steps: [
            { id: "r", title: "r", action: { type: "restart-target", target: "{{item}}" } },
            { id: "w", title: "w", action: { type: "wait-healthy", target: "{{item}}" } },
          ],
        },
      ],
    });
    expect(planLength(d.procedures[0]!, FLEET)).toBe(1 + 2 * 2);
    expect(resolvePlan(d.procedures[0]!, { agent: "alpha" }, FLEET, COMMANDS).steps).toHaveLength(planLength(d.procedures[0]!, FLEET));
  });
});
