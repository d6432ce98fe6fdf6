import { describe, expect, it } from "vitest";
import { QueryClient } from "@tanstack/react-query";
import type { AlertView, SloAlert, SloDefinition, SloStatus, SloView } from "@ops/contract";
import { createSloSync, sloKeys } from "./queries.ts";
import {
  alertStateOf,
  alertSubject,
  bodyOf,
  burnDownRows,
  burnDownSummary,
  EMPTY_FORM,
  formatBudgetMinutes,
  formatBudgetPercent,
  formatBurnRate,
  formatObjective,
  formFieldOf,
  formOf,
  policyWords,
  selectorText,
  sloAlertHistory,
  sortWorstFirst,
  thresholdsOf,
  windowOverThreshold,
} from "./slo.ts";

const NOW = Date.parse("2026-12-05T12:00:00.000Z");
const HOUR = 3_600_000;

const ALERTS: SloAlert[] = [
  { rule: "page-fast", severity: "page", factor: 14.4, long: "1h", short: "5m", firing: false, since: null, lastNotifiedAt: null },
  { rule: "page-slow", severity: "page", factor: 6, long: "6h", short: "30m", firing: false, since: null, lastNotifiedAt: null },
  { rule: "ticket", severity: "ticket", factor: 1, long: "3d", short: "6h", firing: false, since: null, lastNotifiedAt: null },
];

function slo(patch: Partial<SloDefinition> = {}): SloDefinition {
  return {
    id: 1,
    name: "alpha availability",
    description: null,
    kind: "availability",
    selector: { type: "targets", targets: ["alpha"] },
    objectivePercent: 99.9,
    thresholdMs: null,
    windowDays: 30,
    policy: "approval",
    policyLiftedUntil: null,
    source: "ui",
    learningId: null,
    version: 1,
    createdBy: "gov@example.org",
    createdAt: new Date(NOW - 24 * HOUR).toISOString(),
    updatedAt: new Date(NOW - 24 * HOUR).toISOString(),
    ...patch,
  };
}

function status(remainingPercent: number, patch: Partial<SloStatus> = {}): SloStatus {
  const total = 43.2;
  const remaining = (total * remainingPercent) / 100;
  return {
    computedAt: new Date(NOW).toISOString(),
    targets: ["alpha"],
    sli: 0.9995,
    validProbes: 1000,
    budget: {
      totalMinutes: total,
      spentMinutes: total - remaining,
      remainingMinutes: Math.max(0, remaining),
      spentPercent: 100 - remainingPercent,
      remainingPercent: Math.max(0, remainingPercent),
      exhausted: remaining <= 0,
    },
    burnRates: { "5m": 0, "30m": 0, "1h": 0, "6h": 0, "3d": 0 },
    alerts: ALERTS,
    policyInForce: false,
    ...patch,
  };
}

const view = (id: number, name: string, st: SloStatus): SloView => ({ slo: slo({ id, name }), status: st });
const firing = (rule: SloAlert["rule"]) => ALERTS.map((a) => (a.rule === rule ? { ...a, firing: true, since: new Date(NOW - HOUR).toISOString() } : a));

describe("formatting", () => {
  it.each([
    [43.2, "43.2 min"],
    [6, "6 min"],
    [0.4321, "0.43 min"],
    [0, "0 min"],
    [-3, "0 min"],
    [259.2, "4 h 19 min"],
    [120, "2 h"],
    [1296, "21 h 36 min"],
    [3 * 1440 + 180, "3 d 3 h"],
    [2 * 1440, "2 d"],
  ])("budget of %s minutes reads %s", (m, text) => expect(formatBudgetMinutes(m)).toBe(text));

  it("budget shares, objectives and burn rates", () => {
    expect(formatBudgetPercent(86.1111)).toBe("86.1 %");
    expect(formatBudgetPercent(100)).toBe("100 %");
    expect(formatBudgetPercent(0.25)).toBe("0.25 %");
    expect(formatBudgetPercent(-40)).toBe("0 %");
    expect(formatObjective(99.9)).toBe("99.9 %");
    expect(formatObjective(99.95)).toBe("99.95 %");
    expect(formatObjective(99)).toBe("99 %");
    expect(formatBurnRate(0)).toBe("0×");
    expect(formatBurnRate(0.4167)).toBe("0.42×");
    expect(formatBurnRate(14.4)).toBe("14.4×");
    expect(formatBurnRate(100)).toBe("100×");
    expect(formatBurnRate(1)).toBe("1×");
  });

  it("selectors in words", () => {
    expect(selectorText({ type: "targets", targets: ["alpha", "beta"] })).toBe("alpha, beta");
    expect(selectorText({ type: "group", group: "agents" })).toBe("every agent");
    expect(selectorText({ type: "group", group: "all" })).toBe("every target");
  });
});

