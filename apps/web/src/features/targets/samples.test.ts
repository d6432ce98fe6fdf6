import { describe, expect, it } from "vitest";
import type { SamplePoint, Status } from "@ops/contract";
import { hasSamples, sampleStats, statusBands, timeTicks, toChartPoints } from "./samples.ts";

const T0 = Date.parse("2026-11-23T13:00:00.000Z");
const B = 60_000;
const pt = (i: number, status: Status, latencyMs: number | null, count = 2): SamplePoint => ({
  t: new Date(T0 + i * B).toISOString(),
  latencyMs,
  maxLatencyMs: latencyMs == null ? null : latencyMs * 2,
  status,
  count,
});

describe("samples", () => {
  const raw = [pt(0, "ok", 10), pt(1, "warning", 20), pt(2, "warning", 30), pt(3, "down", null), pt(5, "down", null), pt(6, "ok", 10, 0)];
  const points = toChartPoints(raw);

  it("merges adjacent non-ok buckets and breaks spans at gaps", () => {
    expect(statusBands(points, B)).toEqual([
      { x1: T0 + B, x2: T0 + 3 * B, status: "warning" },
      { x1: T0 + 3 * B, x2: T0 + 4 * B, status: "down" },
      { x1: T0 + 5 * B, x2: T0 + 6 * B, status: "down" },
    ]);
  });

  it("weights the average by probe count and finds the peak", () => {
    const s = sampleStats(points, B);
    expect(s.avg).toBeCloseTo(20);
    expect(s.peak).toBe(60);
    expect(s.notOkMs).toBe(4 * B);
    expect(s.probes).toBe(10);
  });

  it("sorts points and drops bad timestamps", () => {
    const out = toChartPoints([pt(2, "ok", 1), { ...pt(0, "ok", 1), t: "garbage" }, pt(1, "ok", 1)]);
    expect(out.map((p) => p.ts)).toEqual([T0 + B, T0 + 2 * B]);
  });

  it("knows when there is nothing to draw", () => {
    const base = { target: "a", from: "", to: "", bucketMs: B };
    expect(hasSamples({ ...base, points: [] })).toBe(false);
    expect(hasSamples({ ...base, points: [pt(0, "unknown", null, 0)] })).toBe(false);
    expect(hasSamples({ ...base, points: raw })).toBe(true);
  });
});

describe("timeTicks", () => {
  const H = 3_600_000;
  it("puts 10-minute ticks on round minutes for an hour", () => {
    const from = Date.parse("2026-11-23T12:58:30Z");
    const ticks = timeTicks(from, from + H, 8, 0);
    expect(ticks.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["13:00", "13:10", "13:20", "13:30", "13:40", "13:50"]);
  });

  it("uses 3-hour ticks for a day and whole days for a week, in local time", () => {
    const from = Date.parse("2026-11-22T14:00:00Z");
    expect(timeTicks(from, from + 24 * H, 8, 0)).toHaveLength(8);
    const week = timeTicks(from, from + 7 * 24 * H, 8, 2 * H);
    expect(week).toHaveLength(7);
    expect(week.every((t) => (t + 2 * H) % (24 * H) === 0)).toBe(true);
  });

  it("returns nothing for an empty range", () => {
    expect(timeTicks(10, 10)).toEqual([]);
  });
});
