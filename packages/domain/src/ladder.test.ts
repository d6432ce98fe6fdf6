import { describe, expect, it } from "vitest";
import { backoffDelay, decideLadder, onDown, onHealthy, policyFromConfig, rememberedRestarts, type LadderState } from "./ladder.ts";

const p = policyFromConfig({ backoffSeconds: [10, 30, 90, 180, 600], crashDecayHours: 6, maxRestartsInWindow: 5, restartWindowSeconds: 600, escalateAfterMinutes: 30, startupGraceSeconds: 0 });
const T = 1_000_000_000_000;
const S = 1000;
const fresh: LadderState = { restarts: [], failingSince: null, escalatedAt: null, paused: false };

describe("backoff", () => {
  it.each([
    [1, 10 * S],
    [2, 30 * S],
    [3, 90 * S],
    [4, 180 * S],
    [5, 600 * S],
    [6, 600 * S],
    [50, 600 * S],
    [0, 10 * S],
  ])("attempt %i waits %i ms", (attempt, ms) => expect(backoffDelay(attempt, p.backoffMs)).toBe(ms));
  it("needs a step", () => expect(() => backoffDelay(1, [])).toThrow(RangeError));
});

describe("decideLadder", () => {
  it("leaves healthy, degraded, paused and escalated targets alone", () => {
    expect(decideLadder(fresh, "ok", T, p)).toEqual({ action: "none", reason: "healthy" });
    expect(decideLadder(fresh, "critical", T, p)).toEqual({ action: "none", reason: "not down (critical)" });
    expect(decideLadder({ ...fresh, paused: true }, "down", T, p)).toMatchObject({ action: "none", reason: "auto-healing paused" });
    expect(decideLadder({ ...fresh, escalatedAt: T }, "down", T, p)).toMatchObject({ action: "none" });
  });

  it("first restart 10 s after the target went down", () => {
    const s = onDown(fresh, T);
    expect(decideLadder(s, "down", T + 2 * S, p)).toEqual({ action: "restart", attempt: 1, delayMs: 10 * S, dueAt: T + 10 * S });
    expect(decideLadder(s, "down", T + 15 * S, p)).toMatchObject({ attempt: 1, dueAt: T + 15 * S });
  });

  it("later restarts wait 30, 90, 180 s after the previous one", () => {
    let s: LadderState = { ...onDown(fresh, T), restarts: [T + 10 * S] };
    expect(decideLadder(s, "down", T + 12 * S, p)).toMatchObject({ attempt: 2, dueAt: T + 40 * S });
    s = { ...s, restarts: [T + 10 * S, T + 40 * S] };
    expect(decideLadder(s, "down", T + 41 * S, p)).toMatchObject({ attempt: 3, dueAt: T + 130 * S });
    s = { ...s, restarts: [...s.restarts, T + 130 * S] };
    expect(decideLadder(s, "down", T + 131 * S, p)).toMatchObject({ attempt: 4, dueAt: T + 310 * S });
  });

  it("escalates at 5 restarts inside 600 s", () => {
    const restarts = [0, 60, 120, 180, 240].map((x) => T + x * S);
    const s: LadderState = { ...fresh, failingSince: T, restarts };
    expect(decideLadder(s, "down", T + 250 * S, p)).toEqual({ action: "escalate", reason: "5 restarts within 600 s" });
    expect(decideLadder(s, "down", T + 661 * S, p)).toMatchObject({ action: "restart", attempt: 6 });
  });

  it("escalates after 30 min of continuous failure", () => {
    const s: LadderState = { ...fresh, failingSince: T, restarts: [T + 10 * S] };
    expect(decideLadder(s, "down", T + 30 * 60 * S, p)).toEqual({ action: "escalate", reason: "down for 30 min" });
    expect(decideLadder(s, "down", T + 30 * 60 * S - 1, p)).toMatchObject({ action: "restart" });
  });

  it("forgets restarts older than 6 h", () => {
    const s: LadderState = { ...fresh, failingSince: T + 7 * 3600 * S, restarts: [T, T + 60 * S] };
    expect(rememberedRestarts(s.restarts, T + 7 * 3600 * S, p.decayMs)).toEqual([]);
    expect(decideLadder(s, "down", T + 7 * 3600 * S, p)).toMatchObject({ attempt: 1, delayMs: 10 * S });
  });
});

describe("start-up grace", () => {
  it("never restarts a target again before it had the grace time to start", () => {
    const g = { ...p, backoffMs: [1 * S, 2 * S], startupGraceMs: 45 * S };
    const s: LadderState = { ...fresh, failingSince: T, restarts: [T + S] };
    expect(decideLadder(s, "down", T + 2 * S, g)).toMatchObject({ attempt: 2, dueAt: T + 46 * S });
    expect(decideLadder({ ...fresh, failingSince: T }, "down", T, g)).toMatchObject({ attempt: 1, dueAt: T + S });
  });
});

describe("onHealthy", () => {
  it("ends the failure streak and the escalation but keeps the restart history", () => {
    const s: LadderState = { restarts: [T], failingSince: T - S, escalatedAt: T, paused: false };
    expect(onHealthy(s, T + S, p)).toEqual({ restarts: [T], failingSince: null, escalatedAt: null, paused: false });
    expect(onHealthy(s, T + 7 * 3600 * S, p).restarts).toEqual([]);
  });
  it("onDown keeps the first failure time", () => {
    expect(onDown(onDown(fresh, T), T + S).failingSince).toBe(T);
  });
});