describe("alert state and order", () => {
  it("a firing page outranks a ticket", () => {
    expect(alertStateOf(status(50))).toBe("ok");
    expect(alertStateOf(status(50, { alerts: firing("ticket") }))).toBe("ticket");
    expect(alertStateOf(status(50, { alerts: firing("page-slow") }))).toBe("page");
  });

  it("sorts worst first: least budget, then a firing page, then the name", () => {
    const list = [
      view(1, "b", status(80)),
      view(2, "a", status(80)),
      view(3, "c", status(10)),
      view(4, "d", status(80, { alerts: firing("page-fast") })),
      view(5, "e", status(0)),
    ];
    expect(sortWorstFirst(list).map((v) => v.slo.id)).toEqual([5, 3, 4, 2, 1]);
    expect(list.map((v) => v.slo.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("marks the windows whose burn reaches a rule that reads them", () => {
    const st = status(50, { burnRates: { "5m": 100, "30m": 3, "1h": 20, "6h": 6, "3d": 0.5 } });
    expect(thresholdsOf(st, "6h").map((t) => `${t.rule}@${t.factor}`)).toEqual(["page-slow@6", "ticket@1"]);
    expect(windowOverThreshold(st, "5m")).toBe(true);
    expect(windowOverThreshold(st, "30m")).toBe(false);
    expect(windowOverThreshold(st, "6h")).toBe(true);
    expect(windowOverThreshold(st, "3d")).toBe(false);
  });
});

describe("policyWords", () => {
  it("says what the policy does now", () => {
    const inForce = policyWords(slo(), status(0, { policyInForce: true }), NOW);
    expect(inForce.tone).toBe("in-force");
    expect(inForce.now).toBe("In force: rolling restarts of alpha need a governance approval until the budget recovers or governance lifts the policy.");
    expect(policyWords(slo({ policy: "confirm" }), status(50), NOW)).toMatchObject({
      tone: "idle",
      now: "Not in force: budget is left and no page alert fires.",
    });
    expect(policyWords(slo({ policy: "confirm" }), status(50), NOW).rule).toContain("need an extra confirmation");
    expect(policyWords(slo({ policy: "none" }), status(0), NOW).tone).toBe("none");
    const lifted = policyWords(slo({ policyLiftedUntil: new Date(NOW + 4 * HOUR).toISOString() }), status(0), NOW);
    expect(lifted.tone).toBe("lifted");
    expect(lifted.now).toMatch(/^Lifted by governance until /);
  });

  it("names at most three targets", () => {
    const st = status(0, { policyInForce: true, targets: ["a", "b", "c", "d", "e"] });
    expect(policyWords(slo(), st, NOW).now).toContain("of a, b, c and 2 more need");
  });
});

describe("the burn-down", () => {
  const from = NOW - 2 * HOUR;
  const points = [
    { at: new Date(from).toISOString(), remainingMinutes: 43.2, remainingPercent: 100 },
    { at: new Date(from + HOUR).toISOString(), remainingMinutes: 37.2, remainingPercent: 86.1 },
    { at: new Date(from + 2 * HOUR).toISOString(), remainingMinutes: 37.2, remainingPercent: 86.1 },
  ];

  it("puts the even pace beside the remaining budget", () => {
    const rows = burnDownRows(points, 43.2, 30);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ t: from, remaining: 43.2, ideal: 43.2 });
    expect(rows[1]?.ideal).toBeCloseTo(43.2 * (1 - 1 / 720), 9);
    expect(burnDownRows([], 43.2, 30)).toEqual([]);
  });

  it("summarises the chart in words", () => {
    expect(burnDownSummary(points, 43.2, 30)).toBe(
      "Error budget over the 30-day window: 37.2 min of 43.2 min left; spent faster than the even pace (the even pace leaves 43.1 min now).",
    );
    expect(burnDownSummary([], 43.2, 30)).toBe("No burn-down yet.");
    const gone = [...points, { at: new Date(NOW + HOUR).toISOString(), remainingMinutes: -6, remainingPercent: -13.9 }];
    expect(burnDownSummary(gone, 43.2, 30)).toContain("0 min of 43.2 min left, exhausted (6 min past)");
  });
});

describe("the form", () => {
  it("builds the body the API takes", () => {
    const built = bodyOf({ ...EMPTY_FORM, name: " alpha availability ", targets: "alpha, beta alpha", policy: "approval" });
    expect(built.errors).toBeNull();
    expect(built.body).toEqual({
      name: "alpha availability",
      description: null,
      kind: "availability",
      selector: { type: "targets", targets: ["alpha", "beta"] },
      objectivePercent: 99.9,
      thresholdMs: null,
      windowDays: 30,
      policy: "approval",
    });
    const latency = bodyOf({ ...EMPTY_FORM, name: "p", selectorType: "group", group: "services", kind: "latency", thresholdMs: "250" });
    expect(latency.body).toMatchObject({ selector: { type: "group", group: "services" }, kind: "latency", thresholdMs: 250 });
  });

  it("names each wrong field", () => {
    const built = bodyOf({ ...EMPTY_FORM, name: "", targets: "", objective: "99.99999", windowDays: "0", kind: "latency", thresholdMs: "300" });
    expect(built.body).toBeNull();
    expect(Object.keys(built.errors ?? {}).sort()).toEqual(["name", "objective", "targets", "thresholdMs", "windowDays"]);
    expect(bodyOf({ ...EMPTY_FORM, name: "x", targets: "a", objective: "40" }).errors).toEqual({ objective: "Between 50 and 99.9999 %." });
    expect(bodyOf({ ...EMPTY_FORM, name: "x", targets: "a", objective: "abc" }).errors).toEqual({ objective: "A percentage, e.g. 99.9." });
  });

  it("round-trips a definition and maps the API's fields", () => {
    const def = slo({ kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" }, description: "p99" });
    expect(bodyOf(formOf(def)).body).toMatchObject({ kind: "latency", thresholdMs: 500, selector: { type: "group", group: "agents" }, description: "p99" });
    expect(formFieldOf("selector.targets")).toBe("targets");
    expect(formFieldOf("objectivePercent")).toBe("objective");
    expect(formFieldOf("windowDays")).toBe("windowDays");
    expect(formFieldOf("policy")).toBeNull();
    expect(formFieldOf(undefined)).toBeNull();
  });
});

describe("createSloSync", () => {
  it("refetches the SLOs on an evaluation and on a reconnect, and ignores other frames", async () => {
    const qc = new QueryClient();
    qc.setQueryData(sloKeys.list, []);
    qc.setQueryData(sloKeys.detail(3), { slo: slo(), status: status(50) });
    const sync = createSloSync(qc);
    sync({ type: "heartbeat", serverTime: new Date(NOW).toISOString() });
    expect(qc.getQueryState(sloKeys.list)?.isInvalidated).toBe(false);
    sync({ type: "slo.updated", at: new Date(NOW).toISOString(), changed: [3] });
    expect(qc.getQueryState(sloKeys.list)?.isInvalidated).toBe(true);
    expect(qc.getQueryState(sloKeys.detail(3))?.isInvalidated).toBe(true);
  });
});

describe("the alert history", () => {
  const row = (id: number, patch: Partial<AlertView>): AlertView => ({
    id,
    at: "2026-12-05T11:00:00.000Z",
    target: "alpha",
    kind: "slo-page-fast",
    level: "critical",
    channel: "webhook",
    status: "sent",
    title: "alpha: SLO burn",
    message: 'SLO "alpha availability" burns its error budget at 100.0× over 1h',
    incidentId: 4,
    attempts: 1,
    nextAttemptAt: null,
    lastError: null,
    sentAt: "2026-12-05T11:00:01.000Z",
    followsId: null,
    ...patch,
  });

  it("files alerts under the one target, or the SLO's name", () => {
    expect(alertSubject("alpha availability", ["alpha"])).toBe("alpha");
    expect(alertSubject("fleet", ["alpha", "beta"])).toBe("slo:fleet");
    expect(alertSubject("fleet", [])).toBe("slo:fleet");
  });

  it("keeps this SLO's alerts, one entry per alert with its channels, newest first", () => {
    const history = sloAlertHistory(
      [
        row(1, {}),
        row(2, { channel: "file", status: "failed" }),
        row(3, { at: "2026-12-05T11:30:00.000Z", kind: "slo-page-slow", followsId: 1 }),
        row(4, { kind: "down", message: "alpha is down" }),
        row(5, { message: 'SLO "alpha latency" burns its error budget' }),
      ],
      "alpha availability",
    );
    expect(history.map((e) => [e.rule, e.update, e.deliveries.map((d) => `${d.channel}:${d.status}`).join(" ")])).toEqual([
      ["page-slow", true, "webhook:sent"],
      ["page-fast", false, "webhook:sent file:failed"],
    ]);
    expect(history[1]?.incidentId).toBe(4);
  });
});
