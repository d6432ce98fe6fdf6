import { describe, expect, it } from "vitest";
import { sloBreachFinding } from "./slo-learning.ts";
import { planRisks, policyInForce, policyRequirement, runAsChange, type GuardingSlo, type PolicyPlan } from "./slo-policy.ts";
import {
  ALERT_RULES,
  BUCKET_MS,
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  allowedErrorRatio,
  budget,
  budgetMinutes,
  burnDown,
  burnRate,
  burnRates,
  burningRules,
  countProbe,
  emptyCounts,
  errorRatio,
  evaluateSlo,
  probeValidity,
  quietAlert,
  sli,
  sloInput,
  spentMinutes,
  stepAlert,
  type AlertState,
  type Bucket,
  type BurnWindow,
  type ProbeStatus,
} from "./slo.ts";

const avail = { kind: "availability" as const, thresholdMs: null };
const lat500 = { kind: "latency" as const, thresholdMs: 500 };
const now = Date.parse("2026-12-01T12:00:00Z");

/** Buckets of `n` valid probes with `bad` failures each, every 5 minutes over [from, to). */
function run(from: number, to: number, n: number, bad: number): Bucket[] {
  const out: Bucket[] = [];
  for (let t = from; t < to; t += BUCKET_MS) {
    const c = emptyCounts();
    for (let i = 0; i < n; i++) countProbe(c, i < bad ? "down" : "ok", 100);
    out.push({ start: t, counts: c });
  }
  return out;
}

describe("probe validity", () => {
  it.each<[ProbeStatus, string]>([
    ["ok", "good"],
    ["warning", "good"],
    ["critical", "bad"],
    ["down", "bad"],
    ["unknown", "invalid"],
  ])("%s is %s", (status, want) => expect(probeValidity(status)).toBe(want));
});

describe("SLIs", () => {
  const c = emptyCounts();
  // 10 probes: 6 ok (latencies 50, 120, 300, 499, 500, 900), 1 warning at 3000 ms, 1 ok without latency, 1 down, 1 unknown.
  for (const ms of [50, 120, 300, 499, 500, 900]) countProbe(c, "ok", ms);
  countProbe(c, "warning", 3000);
  countProbe(c, "ok", null);
  countProbe(c, "down", 10_000);
  countProbe(c, "unknown", null);

  it("counts valid, good and fast probes by hand", () => {
    expect(c).toEqual({ valid: 9, good: 8, fast: [1, 2, 5, 6, 6, 7] });
  });
  it.each<[string, { kind: "availability" | "latency"; thresholdMs: number | null }, number]>([
    ["availability = good / valid", avail, 8 / 9],
    ["latency < 500 ms = fast / valid", lat500, 5 / 9],
    ["latency < 100 ms", { kind: "latency", thresholdMs: 100 }, 1 / 9],
    ["latency < 5 s", { kind: "latency", thresholdMs: 5000 }, 7 / 9],
  ])("%s", (_, spec, want) => {
    expect(sli(c, spec)).toBeCloseTo(want, 12);
    expect(errorRatio(c, spec)).toBeCloseTo(1 - want, 12);
  });
  it("has no SLI without valid probes, and no error either", () => {
    const none = countProbe(emptyCounts(), "unknown", null);
    expect(sli(none, avail)).toBeNull();
    expect(errorRatio(none, avail)).toBe(0);
  });
  it("refuses a latency threshold the rollups do not count", () => {
    expect(() => sli(c, { kind: "latency", thresholdMs: 300 })).toThrow(/not one of/);
  });
});

