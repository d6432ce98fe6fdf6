import type { ParamSpec, ProcedureView, RunbookView, RunSummary } from "@ops/contract";
import { describe, expect, it } from "vitest";
import { searchOf } from "../../lib/router.tsx";
import { at, detail, NOW, run, step } from "./fixtures.test-util.ts";
import {
  proceduresForTarget,
  compareRuns,
  contextLabel,
  decisionsFor,
  describeAction,
  expandedByDefault,
  filterRunbooks,
  flattenRunPages,
  formatElapsed,
  formatParam,
  matchesRunFilter,
  mergeRunDetail,
  nextBefore,
  outcomeText,
  paramOfField,
  prefillParams,
  progressLabel,
  rerunSearch,
  roleNote,
  runContext,
  runElapsed,
  runFromFrame,
  runsQuery,
  sortRuns,
  stepDuration,
  toParamValues,
  toSummary,
  upsertRun,
  upsertRunPages,
  warningsLabel,
} from "./runbooks.ts";
import type { RunPage } from "./runbooks.ts";
import { frame } from "../../lib/frames.test-util.ts";

describe("describeAction", () => {
  it.each([
    [{ type: "restart-target", target: "steward" }, "restart steward"],
    [{ type: "stop-target", target: "redis" }, "stop redis"],
    [{ type: "start-target", target: "redis" }, "start redis"],
    [{ type: "wait-healthy", target: "steward", timeoutSeconds: 120, accept: ["ok", "warning"] }, "wait until steward is healthy (≤120 s)"],
    [{ type: "check-target", target: "redis", expect: ["ok"] }, "check that redis is ok"],
    [{ type: "http-check", target: "steward", path: "/health", expectStatus: [200, 204] }, "HTTP check steward/health expecting 200/204"],
    [
      { type: "http-check", url: "https://x.example/ping", expectStatus: [200], bodyIncludes: "pong" },
      'HTTP check https://x.example/ping expecting 200 and "pong"',
    ],
    [{ type: "collect-evidence", target: "steward" }, "collect evidence from steward"],
    [{ type: "backup", kind: "database" }, "back up database"],
    [{ type: "restore-backup", kind: "redis", backup: "latest" }, "restore redis from backup latest"],
    [{ type: "notify", level: "critical", message: "fleet going down" }, "notify (critical): fleet going down"],
    [{ type: "pause-healing", target: "steward" }, "pause self-healing for steward"],
    [{ type: "resume-healing", target: "steward" }, "resume self-healing for steward"],
    [{ type: "manual", instructions: "Check the disk" }, "manual: Check the disk"],
    [{ type: "wait", seconds: 30 }, "wait 30 s"],
    [{ type: "command", command: "pg-ready", argv: ["pg_isready", "-h", "db.local"], timeoutSeconds: 30 }, "run: pg_isready -h db.local"],
  ])("%j → %s", (action, text) => {
    expect(describeAction(action)).toBe(text);
  });

  it("quotes command arguments that a shell would split and describes unknown actions plainly", () => {
    expect(describeAction({ type: "command", command: "x", argv: ["echo", "a b", ""] })).toBe("run: echo 'a b' ''");
    expect(describeAction({ type: "teleport", to: "mars", n: 2 })).toBe("teleport (to: mars, n: 2)");
    expect(describeAction({ type: "noop" })).toBe("noop");
    expect(describeAction({ type: "wait-healthy", target: "steward" })).toBe("wait until steward is healthy (≤120 s)");
  });
});

