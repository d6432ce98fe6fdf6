import { describe, expect, it } from "vitest";
import {
  changeFailed,
  changeFailureRate,
  changeFailureRateBand,
  deploymentFrequencyBand,
  doraPeriod,
  doraReport,
  leadTimeBand,
  median,
  timeToRestoreBand,
  type ChangeFailure,
  type DeliveryChange,
  type DoraBand,
} from "./dora.ts";
import { detectChangeFailureRate } from "./detection.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.parse("2026-10-29T12:00:00Z");

const change = (id: string, source: DeliveryChange["source"], targets: string[], deployedAt: number, committedAt: number | null = null, failed = false) => ({
  id,
  source,
  targets,
  committedAt,
  deployedAt,
  failed,
});
const incident = (id: string, targets: string[], startedAt: number, restoredAfter: number | null): ChangeFailure => ({
  id,
  kind: "incident",
  targets,
  startedAt,
  restoredAt: restoredAfter === null ? null : startedAt + restoredAfter,
});

// Hand-worked fleet: every figure below is computed in the comments, not by the code under test.
const CHANGES: DeliveryChange[] = [
  change("d1", "deployment", ["api"], NOW - 6 * DAY, NOW - 6 * DAY - 2 * HOUR), // lead 2 h
  change("d2", "deployment", ["api"], NOW - 5 * DAY, NOW - 5 * DAY - 30 * MIN), // lead 30 min; i1 follows 2 h later
  change("d3", "deployment", ["web"], NOW - 3 * DAY, NOW - 3 * DAY - 26 * HOUR), // lead 26 h; i4 started before it
  change("v1", "agent_version", ["alpha"], NOW - 2 * DAY), // no commit time; i2 follows 1 h later
  change("r1", "runbook", ["beta"], NOW - 1 * DAY, null, true), // the run itself failed
  change("d4", "deployment", ["api"], NOW - 10 * DAY, NOW - 15 * DAY), // 30 days only; lead 5 days
  change("g1", "governance", [], NOW - 20 * DAY), // fleet-wide; i3 (on zeta) 1 h later
];
const FAILURES: ChangeFailure[] = [
  incident("i1", ["api"], NOW - 5 * DAY + 2 * HOUR, 90 * MIN),
  incident("i2", ["alpha"], NOW - 2 * DAY + HOUR, 20 * MIN),
  incident("i3", ["zeta"], NOW - 20 * DAY + HOUR, 3 * HOUR),
  incident("i4", ["web"], NOW - 3 * DAY - HOUR, 6 * HOUR),
  incident("i5", ["api"], NOW - HOUR, null), // still open: no restore time
];

describe("DORA over the last 7 days (hand-computed)", () => {
  const week = doraPeriod(CHANGES, FAILURES, NOW - 7 * DAY, NOW);
  it("deployment frequency: 4 successful changes (d1 d2 d3 v1) in 7 days = 0.571/day, high", () => {
    expect(week.deploymentFrequency.count).toBe(4);
    expect(week.deploymentFrequency.perDay).toBeCloseTo(4 / 7, 10);
    expect(week.deploymentFrequency.band).toBe("high");
  });
  it("lead time: median of 2 h, 30 min, 26 h = 2 h, high (v1 has no commit time)", () => {
    expect(week.leadTime).toEqual({ medianMs: 2 * HOUR, count: 3, band: "high" });
  });
  it("change failure rate: d2 (i1), v1 (i2), r1 (itself) of 5 = 60 %, low; d1 (i1 26 h later) and d3 (i4 before it) did not fail", () => {
    expect(week.changeFailureRate).toMatchObject({ failed: 3, total: 5, rate: 0.6, band: "low", failedIds: ["d2", "v1", "r1"] });
  });
  it("time to restore: median of 90 min (i1), 20 min (i2), 6 h (i4) = 90 min, high; i5 is still open", () => {
    expect(week.timeToRestore).toEqual({ medianMs: 90 * MIN, count: 3, band: "high" });
  });
  it("a 48 h failure window makes d1 failed too (i1 is 26 h after it): 4 of 5", () => {
    const wide = doraPeriod(CHANGES, FAILURES, NOW - 7 * DAY, NOW, { failureWindowMs: 48 * HOUR });
    expect(wide.changeFailureRate).toMatchObject({ failed: 4, total: 5, failedIds: ["d1", "d2", "v1", "r1"] });
  });
});