describe("error budget", () => {
  it.each<[number, number, number]>([
    [99.9, 30, 43.2],
    [99, 30, 432],
    [99.99, 30, 4.32],
    [99.5, 7, 50.4],
    [99.95, 28, 20.16],
    [100, 30, 0],
  ])("objective %s, %s days: %s min", (objective, days, minutes) => expect(budgetMinutes(objective, days)).toBeCloseTo(minutes, 9));

  it("computes the allowed ratio without float drift", () => {
    expect(allowedErrorRatio(99.9)).toBe(0.001);
    expect(allowedErrorRatio(99.99)).toBe(0.0001);
  });

  it.each<[number, number, number, number, boolean]>([
    // spent min, remaining min, spent %, remaining %, exhausted (99.9 % over 30 d: 43.2 min)
    [0, 43.2, 0, 100, false],
    [6, 37.2, 13.888888888888889, 86.11111111111111, false],
    [43.2, 0, 100, 0, true],
    [50, 0, 115.74074074074073, 0, true],
  ])("spent %s min", (spent, remaining, spentPct, remainingPct, exhausted) => {
    const b = budget(99.9, 30, spent);
    expect(b.totalMinutes).toBeCloseTo(43.2, 9);
    expect(b.remainingMinutes).toBeCloseTo(remaining, 9);
    expect(b.spentPercent).toBeCloseTo(spentPct, 9);
    expect(b.remainingPercent).toBeCloseTo(remainingPct, 9);
    expect(b.exhausted).toBe(exhausted);
  });
});

describe("burn rate", () => {
  it.each<[number, number, number]>([
    [0.1, 99.9, 100],
    [0.001, 99.9, 1],
    [0.0144, 99.9, 14.4],
    [0, 99.9, 0],
    [0.01, 99, 1],
  ])("error ratio %s at objective %s burns at %s×", (ratio, objective, want) => expect(burnRate(ratio, objective)).toBeCloseTo(want, 9));

  it("is infinite for any error at a 100 % objective", () => {
    expect(burnRate(0.01, 100)).toBe(Number.POSITIVE_INFINITY);
    expect(burnRate(0, 100)).toBe(0);
  });

  it("done-when: 10 % of probes failing for 1 h at 99.9 % burns at 100× over 1 h and 5 m", () => {
    // 30 days clean, then the last hour failing 1 probe in 10 (10 probes per bucket: one every 30 s).
    const buckets = [...run(now - 30 * DAY_MS, now - HOUR_MS, 10, 0), ...run(now - HOUR_MS, now, 10, 1)];
    const rates = burnRates(buckets, avail, 99.9, now - 1);
    expect(rates["5m"]).toBeCloseTo(100, 9);
    expect(rates["30m"]).toBeCloseTo(100, 9);
    expect(rates["1h"]).toBeCloseTo(100, 9);
    // 6 h: 1 h bad of 6 → 100/6; 3 d: 1 h of 72 → 100/72.
    expect(rates["6h"]).toBeCloseTo(100 / 6, 9);
    expect(rates["3d"]).toBeCloseTo(100 / 72, 9);
    expect(burningRules(rates)).toEqual(["page-fast", "page-slow", "ticket"]);
    const spec = { ...avail, objectivePercent: 99.9, windowDays: 30 };
    const e = evaluateSlo(spec, sloInput(spec, buckets, now - 1), now - 1);
    // Storage leaves the clean buckets out of the list (the window totals keep them): the same answer.
    const input = sloInput(spec, buckets, now - 1);
    expect(evaluateSlo(spec, { ...input, buckets: input.buckets.filter((b) => b.counts.good < b.counts.valid) }, now - 1)).toEqual(e);
    expect(e.validProbes).toBe(12 * 24 * 30 * 10);
    // 10 % bad for 60 min spends 6 min of 43.2.
    expect(e.budget.spentMinutes).toBeCloseTo(6, 9);
    expect(e.budget.remainingMinutes).toBeCloseTo(37.2, 9);
    expect(e.budget.exhausted).toBe(false);
    expect(e.sli).toBeCloseTo(1 - 12 / (12 * 24 * 30 * 10), 12);
  });
});