describe("elapsed time", () => {
  it("formats a stopwatch", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(7_900)).toBe("0:07");
    expect(formatElapsed(65_000)).toBe("1:05");
    expect(formatElapsed(12 * 60_000 + 34_000)).toBe("12:34");
    expect(formatElapsed(3_723_000)).toBe("1:02:03");
    expect(formatElapsed(-5)).toBe("0:00");
    expect(formatElapsed(null)).toBe("—");
  });

  it("counts a running run up to now and a finished one to its end", () => {
    expect(runElapsed(run(1), NOW)).toBe(65_000);
    expect(runElapsed(run(1), NOW + 1000)).toBe(66_000);
    expect(runElapsed(run(1, { status: "succeeded", finishedAt: at(-5_000) }), NOW + 60_000)).toBe(60_000);
  });

  it("counts a queued run from its creation and a run cancelled before starting as zero", () => {
    expect(runElapsed(run(1, { status: "queued", startedAt: null }), NOW)).toBe(70_000);
    expect(runElapsed(run(1, { status: "cancelled", startedAt: null, finishedAt: at(0) }), NOW)).toBe(70_000);
    expect(runElapsed(run(1, { status: "cancelled", startedAt: null, finishedAt: null }), NOW)).toBe(0);
    expect(runElapsed(run(1, { status: "failed", finishedAt: null }), NOW)).toBeNull();
  });

  it("times steps, live while they run or wait for a person", () => {
    expect(stepDuration(step(0, { status: "succeeded", startedAt: at(-10_000), finishedAt: at(-4_000) }), NOW)).toBe(6_000);
    expect(stepDuration(step(0, { status: "running", startedAt: at(-3_000) }), NOW)).toBe(3_000);
    expect(stepDuration(step(0, { status: "waiting-for-human", startedAt: at(-3_000) }), NOW)).toBe(3_000);
    expect(stepDuration(step(0, { status: "pending" }), NOW)).toBeNull();
    expect(stepDuration(step(0, { status: "failed", startedAt: at(-3_000) }), NOW)).toBeNull();
  });
});

describe("status ordering and step decisions", () => {
  it("puts runs waiting for a person first, then running and queued, then finished, newest first", () => {
    const list = [
      run(1, { status: "succeeded" }),
      run(2, { status: "running" }),
      run(3, { status: "failed" }),
      run(4, { status: "waiting" }),
      run(5, { status: "queued" }),
      run(6, { status: "running" }),
    ];
    expect(sortRuns(list).map((r) => r.id)).toEqual([4, 6, 2, 5, 3, 1]);
    expect(compareRuns(run(1, { status: "cancelled" }), run(2, { status: "succeeded" }))).toBeLessThan(0);
  });

  it("expands running, failed and waiting steps by default", () => {
    expect(expandedByDefault("running")).toBe(true);
    expect(expandedByDefault("failed")).toBe(true);
    expect(expandedByDefault("waiting-for-human")).toBe(true);
    expect(expandedByDefault("succeeded")).toBe(false);
    expect(expandedByDefault("pending")).toBe(false);
    expect(expandedByDefault("skipped")).toBe(false);
  });

  it("offers done/skip on a manual step and retry too on an interrupted one", () => {
    expect(decisionsFor(step(0, { status: "waiting-for-human", action: { type: "manual", instructions: "x" } }))).toEqual(["done", "skip"]);
    expect(decisionsFor(step(0, { status: "waiting-for-human" }))).toEqual(["retry", "done", "skip"]);
    expect(decisionsFor(step(0, { status: "running" }))).toEqual([]);
  });

  it("labels progress and roles", () => {
    expect(progressLabel(run(1))).toBe("step 2 of 3");
    expect(progressLabel(run(1, { status: "succeeded", doneSteps: 3, currentStep: null }))).toBe("3 of 3 steps");
    expect(roleNote({ role: "admin" })).toBe("needs admin");
    expect(roleNote({ role: "oncall" })).toBe("needs on-call");
  });
});

const SPECS: ParamSpec[] = [
  { type: "target", name: "agent", label: "Agent", required: true, kinds: ["agent"] },
  { type: "integer", name: "timeout", label: "Timeout", required: false, min: 10, max: 600, default: 120 },
  { type: "boolean", name: "force", label: "Force", required: false, default: false },
  { type: "enum", name: "mode", label: "Mode", required: true, values: ["soft", "hard"], default: "soft" },
  { type: "text", name: "reason", label: "Reason", required: false, pattern: ".*", maxLength: 200 },
];