describe("DORA over the last 30 days (hand-computed)", () => {
  const month = doraReport(CHANGES, FAILURES, NOW).days30;
  it("6 successful changes in 30 days = 0.2/day, high", () => {
    expect(month.deploymentFrequency).toEqual({ count: 6, perDay: 0.2, band: "high" });
  });
  it("lead time: median of 30 min, 2 h, 26 h, 5 d = (2 h + 26 h) / 2 = 14 h, high", () => {
    expect(month.leadTime).toEqual({ medianMs: 14 * HOUR, count: 4, band: "high" });
  });
  it("change failure rate: d2, v1, r1 and the fleet-wide g1 (i3 on zeta 1 h later) of 7 = 57 %, low", () => {
    expect(month.changeFailureRate).toMatchObject({ failed: 4, total: 7, band: "low" });
    expect(month.changeFailureRate.rate).toBeCloseTo(4 / 7, 10);
  });
  it("time to restore: median of 20 min, 90 min, 3 h, 6 h = (90 + 180) / 2 = 135 min, high", () => {
    expect(month.timeToRestore).toEqual({ medianMs: 135 * MIN, count: 4, band: "high" });
  });
});

describe("weekly trend", () => {
  it("four weeks oldest first, the newest equal to the last 7 days", () => {
    const r = doraReport(CHANGES, FAILURES, NOW);
    expect(r.weeks.map((w) => [w.from, w.to])).toEqual([3, 2, 1, 0].map((back) => [NOW - (back + 1) * 7 * DAY, NOW - back * 7 * DAY]));
    expect(r.weeks.at(-1)).toEqual(r.week);
    // d4 (10 days ago) lands in the second newest week; g1 (20 days ago) in the third newest
    expect(r.weeks.map((w) => w.changeFailureRate.total)).toEqual([0, 1, 1, 5]);
  });
  it("an empty period has no lead time, rate or restore band, and a low frequency", () => {
    const empty = doraPeriod([], [], NOW - 7 * DAY, NOW);
    expect(empty.deploymentFrequency).toEqual({ count: 0, perDay: 0, band: "low" });
    expect(empty.leadTime.band).toBeNull();
    expect(empty.changeFailureRate).toMatchObject({ total: 0, rate: null, band: null });
    expect(empty.timeToRestore.band).toBeNull();
  });
});

describe("what makes a change failed", () => {
  const c = change("c", "deployment", ["api", "web"], NOW, NOW - HOUR);
  it.each<[string, ChangeFailure[], number | undefined, boolean]>([
    ["no failure", [], undefined, false],
    ["incident at the deploy instant", [incident("x", ["api"], NOW, 1)], undefined, true],
    ["incident exactly 24 h later", [incident("x", ["web"], NOW + DAY, 1)], undefined, true],
    ["incident 24 h + 1 ms later", [incident("x", ["web"], NOW + DAY + 1, 1)], undefined, false],
    ["incident 1 ms before", [incident("x", ["api"], NOW - 1, 1)], undefined, false],
    ["incident on another target", [incident("x", ["db"], NOW + HOUR, 1)], undefined, false],
    ["rollback on its target", [{ id: "rb", kind: "rollback", targets: ["web"], startedAt: NOW + HOUR, restoredAt: NOW + HOUR }], undefined, true],
    ["incident 2 h later, 1 h window", [incident("x", ["api"], NOW + 2 * HOUR, 1)], HOUR, false],
    ["incident 1 h later, 1 h window", [incident("x", ["api"], NOW + HOUR, 1)], HOUR, true],
  ])("%s → %s", (_, failures, window, failed) => {
    expect(changeFailed(c, failures, window)).toBe(failed);
  });
  it("a change that failed itself is failed with no incident", () => {
    expect(changeFailed({ ...c, failed: true }, [])).toBe(true);
  });
  it("a fleet-wide change (no targets) is followed by any target's incident", () => {
    expect(changeFailed({ ...c, targets: [] }, [incident("x", ["anything"], NOW + HOUR, 1)])).toBe(true);
  });
  it("period bounds are (from, to]", () => {
    const at = [change("a", "deployment", ["x"], NOW - 7 * DAY), change("b", "deployment", ["x"], NOW)];
    expect(changeFailureRate(at, [], NOW - 7 * DAY, NOW).total).toBe(1);
  });
});

