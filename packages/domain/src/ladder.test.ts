import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  crashesInWindow,
  decideLadder,
  formatElapsed,
  onDown,
  onHealthy,
  policyFromConfig,
  rememberedRestarts,
  startSucceeded,
  uptimeResetIsNewCrash,
  type LadderInput,
  type LadderState,
} from "./ladder.ts";

const p = policyFromConfig({
  backoffSeconds: [10, 30, 90, 180, 600],
  crashDecayHours: 6,
  maxRestartsInWindow: 5,
  restartWindowSeconds: 600,
  escalateAfterMinutes: 30,
});
const T = 1_000_000_000_000;
const S = 1000;
const fresh: LadderState = { restarts: [], crashes: [], failingSince: null, escalatedAt: null, paused: false, starting: null };
const down: LadderInput = { status: "down", ready: null, alive: false, neverStarted: false, deterministic: null };
const st = (status: string, more: Partial<LadderInput> = {}): LadderInput => ({ ...down, status, ...more });

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
    expect(decideLadder(fresh, st("ok"), T, p)).toEqual({ action: "none", reason: "healthy" });
    expect(decideLadder(fresh, st("critical"), T, p)).toEqual({ action: "none", reason: "not down (critical)" });
    expect(decideLadder({ ...fresh, paused: true }, down, T, p)).toMatchObject({ action: "none", reason: "auto-healing paused" });
    expect(decideLadder({ ...fresh, escalatedAt: T }, down, T, p)).toMatchObject({ action: "none" });
  });

  it("first restart 10 s after the target went down", () => {
    const s = onDown(fresh, T);
    expect(decideLadder(s, down, T + 2 * S, p)).toEqual({ action: "restart", attempt: 1, delayMs: 10 * S, dueAt: T + 10 * S });
    expect(decideLadder(s, down, T + 15 * S, p)).toMatchObject({ attempt: 1, dueAt: T + 15 * S });
  });

  it("later restarts wait 30, 90, 180 s after the previous one", () => {
    let s: LadderState = { ...onDown(fresh, T), restarts: [T + 10 * S] };
    expect(decideLadder(s, down, T + 12 * S, p)).toMatchObject({ attempt: 2, dueAt: T + 40 * S });
    s = { ...s, restarts: [T + 10 * S, T + 40 * S] };
    expect(decideLadder(s, down, T + 41 * S, p)).toMatchObject({ attempt: 3, dueAt: T + 130 * S });
    s = { ...s, restarts: [...s.restarts, T + 130 * S] };
    expect(decideLadder(s, down, T + 131 * S, p)).toMatchObject({ attempt: 4, dueAt: T + 310 * S });
  });

  it("escalates at 5 crashes inside 600 s, whoever restarted the process", () => {
    const crashes = [0, 60, 120, 180, 240].map((x) => T + x * S);
    const s: LadderState = { ...fresh, failingSince: T + 240 * S, crashes };
    expect(decideLadder(s, down, T + 250 * S, p)).toEqual({ action: "escalate", reason: "5 crashes within 600 s" });
    expect(decideLadder(s, down, T + 661 * S, p)).toMatchObject({ action: "restart", attempt: 1 });
  });

  it("the console's own restarts at 10, 40, 130, 310 and 910 s never make 5 in 600 s by themselves", () => {
    // Each restart is followed by a crash a moment later: those crashes are what counts.
    const restartsAt = [10, 40, 130, 310, 910].map((x) => T + x * S);
    for (const [i, at] of restartsAt.entries()) {
      const crashes = [T, ...restartsAt.slice(0, i).map((r) => r + 5 * S)];
      expect(crashesInWindow(crashes, at, p.windowMs)).toBeLessThan(5);
    }
  });

  it("escalates after 30 min of continuous failure", () => {
    const s: LadderState = { ...fresh, failingSince: T, restarts: [T + 10 * S] };
    expect(decideLadder(s, down, T + 30 * 60 * S, p)).toEqual({ action: "escalate", reason: "down for 30 min" });
    expect(decideLadder(s, down, T + 30 * 60 * S - 1, p)).toMatchObject({ action: "restart" });
  });

  it("sends a failure a restart cannot fix to the doctor at once", () => {
    expect(decideLadder(onDown(fresh, T), st("down", { deterministic: "exit 78 (EX_CONFIG)" }), T, p)).toEqual({
      action: "escalate",
      reason: "exit 78 (EX_CONFIG) — a restart cannot fix this",
    });
  });

  it("forgets restarts older than 6 h", () => {
    const s: LadderState = { ...fresh, failingSince: T + 7 * 3600 * S, restarts: [T, T + 60 * S] };
    expect(rememberedRestarts(s.restarts, T + 7 * 3600 * S, p.decayMs)).toEqual([]);
    expect(decideLadder(s, down, T + 7 * 3600 * S, p)).toMatchObject({ attempt: 1, delayMs: 10 * S });
  });

  it("starts a target the console runs and has not started, at once, unless something answers well on its port", () => {
    expect(decideLadder(fresh, st("down", { neverStarted: true }), T, p)).toEqual({ action: "start", dueAt: T });
    expect(decideLadder(fresh, st("unknown", { neverStarted: true }), T, p)).toEqual({ action: "start", dueAt: T });
    expect(decideLadder(fresh, st("critical", { neverStarted: true }), T, p)).toEqual({ action: "start", dueAt: T });
    expect(decideLadder(fresh, st("ok", { neverStarted: true }), T, p)).toMatchObject({ action: "none" });
    expect(decideLadder(fresh, st("warning", { neverStarted: true }), T, p)).toMatchObject({ action: "none" });
    expect(decideLadder({ ...fresh, paused: true }, st("down", { neverStarted: true }), T, p)).toMatchObject({ action: "none" });
  });
});