describe("multi-window multi-burn-rate", () => {
  const rates = (r: Partial<Record<BurnWindow, number>>): Record<BurnWindow, number> => ({ "5m": 0, "30m": 0, "1h": 0, "6h": 0, "3d": 0, ...r });
  it.each<[string, Partial<Record<BurnWindow, number>>, string[]]>([
    ["nothing burning", {}, []],
    ["fast: 1 h and 5 m at 14.4", { "1h": 14.4, "5m": 14.4 }, ["page-fast"]],
    ["fast needs the short window too", { "1h": 20, "5m": 14 }, []],
    ["fast needs the long window too (a blip)", { "1h": 3, "5m": 500 }, []],
    ["slow: 6 h and 30 m at 6", { "6h": 6, "30m": 7 }, ["page-slow"]],
    ["slow short window below", { "6h": 8, "30m": 5.9 }, []],
    ["ticket: 3 d and 6 h at 1", { "3d": 1, "6h": 1 }, ["ticket"]],
    ["ticket: 3 d at 1 but 6 h quiet", { "3d": 1.5, "6h": 0.5 }, []],
    ["all three", { "5m": 20, "30m": 20, "1h": 20, "6h": 20, "3d": 20 }, ["page-fast", "page-slow", "ticket"]],
  ])("%s", (_, r, want) => expect(burningRules(rates(r))).toEqual(want));

  const fast = ALERT_RULES[0];
  const hot = rates({ "1h": 100, "5m": 100 });
  const longOnly = rates({ "1h": 100, "5m": 1 });
  const cold = rates({ "1h": 10, "5m": 1 });
  const cooldown = 30 * MINUTE_MS;

  it("fires once per episode, holds while one window is above, resolves when both are below", () => {
    const steps: [Record<BurnWindow, number>, number, string | null][] = [
      [cold, 0, null],
      [hot, 1, "fire"],
      [hot, 2, null],
      [longOnly, 3, null],
      [cold, 4, "resolve"],
      [cold, 5, null],
    ];
    let s: AlertState = quietAlert();
    for (const [r, minute, want] of steps) {
      const out = stepAlert(s, fast, r, now + minute * MINUTE_MS, cooldown);
      expect([minute, out.event]).toEqual([minute, want]);
      s = out.state;
    }
    expect(s).toEqual({ firing: false, since: null, lastNotifiedAt: now + MINUTE_MS });
  });

  it("a new episode inside the cooldown is recorded but not sent; after it, it is sent", () => {
    const first = stepAlert(quietAlert(), fast, hot, now, cooldown);
    const over = stepAlert(first.state, fast, cold, now + 5 * MINUTE_MS, cooldown);
    const again = stepAlert(over.state, fast, hot, now + 10 * MINUTE_MS, cooldown);
    expect([first.event, over.event, again.event]).toEqual(["fire", "resolve", "suppressed"]);
    expect(again.state).toEqual({ firing: true, since: now + 10 * MINUTE_MS, lastNotifiedAt: now });
    const over2 = stepAlert(again.state, fast, cold, now + 20 * MINUTE_MS, cooldown);
    const later = stepAlert(over2.state, fast, hot, now + 31 * MINUTE_MS, cooldown);
    expect([over2.event, later.event]).toEqual(["resolve", "fire"]);
    expect(later.state.lastNotifiedAt).toBe(now + 31 * MINUTE_MS);
  });
});

describe("buckets of other widths", () => {
  it("an hourly bucket spends its bad share of an hour", () => {
    const c = emptyCounts();
    for (let i = 0; i < 120; i++) countProbe(c, i < 12 ? "down" : "ok", 50);
    expect(spentMinutes([{ start: now, ms: HOUR_MS, counts: c }], avail, now, now + 1)).toBeCloseTo(6, 9);
  });
});

