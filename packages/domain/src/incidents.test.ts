import { describe, expect, it } from "vitest";
import { MTTR_TARGET_MS, canTransition, detectionTime, mttd, mttr, outageTimes, severityForOutage, type OutageClock, type OutageTimes } from "./incidents.ts";

describe("incident rules", () => {
  it("severity: a service is P1, an agent among others down P2, one agent P3", () => {
    expect(severityForOutage("service", 0)).toBe("P1");
    expect(severityForOutage("service", 5)).toBe("P1");
    expect(severityForOutage("agent", 1)).toBe("P2");
    expect(severityForOutage("agent", 0)).toBe("P3");
  });
  it("MTTR targets: P1 4 h, P2 8 h, P3 24 h, P4 none", () => {
    expect(MTTR_TARGET_MS).toEqual({ P1: 14_400_000, P2: 28_800_000, P3: 86_400_000, P4: null });
  });
  it("MTTD and MTTR from the failure's start", () => {
    expect(mttd(1000, 31_000)).toBe(30_000);
    expect(mttd(5000, 1000)).toBe(0);
    expect(mttr(1000, 61_000)).toBe(60_000);
    expect(mttr(1000, null)).toBeNull();
  });
  it("transitions: acknowledge only from open, resolved is final", () => {
    expect(canTransition("open", "acknowledged")).toBe(true);
    expect(canTransition("acknowledged", "acknowledged")).toBe(false);
    expect(canTransition("acknowledged", "resolved")).toBe(true);
    expect(canTransition("open", "mitigated")).toBe(true);
    expect(canTransition("resolved", "open")).toBe(false);
    expect(canTransition("resolved", "resolved")).toBe(false);
  });
});

describe("outage start and detection (MTTD)", () => {
  const T = Date.parse("2026-11-23T10:04:31Z");
  const s = 1000;
  const clock = (c: Partial<OutageClock>): OutageClock => ({ failedAt: null, lastOkAt: null, firstFailedAt: null, recordedDownAt: T, now: T + 5 * s, ...c });

  it.each<[string, Partial<OutageClock>, OutageTimes]>([
    [
      "the process exit, when the driver knows it",
      { failedAt: T - 19 * s, lastOkAt: T - 25 * s, firstFailedAt: T - 15 * s },
      { startedAt: T - 19 * s, detectedAt: T, startedFrom: "exit" },
    ],
    [
      "a hang before the exit: the first failed probe is earlier",
      { failedAt: T - 5 * s, lastOkAt: T - 40 * s, firstFailedAt: T - 30 * s },
      { startedAt: T - 30 * s, detectedAt: T, startedFrom: "exit" },
    ],
    ["else the last healthy sample", { lastOkAt: T - 19 * s, firstFailedAt: T - 14 * s }, { startedAt: T - 19 * s, detectedAt: T, startedFrom: "last-ok" }],
    [
      "an exit from before the last healthy sample is an earlier failure's",
      { failedAt: T - 3_600_000, lastOkAt: T - 19 * s },
      { startedAt: T - 19 * s, detectedAt: T, startedFrom: "last-ok" },
    ],
    ["never healthy (first start): started when detected", { firstFailedAt: T - 30 * s }, { startedAt: T, detectedAt: T, startedFrom: "detection" }],
    ["never healthy but the process exited: the exit", { failedAt: T - 2 * s }, { startedAt: T - 2 * s, detectedAt: T, startedFrom: "exit" }],
    [
      "an exit reported after the detection is clamped to it",
      { failedAt: T + 3 * s, lastOkAt: T - 19 * s },
      { startedAt: T, detectedAt: T, startedFrom: "exit" },
    ],
    ["a healthy sample after the detection is clamped to it", { lastOkAt: T + 2 * s }, { startedAt: T, detectedAt: T, startedFrom: "last-ok" }],
    [
      "never recorded down: detected now",
      { recordedDownAt: null, lastOkAt: T - 19 * s },
      { startedAt: T - 19 * s, detectedAt: T + 5 * s, startedFrom: "last-ok" },
    ],
    ["a detection in the future is now", { recordedDownAt: T + 60 * s }, { startedAt: T + 5 * s, detectedAt: T + 5 * s, startedFrom: "detection" }],
  ])("%s", (_name, c, expected) => {
    const times = outageTimes(clock(c));
    expect(times).toEqual(expected);
    expect(times.startedAt).toBeLessThanOrEqual(times.detectedAt);
    expect(mttd(times.startedAt, times.detectedAt)).toBe(expected.detectedAt - expected.startedAt);
  });

  it.each<[string, Parameters<typeof detectionTime>[0], number]>([
    ["the latest transition to down", { downEventAt: T, status: "down", since: T + s, fallback: T - s, now: T + 9 * s }, T],
    ["else since, while down", { downEventAt: null, status: "down", since: T + s, fallback: T - s, now: T + 9 * s }, T + s],
    ["since means nothing when not down", { downEventAt: null, status: "critical", since: T + s, fallback: T - s, now: T + 9 * s }, T - s],
    ["else now", { downEventAt: null, status: null, since: null, fallback: null, now: T + 9 * s }, T + 9 * s],
    ["never in the future", { downEventAt: T + 60 * s, status: "down", since: null, fallback: null, now: T + 9 * s }, T + 9 * s],
  ])("detection: %s", (_name, d, expected) => {
    expect(detectionTime(d)).toBe(expected);
  });
});
