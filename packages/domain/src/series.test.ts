import { describe, expect, it } from "vitest";
import { bucketSizeMs, cycleSlot, isRangeProblem, percentile, resolveSampleRange, shard, shardOffsets } from "./series.ts";

const H = 3_600_000;

describe("bucketSizeMs", () => {
  it.each([
    [H, 10_000],
    [24 * H, 300_000],
    [7 * 24 * H, 1_800_000],
    [30 * 24 * H, 7_200_000],
    [60_000, 1_000],
  ])("range %i ms → bucket %i ms", (range, bucket) => {
    expect(bucketSizeMs(0, range)).toBe(bucket);
    expect(range / bucket).toBeLessThanOrEqual(500);
  });
  it("never exceeds maxPoints for long ranges", () => {
    const range = 3650 * 24 * H;
    expect(range / bucketSizeMs(0, range)).toBeLessThanOrEqual(500);
  });
  it("refuses maxPoints below 1 and handles empty ranges", () => {
    expect(() => bucketSizeMs(0, 10, 0)).toThrow(RangeError);
    expect(bucketSizeMs(10, 10)).toBe(1_000);
  });
});

describe("resolveSampleRange", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  it("defaults to the last hour", () => {
    const r = resolveSampleRange({}, now, 31);
    expect(isRangeProblem(r)).toBe(false);
    if (!isRangeProblem(r)) expect(r.to.getTime() - r.from.getTime()).toBe(H);
  });
  it("names the bad field", () => {
    expect(resolveSampleRange({ from: "yesterday" }, now, 31)).toEqual({ field: "from", message: 'not a date: "yesterday" (use ISO 8601)' });
    expect(resolveSampleRange({ to: "x" }, now, 31)).toMatchObject({ field: "to" });
    expect(resolveSampleRange({ from: "2026-11-23T12:00:00Z", to: "2026-11-23T11:00:00Z" }, now, 31)).toEqual({ field: "from", message: "must be before to" });
    expect(resolveSampleRange({ from: "2026-01-01T00:00:00Z" }, now, 31)).toEqual({ field: "from", message: "range longer than 31 days" });
  });
});

describe("shard", () => {
  it("splits into batches of at most size, keeping order", () => {
    expect(shard([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(shard([], 3)).toEqual([]);
    expect(
      shard(
        Array.from({ length: 10_000 }, (_, i) => i),
        250,
      ),
    ).toHaveLength(40);
  });
  it("refuses a size below 1 or fractional", () => {
    expect(() => shard([1], 0)).toThrow(RangeError);
    expect(() => shard([1], 1.5)).toThrow(RangeError);
  });
});

describe("percentile", () => {
  it("nearest rank", () => {
    const v = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(v, 50)).toBe(50);
    expect(percentile(v, 99)).toBe(99);
    expect(percentile(v, 100)).toBe(100);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([], 50)).toBeNull();
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });
});

describe("cycleSlot", () => {
  it("rounds a fire time to the nearest interval multiple", () => {
    expect(cycleSlot(30_000 * 10, 30_000)).toBe(10);
    expect(cycleSlot(30_000 * 10 - 3, 30_000)).toBe(10);
    expect(cycleSlot(30_000 * 10 + 14_000, 30_000)).toBe(10);
  });
});

describe("shardOffsets", () => {
  it("spreads shards evenly over the first half of the interval", () => {
    expect(shardOffsets(1, 30_000)).toEqual([0]);
    expect(shardOffsets(4, 10_000)).toEqual([0, 1250, 2500, 3750]);
    const many = shardOffsets(40, 30_000);
    expect(many[0]).toBe(0);
    expect(Math.max(...many)).toBeLessThan(15_000);
    expect(new Set(many).size).toBe(40);
    expect(shardOffsets(0, 1000)).toEqual([]);
    expect(() => shardOffsets(-1, 1000)).toThrow(RangeError);
  });
});
