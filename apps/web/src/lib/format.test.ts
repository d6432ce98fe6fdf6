import { describe, expect, it } from "vitest";
import {
  currentUptime,
  elapsedSince,
  formatAgo,
  formatDate,
  formatAxisTime,
  formatDay,
  formatDuration,
  formatLatency,
  formatLatencyTick,
  formatPercent,
  formatSpan,
  formatTimestamp,
  formatUntil,
  spanBetween,
} from "./format.ts";

const NOW = Date.parse("2026-11-23T14:00:00.000Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("formatDuration", () => {
  it.each([
    [0, "0 s"],
    [999, "0 s"],
    [4_000, "4 s"],
    [59_999, "59 s"],
    [60_000, "1 m"],
    [125_000, "2 m"],
    [3_600_000, "1 h"],
    [3_600_000 + 5 * 60_000, "1 h 5 m"],
    [86_400_000, "1 d"],
    [2 * 86_400_000 + 4 * 3_600_000 + 59_000, "2 d 4 h"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("shows a dash for missing or bad input and clamps negatives", () => {
    expect(formatDuration(null)).toBe("—");
    expect(formatDuration(Number.NaN)).toBe("—");
    expect(formatDuration(-5000)).toBe("0 s");
  });
});

describe("formatAgo", () => {
  it.each([
    [500, "just now"],
    [4_000, "4 s ago"],
    [2 * 60_000 + 10_000, "2 m ago"],
    [3 * 3_600_000, "3 h ago"],
    [2 * 86_400_000, "2 d ago"],
  ])("%d ms before → %s", (ms, text) => {
    expect(formatAgo(ago(ms), NOW)).toBe(text);
  });

  it("treats future timestamps (clock skew) as just now and missing ones as never", () => {
    expect(formatAgo(ago(-10_000), NOW)).toBe("just now");
    expect(formatAgo(null, NOW)).toBe("never");
    expect(formatAgo("not a date", NOW)).toBe("never");
  });
});

describe("formatLatency", () => {
  it.each([
    [null, "—"],
    [0.4, "<1 ms"],
    [3.44, "3.4 ms"],
    [5, "5 ms"],
    [123.4, "123 ms"],
    [999.6, "1000 ms"],
    [1234, "1.23 s"],
    [2000, "2 s"],
    [15_000, "15 s"],
    [123_456, "123 s"],
  ])("%s → %s", (ms, text) => {
    expect(formatLatency(ms)).toBe(text);
  });

  it("formats axis ticks compactly", () => {
    expect(formatLatencyTick(0)).toBe("0");
    expect(formatLatencyTick(250)).toBe("250 ms");
    expect(formatLatencyTick(5000)).toBe("5 s");
    expect(formatLatencyTick(2500)).toBe("2.5 s");
  });
});

describe("formatPercent", () => {
  it("keeps one decimal only when it matters", () => {
    expect(formatPercent(78.2)).toBe("78.2 %");
    expect(formatPercent(93)).toBe("93 %");
    expect(formatPercent(93.04)).toBe("93 %");
    expect(formatPercent(undefined)).toBe("—");
  });
});

describe("uptime and elapsed time", () => {
  it("advances the reported uptime by the time since the check", () => {
    expect(currentUptime(60_000, ago(5_000), NOW)).toBe(65_000);
  });

  it("never goes backwards when the check is in the future", () => {
    expect(currentUptime(60_000, ago(-3_000), NOW)).toBe(60_000);
  });

  it("returns null without an uptime and keeps it when checkedAt is missing", () => {
    expect(currentUptime(null, ago(1000), NOW)).toBeNull();
    expect(currentUptime(42, null, NOW)).toBe(42);
  });

  it("measures elapsed time from an ISO string", () => {
    expect(elapsedSince(ago(7_000), NOW)).toBe(7_000);
    expect(elapsedSince(undefined, NOW)).toBeNull();
  });
});

describe("timestamps", () => {
  it("shows only the time for today and adds the date otherwise", () => {
    expect(formatTimestamp("2026-11-23T13:02:03Z", NOW, { timeZone: "UTC" })).toBe("13:02:03");
    expect(formatTimestamp("2026-11-21T09:15:00Z", NOW, { timeZone: "UTC" })).toBe("21 Nov 09:15:00");
    expect(formatTimestamp("2026-11-23T13:02:03Z", NOW, { timeZone: "UTC", withSeconds: false })).toBe("13:02");
    expect(formatTimestamp(null, NOW)).toBe("—");
  });

  it("labels axes by time of day for short ranges and by day for long ones", () => {
    const t = Date.parse("2026-11-23T09:30:00Z");
    expect(formatAxisTime(t, 3_600_000, "UTC")).toBe("09:30");
    expect(formatAxisTime(t, 7 * 86_400_000, "UTC")).toBe("Mon 23");
  });
});

describe("formatUntil", () => {
  it("counts down to a future time and says now once it has passed", () => {
    expect(formatUntil(ago(-(3 * 3_600_000 + 5 * 60_000)), NOW)).toBe("in 3 h 5 m");
    expect(formatUntil(ago(-45_000), NOW)).toBe("in 45 s");
    expect(formatUntil(ago(1000), NOW)).toBe("now");
    expect(formatUntil(null, NOW)).toBe("—");
  });
});

describe("formatDay", () => {
  it("says today, the day, or the date with its year", () => {
    const tz = { timeZone: "UTC" } as const;
    expect(formatDay("2026-11-23T09:05:00Z", NOW, tz.timeZone)).toBe("today 09:05");
    expect(formatDay("2026-10-14T14:42:00Z", NOW, tz.timeZone)).toBe("14 Oct 14:42");
    expect(formatDay("2027-02-11T14:42:00Z", NOW, tz.timeZone)).toBe("11 Feb 2027");
    expect(formatDay(null, NOW)).toBe("—");
  });
});

describe("formatSpan", () => {
  it.each([
    [0, "0 s"],
    [41_900, "41 s"],
    [59_999, "59 s"],
    [60_000, "1 min"],
    [95_000, "1 min 35 s"],
    [180_000, "3 min"],
    [600_000, "10 min"],
    [3_600_000, "1 h"],
    [3_900_000, "1 h 5 min"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });

  it("shows a dash for missing input and clamps negatives", () => {
    expect(formatSpan(null)).toBe("—");
    expect(formatSpan(-1000)).toBe("0 s");
  });

  it("measures between two timestamps", () => {
    expect(spanBetween(ago(41_000), ago(0))).toBe(41_000);
    expect(spanBetween(ago(0), ago(5_000))).toBe(0);
    expect(spanBetween(null, ago(0))).toBeNull();
    expect(spanBetween("nope", ago(0))).toBeNull();
  });
});

describe("formatDate: one calendar-day form for days as written and timestamps", () => {
  const now = Date.parse("2026-12-05T07:33:00.000Z");
  it.each([
    ["2026-12-05", "UTC", "today"],
    ["2026-12-04", "UTC", "yesterday"],
    ["2026-11-20", "UTC", "20 Nov"],
    ["2025-11-20", "UTC", "20 Nov 2025"],
    ["2026-12-05T07:00:00.000Z", "UTC", "today"],
    ["2026-12-04T23:30:00.000Z", "UTC", "yesterday"],
    // 23:30 UTC on the 4th is already the 5th in Tokyo; a day as written stays the day it says.
    ["2026-12-04T23:30:00.000Z", "Asia/Tokyo", "today"],
    ["2026-12-05", "America/Los_Angeles", "5 Dec"],
    [null, "UTC", "—"],
    ["not a date", "UTC", "—"],
  ])("%s in %s → %s", (value, zone, text) => {
    expect(formatDate(value, now, zone)).toBe(text);
  });
});