describe("burn-down", () => {
  it("steps the remaining budget down as bad buckets pass", () => {
    // A 1-day window at 99 % (14.4 min budget). Starting at midnight: 2 h clean, 1 h at 50 % bad (30 min spent), rest clean.
    const day = Date.parse("2026-12-01T00:00:00Z");
    const buckets = [
      ...run(day, day + 2 * HOUR_MS, 10, 0),
      ...run(day + 2 * HOUR_MS, day + 3 * HOUR_MS, 10, 5),
      ...run(day + 3 * HOUR_MS, day + 6 * HOUR_MS, 10, 0),
    ];
    const end = day + 6 * HOUR_MS;
    const pts = burnDown(buckets, avail, 99, 1, end, HOUR_MS);
    // The window starts at end − 1 d = the previous day 06:00: 18 empty hours, then the six above.
    expect(pts).toHaveLength(25);
    const remaining = pts.map((p) => Math.round(p.remainingMinutes * 1000) / 1000);
    expect(remaining.slice(0, 21)).toEqual(Array(21).fill(14.4));
    expect(remaining.slice(21)).toEqual([-15.6, -15.6, -15.6, -15.6]);
    expect(pts[24]?.at).toBe(end);
    expect(pts[24]?.remainingPercent).toBeCloseTo((-15.6 / 14.4) * 100, 9);
  });

  it("charges a partial hour point by point", () => {
    const start = now - HOUR_MS;
    const buckets = run(start, now, 10, 1);
    const pts = burnDown(buckets, avail, 99.9, 30, now, 30 * MINUTE_MS);
    const last3 = pts.slice(-3).map((p) => Math.round(p.remainingMinutes * 1000) / 1000);
    // at now−1h: nothing spent yet; at now−30m: 3 min; at now: 6 min.
    expect(last3).toEqual([43.2, 40.2, 37.2]);
  });
});

describe("error-budget policy", () => {
  const step = (type: string, target: string | null = null) => ({ action: { type }, target });
  const statuses: Record<string, string> = { alpha: "ok", beta: "down", gamma: "warning" };
  const statusOf = (t: string) => statuses[t];

  it.each<[string, PolicyPlan, { target: string; risk: string }[]]>([
    [
      "restart of a healthy agent",
      { steps: [step("restart-target", "alpha")], targets: ["alpha"] },
      [{ target: "alpha", risk: "restart of a healthy target" }],
    ],
    ["restart of a down agent is not risky", { steps: [step("restart-target", "beta")], targets: ["beta"] }, []],
    ["stopping a warning agent", { steps: [step("stop-target", "gamma")], targets: ["gamma"] }, [{ target: "gamma", risk: "restart of a healthy target" }]],
    [
      "rolling restart of two",
      { steps: [step("restart-target", "beta"), step("wait-healthy", "beta"), step("restart-target", "gamma")], targets: ["beta", "gamma"] },
      [
        { target: "beta", risk: "rolling restart" },
        { target: "gamma", risk: "rolling restart" },
        { target: "gamma", risk: "restart of a healthy target" },
      ],
    ],
    [
      "config change on the plan's targets",
      { steps: [step("command"), step("restart-target", "beta")], targets: ["beta"] },
      [{ target: "beta", risk: "config change" }],
    ],
    ["fleet-wide config change", { steps: [step("restore-backup")], targets: [] }, [{ target: "*", risk: "config change" }]],
    ["checks only", { steps: [step("check-target", "alpha"), step("collect-evidence", "alpha")], targets: [] }, []],
  ])("%s", (_, plan, want) => expect(planRisks(plan, statusOf)).toEqual(want));

  const slo = (over: Partial<GuardingSlo>): GuardingSlo => ({
    id: 1,
    name: "alpha availability",
    policy: "approval",
    targets: ["alpha"],
    exhausted: true,
    paging: false,
    remainingMinutes: 0,
    totalMinutes: 43.2,
    liftedUntil: null,
    ...over,
  });
  const rolling = planRisks({ steps: [step("restart-target", "alpha"), step("restart-target", "beta")], targets: ["alpha", "beta"] }, statusOf);

  it.each<[string, Partial<GuardingSlo>, boolean]>([
    ["exhausted", {}, true],
    ["paging, not exhausted", { exhausted: false, paging: true }, true],
    ["healthy budget", { exhausted: false }, false],
    ["policy none", { policy: "none" }, false],
    ["lifted by governance until later", { liftedUntil: now + 1 }, false],
    ["lift expired", { liftedUntil: now }, true],
  ])("in force: %s → %s", (_, over, want) => expect(policyInForce(slo(over), now)).toBe(want));

  it("requires approval for a rolling restart covered by an exhausted budget, and says so", () => {
    const r = policyRequirement(rolling, [slo({})], now);
    expect(r.required).toBe("approval");
    expect(r.sentence).toBe(
      'SLO "alpha availability" has spent its error budget (0 min of 43.2 min left): this rolling restart of alpha and restart of healthy alpha needs a governance approval.',
    );
  });

  it("the strongest of several SLOs wins and the others are counted", () => {
    const r = policyRequirement(
      rolling,
      [slo({ id: 2, name: "beta latency", policy: "confirm", targets: ["beta"], exhausted: false, paging: true, remainingMinutes: 37.2 }), slo({})],
      now,
    );
    expect(r.required).toBe("approval");
    expect(r.slos.map((s) => s.id)).toEqual([2, 1]);
    expect(r.sentence).toMatch(/needs a governance approval \(1 more SLO in force\)\.$/);
  });

  it("a confirm policy while paging", () => {
    const r = policyRequirement(rolling, [slo({ policy: "confirm", exhausted: false, paging: true, remainingMinutes: 37.2 })], now);
    expect(r).toMatchObject({ required: "confirm" });
    expect(r.sentence).toBe(
      'SLO "alpha availability" is burning its error budget at a paging rate (37.2 min of 43.2 min left): this rolling restart of alpha and restart of healthy alpha needs an extra confirmation.',
    );
  });

  it("requires nothing for targets no SLO in force covers", () => {
    expect(policyRequirement(rolling, [slo({ targets: ["delta"] })], now)).toEqual({ required: "none", sentence: null, slos: [] });
    expect(policyRequirement([], [slo({})], now).required).toBe("none");
  });

  it("a fleet-wide config change touches every SLO in force", () => {
    const r = policyRequirement([{ target: "*", risk: "config change" }], [slo({ targets: ["delta"] })], now);
    expect(r.sentence).toMatch(/this config change on the fleet needs a governance approval\.$/);
  });
});