describe("prefill from the query", () => {
  it("fills defaults, then parameters named in the URL", () => {
    expect(prefillParams(SPECS, "")).toEqual({ agent: "", timeout: "120", force: false, mode: "soft", reason: "" });
    expect(prefillParams(SPECS, "?agent=steward&timeout=30&force=true&mode=hard&reason=disk%20full&incident=4")).toEqual({
      agent: "steward",
      timeout: "30",
      force: true,
      mode: "hard",
      reason: "disk full",
    });
    expect(prefillParams(SPECS, "?force=no").force).toBe(false);
    expect(prefillParams(SPECS, "?force=maybe").force).toBe(false);
  });

  it("fills the only target parameter from ?target= or the board's ?agent=", () => {
    const svc: ParamSpec[] = [{ type: "target", name: "service", label: "Service", required: true, kinds: ["service"] }];
    expect(prefillParams(svc, "?target=redis")).toEqual({ service: "redis" });
    expect(prefillParams(svc, new URLSearchParams("agent=redis"))).toEqual({ service: "redis" });
    // The agent's kind does not fit a service parameter: left for the user to choose.
    expect(prefillParams(svc, "?agent=steward", [{ name: "steward", kind: "agent" }])).toEqual({ service: "" });
    expect(prefillParams(svc, "?agent=redis", [{ name: "redis", kind: "service" }])).toEqual({ service: "redis" });
    expect(prefillParams(SPECS, "?target=alpha").agent).toBe("alpha");
    expect(prefillParams(SPECS, "?agent=steward&target=alpha").agent).toBe("steward");
  });

  it("fills a backup parameter from ?backup= (the backups page's restore link), else its default", () => {
    const restore: ParamSpec[] = [{ type: "backup", name: "backup", label: "Backup", required: false, default: "latest" }];
    expect(prefillParams(restore, "?backup=database-20261123-020000-a1b2")).toEqual({ backup: "database-20261123-020000-a1b2" });
    expect(prefillParams(restore, "?backup=")).toEqual({ backup: "latest" });
    expect(prefillParams(restore, "")).toEqual({ backup: "latest" });
  });

  it("does not guess between two target parameters", () => {
    const two: ParamSpec[] = [
      { type: "target", name: "from", label: "From", required: true, kinds: ["agent"] },
      { type: "target", name: "to", label: "To", required: true, kinds: ["agent"] },
    ];
    expect(prefillParams(two, "?target=alpha&agent=beta")).toEqual({ from: "", to: "" });
  });

  it("turns form values into request params, leaving empty fields to the server", () => {
    expect(toParamValues(SPECS, { agent: "steward", timeout: "30", force: true, mode: "hard", reason: "" })).toEqual({
      agent: "steward",
      timeout: 30,
      force: true,
      mode: "hard",
    });
    expect(toParamValues(SPECS, { agent: "", timeout: "3.5", force: false, mode: "soft", reason: "x" })).toEqual({
      timeout: "3.5",
      force: false,
      mode: "soft",
      reason: "x",
    });
  });

  it("maps error fields to parameters and formats values", () => {
    expect(paramOfField("params.agent")).toBe("agent");
    expect(paramOfField("confirmation")).toBeNull();
    expect(paramOfField(undefined)).toBeNull();
    expect(formatParam(true)).toBe("yes");
    expect(formatParam(30)).toBe("30");
  });
});

