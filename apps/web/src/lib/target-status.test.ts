import { describe, expect, it } from "vitest";
import { countStatuses, DEFAULT_MONITORING, documentTitle, isAlive, levelOf, staleAfterMs, statusDuration } from "./target-status.ts";
import { target } from "./targets.test-util.ts";

const NOW = Date.parse("2026-11-23T14:02:00.000Z");

describe("countStatuses", () => {
  it("counts monitored targets per status and disabled ones apart", () => {
    const c = countStatuses([
      target("a"),
      target("b", { status: "down" }),
      target("c", { status: "warning" }),
      target("d", { enabled: false, status: "unknown" }),
    ]);
    expect(c).toMatchObject({ ok: 1, down: 1, warning: 1, critical: 0, unknown: 0, disabled: 1, total: 4 });
  });

  it("builds a tab title that surfaces trouble", () => {
    const c = countStatuses([target("a", { status: "down" }), target("b", { status: "warning" })]);
    expect(documentTitle(c)).toBe("(1 down · 1 warning) OpenClaw Ops");
    expect(documentTitle(countStatuses([target("a")]), "alpha")).toBe("alpha — OpenClaw Ops");
    expect(documentTitle(null)).toBe("OpenClaw Ops");
  });
});

describe("statusDuration", () => {
  it("says how long a bad status has lasted", () => {
    const t = target("a", { status: "down", since: "2026-11-23T14:00:00.000Z" });
    expect(statusDuration(t, NOW)).toBe("down for 2 m");
  });

  it("is silent for ok and disabled targets", () => {
    expect(statusDuration(target("a"), NOW)).toBeNull();
    expect(statusDuration(target("a", { enabled: false, status: "unknown" }), NOW)).toBeNull();
  });

  it("explains a target that was never probed", () => {
    expect(statusDuration(target("a", { status: "unknown", checkedAt: null }), NOW)).toBe("not probed yet");
  });
});

describe("monitoring settings", () => {
  it("a check is stale by the API's policy, and nothing is stale before the API has said", () => {
    const policy = { intervalMs: 2000, timeoutMs: 1000, staleAfterMs: 10_000, tileStaleAfterMs: 130_000, heartbeatTimeoutMs: 10_000, shardSize: 250 };
    expect(staleAfterMs({ ...DEFAULT_MONITORING, policy })).toBe(130_000);
    expect(staleAfterMs(DEFAULT_MONITORING)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("levels", () => {
  it("compares against warning and critical thresholds inclusively", () => {
    const mem = DEFAULT_MONITORING.thresholds.memoryPercent;
    expect(levelOf(74.9, mem)).toBe("ok");
    expect(levelOf(75, mem)).toBe("warning");
    expect(levelOf(78.2, mem)).toBe("warning");
    expect(levelOf(90, mem)).toBe("critical");
  });

  it("treats only answering targets as alive", () => {
    expect(isAlive(target("a", { status: "critical" }))).toBe(true);
    expect(isAlive(target("a", { status: "down" }))).toBe(false);
    expect(isAlive(target("a", { enabled: false }))).toBe(false);
  });
});