describe("sla_breach learning", () => {
  const b = budget(99.9, 30, 50);
  it.each<["page" | "exhausted", string, string, string]>([
    [
      "exhausted",
      "critical",
      "SLO-7-exhausted-2026-12-01",
      'SLO "alpha availability" (99.9 % over 30 d) has exhausted its error budget: 115.7 % of its 43.2-minute budget spent.',
    ],
    [
      "page",
      "high",
      `SLO-7-page-${now}`,
      'SLO "alpha availability" (99.9 % over 30 d) is burning its error budget at 100× over the last hour: 115.7 % of its 43.2-minute budget spent.',
    ],
  ])("%s: priority %s, occurrence %s", (kind, priority, occurrence, summary) => {
    const f = sloBreachFinding({
      sloId: 7,
      name: "alpha availability",
      targets: ["alpha"],
      objectivePercent: 99.9,
      windowDays: 30,
      budget: b,
      kind,
      at: now,
      burnRate1h: 100,
    });
    expect(f).toMatchObject({ type: "LRN", heading: "sla_breach", area: "monitoring", patternKey: "slo.breach.7", priority, summary, service: "alpha" });
    expect(f.occurrences).toEqual([{ id: occurrence, at: now }]);
  });
});

describe("a runbook run as a delivery change", () => {
  it("is a change only when a config-changing step ran; failed when the run or that step failed", () => {
    expect(runAsChange("succeeded", [{ actionType: "check-target", status: "succeeded" }])).toBeNull();
    expect(runAsChange("cancelled", [{ actionType: "command", status: "skipped" }])).toBeNull();
    expect(runAsChange("succeeded", [{ actionType: "command", status: "succeeded" }])).toEqual({ failed: false });
    expect(runAsChange("succeeded", [{ actionType: "restore-backup", status: "failed" }])).toEqual({ failed: true });
    expect(
      runAsChange("failed", [
        { actionType: "command", status: "succeeded" },
        { actionType: "wait-healthy", status: "failed" },
      ]),
    ).toEqual({ failed: true });
  });
});