describe("run context", () => {
  it("reads agent and incident from the query and says who it is for", () => {
    const ctx = runContext("?agent=steward&incident=4");
    expect(ctx).toEqual({ agent: "steward", target: null, incident: 4 });
    expect(contextLabel(ctx)).toBe("steward / incident #4");
    expect(contextLabel(runContext("?incident=x"))).toBeNull();
    expect(contextLabel(runContext("?target=redis"))).toBe("redis");
    expect(runContext("incident=0").incident).toBeNull();
  });

  it("takes the query string out of an href and builds a rerun query", () => {
    expect(searchOf("/runbooks?agent=steward&incident=4")).toBe("?agent=steward&incident=4");
    expect(searchOf("/runbooks")).toBe("");
    expect(searchOf("/runbooks?")).toBe("");
    expect(rerunSearch(run(1, { params: { agent: "steward", force: true }, incidentId: 4 }))).toBe("?agent=steward&force=true&incident=4");
    expect(rerunSearch(run(1, { params: {} }))).toBe("");
  });
});

const catalogue: RunbookView[] = [
  {
    id: "restart-agent",
    version: "1.0.0",
    title: "Restart an agent",
    description: "Restart one agent and wait for it.",
    severity: "medium",
    tags: ["agents", "restart"],
    procedures: [
      {
        id: "restart",
        title: "Restart and verify",
        description: "x",
        role: "oncall",
        confirmation: { type: "confirm" },
        destructive: false,
        suggestFor: [],
        parameters: [],
        stepCount: 3,
        allowed: true,
      },
    ],
  },
  {
    id: "db-restore",
    version: "2.1.0",
    title: "Restore the database",
    description: "Bring PostgreSQL back from a backup.",
    severity: "critical",
    tags: ["postgres"],
    procedures: [
      {
        id: "restore",
        title: "Point-in-time restore",
        description: "y",
        role: "admin",
        confirmation: { type: "typed", phrase: "restore {{backup}}" },
        destructive: true,
        suggestFor: [],
        parameters: [],
        stepCount: 6,
        allowed: false,
      },
    ],
  },
];

describe("filterRunbooks", () => {
  it("matches title, description, tags and procedure titles, every word", () => {
    expect(filterRunbooks(catalogue, "").map((r) => r.id)).toEqual(["restart-agent", "db-restore"]);
    expect(filterRunbooks(catalogue, "RESTORE").map((r) => r.id)).toEqual(["db-restore"]);
    expect(filterRunbooks(catalogue, "postgres").map((r) => r.id)).toEqual(["db-restore"]);
    expect(filterRunbooks(catalogue, "agents").map((r) => r.id)).toEqual(["restart-agent"]);
    expect(filterRunbooks(catalogue, "point-in-time").map((r) => r.id)).toEqual(["db-restore"]);
    expect(filterRunbooks(catalogue, "restart verify").map((r) => r.id)).toEqual(["restart-agent"]);
    expect(filterRunbooks(catalogue, "restart postgres")).toEqual([]);
  });
});

describe("lists: query strings and paging", () => {
  it("builds the list query", () => {
    expect(runsQuery({})).toBe("limit=50");
    expect(runsQuery({ status: "failed", runbook: "db-restore", target: "a b", incident: 4 }, 120, 20)).toBe(
      "status=failed&runbook=db-restore&target=a+b&incident=4&limit=20&before=120",
    );
  });

  it("pages by the last id until a short page", () => {
    expect(nextBefore([run(9), run(8)], 2)).toBe(8);
    expect(nextBefore([run(9)], 2)).toBeUndefined();
  });

  it("matches filters", () => {
    expect(matchesRunFilter(run(1), {})).toBe(true);
    expect(matchesRunFilter(run(1), { status: "failed" })).toBe(false);
    expect(matchesRunFilter(run(1), { target: "steward", runbook: "restart-agent" })).toBe(true);
    expect(matchesRunFilter(run(1), { target: "redis" })).toBe(false);
    expect(matchesRunFilter(run(1, { incidentId: 4 }), { incident: 4 })).toBe(true);
    expect(matchesRunFilter(run(1), { incident: 4 })).toBe(false);
  });
});