describe("bands at the seed table's boundaries", () => {
  it.each<[number, DoraBand]>([
    [3, "elite"],
    [1, "elite"],
    [0.999, "high"],
    [1 / 7, "high"],
    [1 / 30, "high"],
    [1 / 30 - 1e-9, "medium"],
    [1 / 182.5, "medium"],
    [1 / 182.5 - 1e-9, "low"],
    [0, "low"],
  ])("deployment frequency %s/day → %s", (perDay, band) => expect(deploymentFrequencyBand(perDay)).toBe(band));

  it.each<[number, DoraBand]>([
    [0, "elite"],
    [HOUR - 1, "elite"],
    [HOUR, "high"],
    [DAY, "high"],
    [7 * DAY - 1, "high"],
    [7 * DAY, "medium"],
    [30 * DAY - 1, "medium"],
    [30 * DAY, "low"],
    [200 * DAY, "low"],
  ])("lead time %s ms → %s", (ms, band) => expect(leadTimeBand(ms)).toBe(band));

  it.each<[number, number, DoraBand]>([
    [0, 5, "elite"],
    [3, 20, "elite"], // exactly 15 %
    [4, 25, "high"], // 16 %
    [151, 1000, "high"], // 15.1 %: the table's gap goes to high
    [6, 20, "high"], // exactly 30 %
    [31, 100, "medium"],
    [9, 20, "medium"], // exactly 45 %
    [46, 100, "low"],
    [5, 5, "low"],
  ])("change failure rate %s of %s → %s", (failed, total, band) => expect(changeFailureRateBand(failed, total)).toBe(band));

  it.each<[number, DoraBand]>([
    [HOUR - 1, "elite"],
    [HOUR, "high"],
    [DAY - 1, "high"],
    [DAY, "medium"],
    [7 * DAY - 1, "medium"],
    [7 * DAY, "low"],
    [60 * DAY, "low"],
  ])("time to restore %s ms → %s", (ms, band) => expect(timeToRestoreBand(ms)).toBe(band));

  it.each<[number[], number | null]>([
    [[], null],
    [[3], 3],
    [[1, 3], 2],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])("median %j = %s", (values, m) => expect(median(values)).toBe(m));
});

describe("the change-failure-rate trigger uses the DORA number", () => {
  const runs = (failedFlags: boolean[]) => failedFlags.map((failed, i) => ({ id: `run-${i}`, at: NOW - (i + 1) * HOUR, failed, targets: [`t${i}`] }));
  it("4 of 10 runs followed by an incident on their targets within 24 h fire it, though every run itself succeeded", () => {
    const changes = runs(Array(10).fill(false));
    const incidents = [0, 1, 2, 3].map((i) => incident(`i${i}`, [`t${i}`], NOW - (i + 1) * HOUR + 10 * MIN, 5 * MIN));
    const [finding] = detectChangeFailureRate(changes, NOW, 0.15, 5, 7, incidents);
    expect(finding?.facts).toMatchObject({ rate: 40, failed: 4, total: 10 });
    const dora = changeFailureRate(
      changes.map((c) => ({ id: c.id, source: "runbook" as const, targets: c.targets, committedAt: null, deployedAt: c.at, failed: c.failed })),
      incidents,
      NOW - 7 * DAY,
      NOW,
    );
    expect(dora.failed).toBe(4);
  });
  it("incidents on other targets do not count: 0 of 10, no finding", () => {
    const incidents = [0, 1, 2, 3].map((i) => incident(`i${i}`, ["elsewhere"], NOW - (i + 1) * HOUR + 10 * MIN, 5 * MIN));
    expect(detectChangeFailureRate(runs(Array(10).fill(false)), NOW, 0.15, 5, 7, incidents)).toEqual([]);
  });
  it("exactly 15 % (elite) does not fire; 16 % does", () => {
    const flags = (failed: number, total: number) => Array.from({ length: total }, (_, i) => i < failed);
    expect(detectChangeFailureRate(runs(flags(3, 20)), NOW)).toEqual([]);
    expect(detectChangeFailureRate(runs(flags(4, 25)), NOW)).toHaveLength(1);
  });
});