describe("a start in progress", () => {
  const starting: LadderState = { ...fresh, failingSince: T, starting: { kind: "restart", since: T, deadline: T + 180 * S } };

  it("waits while the target is down or says it is starting, and never restarts it", () => {
    expect(decideLadder(starting, down, T + 41 * S, p)).toEqual({ action: "wait-start", reason: "starting (41 s)", elapsedMs: 41 * S });
    expect(decideLadder(starting, st("warning", { ready: false, alive: true }), T + 90 * S, p)).toMatchObject({ action: "wait-start" });
    // Something on the port that does not answer (a timeout is "critical") is not a started gateway.
    expect(decideLadder(starting, st("critical", { alive: false }), T + 90 * S, p)).toMatchObject({ action: "wait-start" });
    expect(decideLadder({ ...starting, paused: true }, down, T + 5 * S, p)).toMatchObject({ action: "wait-start" });
  });

  it("ends healthy when the target answers and is ready", () => {
    expect(decideLadder(starting, st("ok", { ready: true, alive: true }), T + 97 * S, p)).toEqual({
      action: "end-start",
      outcome: "healthy",
      reason: "healthy after 97 s",
    });
    expect(decideLadder(starting, st("critical", { ready: null, alive: true }), T + 5 * S, p)).toMatchObject({ outcome: "healthy" });
  });

  it("times out at the target's start timeout", () => {
    expect(decideLadder(starting, down, T + 180 * S, p)).toEqual({ action: "end-start", outcome: "timed-out", reason: "not healthy within 3 min" });
    expect(decideLadder(starting, down, T + 180 * S - 1, p)).toMatchObject({ action: "wait-start" });
  });

  it("healthy means alive and not starting", () => {
    expect(startSucceeded(true, true)).toBe(true);
    expect(startSucceeded(true, null)).toBe(true);
    expect(startSucceeded(true, false)).toBe(false);
    expect(startSucceeded(false, null)).toBe(false);
  });
});

describe("uptime resets", () => {
  it("count once: not when an exit was recorded or the console started it", () => {
    expect(uptimeResetIsNewCrash(T, [], [], 10 * S)).toBe(true);
    expect(uptimeResetIsNewCrash(T, [T - 3 * S], [], 10 * S)).toBe(false);
    expect(uptimeResetIsNewCrash(T, [], [T + 2 * S], 10 * S)).toBe(false);
    expect(uptimeResetIsNewCrash(T, [T - 60 * S], [T - 60 * S], 10 * S)).toBe(true);
  });
});

describe("onHealthy", () => {
  it("ends the failure streak and the escalation but keeps the restart and crash history", () => {
    const s: LadderState = { ...fresh, restarts: [T], crashes: [T - S], failingSince: T - S, escalatedAt: T };
    expect(onHealthy(s, T + S, p)).toEqual({ ...fresh, restarts: [T], crashes: [T - S] });
    expect(onHealthy(s, T + 7 * 3600 * S, p).restarts).toEqual([]);
    expect(onHealthy(s, T + 7 * 3600 * S, p).crashes).toEqual([]);
  });
  it("onDown keeps the first failure time", () => {
    expect(onDown(onDown(fresh, T), T + S).failingSince).toBe(T);
  });
  it("formats elapsed time for people", () => {
    expect(formatElapsed(41_400)).toBe("41 s");
    expect(formatElapsed(185_000)).toBe("3 min 5 s");
  });
});