describe("applying run.updated to cached lists", () => {
  const list = [run(9), run(7, { status: "waiting" }), run(4, { status: "succeeded" })];

  it("replaces a run in place, keeping the others", () => {
    const next = upsertRun(list, run(7, { status: "running" }), {});
    expect(next?.map((r) => `${r.id}:${r.status}`)).toEqual(["9:running", "7:running", "4:succeeded"]);
    expect(next?.[0]).toBe(list[0]);
  });

  it("inserts a new run by id and drops one that left the filter", () => {
    expect(upsertRun(list, run(12), {})?.map((r) => r.id)).toEqual([12, 9, 7, 4]);
    expect(upsertRun(list, run(8), {}, 3)?.map((r) => r.id)).toEqual([9, 8, 7]);
    expect(upsertRun(list, run(9, { status: "failed" }), { status: "running" })?.map((r) => r.id)).toEqual([7, 4]);
    expect(upsertRun(list, run(12, { status: "failed" }), { status: "running" })).toBe(list);
    expect(upsertRun(undefined, run(1), {})).toBeUndefined();
  });

  it("puts a new run on the first page and leaves older ones to load more", () => {
    const pages: RunPage[] = [
      { runs: [run(9), run(8)], next: 8 },
      { runs: [run(6), run(5)], next: 5 },
    ];
    expect(upsertRunPages(pages, run(12), {})[0]?.runs.map((r) => r.id)).toEqual([12, 9, 8]);
    expect(upsertRunPages(pages, run(7), {})[1]?.runs.map((r) => r.id)).toEqual([7, 6, 5]);
    expect(upsertRunPages(pages, run(2), {})).toBe(pages);
    const done: RunPage[] = [{ runs: [run(9)], next: undefined }];
    expect(upsertRunPages(done, run(2), {})[0]?.runs.map((r) => r.id)).toEqual([9, 2]);
    const updated = upsertRunPages(pages, run(5, { status: "failed" }), {});
    expect(updated[1]?.runs[1]?.status).toBe("failed");
    expect(updated[0]).toBe(pages[0]);
  });

  it("flattens pages without duplicates", () => {
    expect(
      flattenRunPages([
        { runs: [run(9), run(8)], next: 8 },
        { runs: [run(8), run(7)], next: undefined },
      ]).map((r) => r.id),
    ).toEqual([9, 8, 7]);
    expect(flattenRunPages(undefined)).toEqual([]);
  });
});

describe("applying run.updated to a cached detail", () => {
  it("merges the summary and replaces the step with the same index", () => {
    const cur = detail(3, [step(0, { status: "succeeded" }), step(1, { status: "running" }), step(2)]);
    const next = mergeRunDetail(cur, run(3, { doneSteps: 2, currentStep: 2 }), step(1, { status: "succeeded", output: "ok" }));
    expect(next.steps.map((s) => s.status)).toEqual(["succeeded", "succeeded", "pending"]);
    expect(next.steps[1]?.output).toBe("ok");
    expect(next.steps[0]).toBe(cur.steps[0]);
    expect(next).toMatchObject({ doneSteps: 2, currentStep: 2 });
  });

  it("keeps the steps when the frame has none, and adds a step it did not know", () => {
    const cur = detail(3, [step(0)]);
    const a = mergeRunDetail(cur, run(3, { status: "cancelled", cancelRequested: true }), null);
    expect(a.status).toBe("cancelled");
    expect(a.steps).toBe(cur.steps);
    const b = mergeRunDetail(cur, run(3), step(2, { status: "running" }));
    expect(b.steps.map((s) => s.index)).toEqual([0, 2]);
  });

  it("never lets a summary's missing steps wipe the detail's", () => {
    const cur = detail(3, [step(0)]);
    const next = mergeRunDetail(cur, { ...run(3), steps: undefined } as unknown as RunSummary, null);
    expect(next.steps).toHaveLength(1);
  });
});

