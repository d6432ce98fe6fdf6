import { describe, expect, it } from "vitest";
import { judgeWatch, monitoringPolicy, stallLimitMs } from "./watch.ts";

const T0 = Date.parse("2026-12-05T12:00:00Z");
const names = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);

describe("stallLimitMs", () => {
  it.each([
    [1000, 10_000],
    [2000, 10_000],
    [5000, 10_000],
    [5001, 10_002],
    [30_000, 60_000],
    [3_600_000, 7_200_000],
  ])("interval %i ms → limit %i ms", (interval, limit) => expect(stallLimitMs(interval)).toBe(limit));
  it("refuses a non-positive interval", () => {
    expect(() => stallLimitMs(0)).toThrow(RangeError);
    expect(() => stallLimitMs(Number.NaN)).toThrow(RangeError);
  });
});

describe("judgeWatch", () => {
  const base = { shardSize: 2, intervalMs: 30_000, watchingSince: T0 - 3_600_000 };

  it("no targets: idle, never stalled", () => {
    const w = judgeWatch({ ...base, targets: [], now: T0 });
    expect(w).toMatchObject({ state: "idle", since: null, shards: [] });
  });

  it("every shard fresh: watching", () => {
    const targets = names(5).map((name, i) => ({ name, checkedAt: T0 - 1000 * i }));
    const w = judgeWatch({ ...base, targets, now: T0 });
    expect(w.state).toBe("watching");
    expect(w.shards.map((s) => [s.shard, s.targets, s.newestAt])).toEqual([
      [0, 2, T0],
      [1, 2, T0 - 2000],
      [2, 1, T0 - 4000],
    ]);
  });

  it("the newest result of a shard counts, not its oldest", () => {
    const targets = [
      { name: "a", checkedAt: T0 - 3_000_000 },
      { name: "b", checkedAt: T0 - 5000 },
    ];
    expect(judgeWatch({ ...base, targets, now: T0 }).state).toBe("watching");
  });

  it("exactly at the limit is not yet a stall; one millisecond past it is", () => {
    const targets = [{ name: "a", checkedAt: T0 - 60_000 }];
    expect(judgeWatch({ ...base, targets, now: T0 }).state).toBe("watching");
    const w = judgeWatch({ ...base, targets, now: T0 + 1 });
    expect(w).toMatchObject({ state: "stalled", since: T0 - 60_000, limitMs: 60_000 });
    expect(w.reason).toContain("the fleet");
    expect(w.reason).toContain(new Date(T0 - 60_000).toISOString());
  });

  it("one stalled shard of three stalls the console and says which share", () => {
    const targets = names(6).map((name, i) => ({ name, checkedAt: i >= 4 ? T0 - 120_000 : T0 - 1000 }));
    const w = judgeWatch({ ...base, targets, now: T0 });
    expect(w.state).toBe("stalled");
    expect(w.shards.map((s) => s.stalled)).toEqual([false, false, true]);
    expect(w.reason).toContain("1 of 3 shards (2 targets)");
    expect(w.since).toBe(T0 - 120_000);
  });

  it("since is the longest-stalled shard's newest result", () => {
    const targets = [
      { name: "a", checkedAt: T0 - 100_000 },
      { name: "b", checkedAt: T0 - 100_000 },
      { name: "c", checkedAt: T0 - 300_000 },
    ];
    const w = judgeWatch({ ...base, targets, now: T0 });
    expect(w.reason).toContain("all 2 shards");
    expect(w.since).toBe(T0 - 300_000);
  });

  it("a start is not a stall: never-probed shards and old results are measured from watchingSince", () => {
    const targets = [
      { name: "a", checkedAt: null },
      { name: "b", checkedAt: T0 - 86_400_000 },
    ];
    expect(judgeWatch({ ...base, shardSize: 1, targets, now: T0, watchingSince: T0 - 59_000 }).state).toBe("watching");
    const later = judgeWatch({ ...base, shardSize: 1, targets, now: T0 + 2000, watchingSince: T0 - 59_000 });
    expect(later.state).toBe("stalled");
    expect(later.shards[0]).toMatchObject({ newestAt: null, stalled: true, ageMs: 61_000 });
    expect(later.since).toBe(T0 - 86_400_000);
  });

  it("the shards follow the worker's split (same order, same size)", () => {
    const targets = names(251).map((name) => ({ name, checkedAt: T0 }));
    const w = judgeWatch({ ...base, shardSize: 250, targets, now: T0 });
    expect(w.shards.map((s) => s.targets)).toEqual([250, 1]);
  });
});

describe("monitoringPolicy", () => {
  it("derives every process's numbers from the config once", () => {
    expect(monitoringPolicy({ healthCheck: { intervalSeconds: 30, timeoutMs: 15_000, shardSize: 250 }, heartbeatTimeoutSeconds: 120 })).toEqual({
      intervalMs: 30_000,
      timeoutMs: 15_000,
      staleAfterMs: 60_000,
      // four cycles of routine refresh (120 s) plus the stall limit
      tileStaleAfterMs: 180_000,
      heartbeatTimeoutMs: 120_000,
      shardSize: 250,
    });
    expect(monitoringPolicy({ healthCheck: { intervalSeconds: 2, timeoutMs: 1000, shardSize: 10 }, heartbeatTimeoutSeconds: 10 }).staleAfterMs).toBe(10_000);
    expect(monitoringPolicy({ healthCheck: { intervalSeconds: 0.5, timeoutMs: 100, shardSize: 1 }, heartbeatTimeoutSeconds: 1.5 })).toMatchObject({
      intervalMs: 500,
      heartbeatTimeoutMs: 1500,
    });
  });
});