describe("runFromFrame", () => {
  it("reads the run and the step of a run.updated frame", () => {
    const f = runFromFrame({ type: "run.updated", run: run(5), step: step(1, { status: "running" }) });
    expect(f?.run.id).toBe(5);
    expect(f?.step).toMatchObject({ index: 1, status: "running" });
  });

  it("keeps a frame without a step and drops other frames", () => {
    expect(runFromFrame({ type: "run.updated", run: run(5), step: null })?.step).toBeNull();
    expect(runFromFrame(frame({ type: "incident.updated", run: run(5) }))).toBeNull();
  });

  it("strips steps from a summary that carries them", () => {
    const f = runFromFrame(frame({ type: "run.updated", run: { ...run(5), steps: [step(0)] }, step: null }));
    expect(f?.run).not.toHaveProperty("steps");
    expect(toSummary(detail(5, [step(0)]))).not.toHaveProperty("steps");
  });
});

describe("a run's warnings (steps that failed with onFailure: continue)", () => {
  it("reads the outcome with its warnings", () => {
    const w = ["step 1 'Check health' failed (continued): connection refused"];
    expect(outcomeText(run(1, { status: "succeeded", warnings: w }))).toBe("Succeeded with 1 warning");
    expect(outcomeText(run(1, { status: "succeeded", warnings: [...w, "step 3 'x' failed (continued): y"] }))).toBe("Succeeded with 2 warnings");
    expect(outcomeText(run(1, { status: "failed" }))).toBe("Failed");
    expect(warningsLabel(undefined)).toBe("");
  });
});

describe("proceduresForTarget: from a tile, what acts on that target, the fitting one first (issue 17, item 4)", () => {
  const proc = (id: string, over: Partial<ProcedureView> = {}): ProcedureView => ({
    id,
    title: id,
    description: "",
    role: "oncall",
    confirmation: { type: "confirm" },
    destructive: false,
    suggestFor: [],
    parameters: [{ name: "agent", label: "Agent", description: "", type: "target", kinds: ["agent"], required: true }],
    stepCount: 1,
    allowed: true,
    ...over,
  });
  const book = (id: string, procedures: ProcedureView[]): RunbookView => ({
    id,
    version: "1.0.0",
    title: id,
    description: "",
    severity: "medium",
    tags: [],
    procedures,
  });
  const catalogue = [
    book("agent-restart", [
      proc("single", { suggestFor: ["down", "critical"] }),
      proc("force", { confirmation: { type: "typed", phrase: "{{agent}}" }, suggestFor: ["critical"] }),
      proc("clean-state", { confirmation: { type: "typed", phrase: "x" }, destructive: true }),
      proc("rolling", { parameters: [] }),
    ]),
    book("troubleshooting", [
      proc("agent-offline", { confirmation: { type: "none" }, suggestFor: ["unknown"] }),
      proc("high-cpu-memory", { confirmation: { type: "none" }, suggestFor: ["warning", "critical"] }),
    ]),
    book("service-failure", [
      proc("redis", { parameters: [{ name: "svc", label: "S", description: "", type: "target", kinds: ["service"], required: true }] }),
    ]),
  ];
  const ids = (kind: string, status: string) => proceduresForTarget(catalogue, { kind, status }).map((o) => `${o.procedure.id}${o.suggested ? "*" : ""}`);

  it.each([
    ["down", ["single*", "agent-offline", "high-cpu-memory", "force", "clean-state"]],
    ["unknown", ["agent-offline*", "high-cpu-memory", "single", "force", "clean-state"]],
    ["critical", ["high-cpu-memory*", "single*", "force*", "agent-offline", "clean-state"]],
    ["ok", ["agent-offline", "high-cpu-memory", "single", "force", "clean-state"]],
  ])("an agent that is %s", (status, expected) => {
    expect(ids("agent", status)).toEqual(expected);
  });

  it("offers a service only what takes a service, and nothing acting on the whole fleet", () => {
    expect(ids("service", "down")).toEqual(["redis"]);
  });
});
