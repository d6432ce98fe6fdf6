import { describe, expect, it } from "vitest";
import { FIXED_NOW as NOW, healing, restart, target } from "../../lib/targets.test-util.ts";
import {
  comingUpLabel,
  compactReason,
  crashWindowText,
  currentExit,
  describeAttempt,
  describeExit,
  describeHealing,
  doctorSince,
  doctorVerdict,
  formatCountdown,
  healingChanged,
  healingSummary,
  reasonLine,
  restartsChanged,
  windowSeconds,
} from "./healing.ts";
import type { HealingView, RestartView, TargetView } from "@ops/contract";

const at = (ms: number) => new Date(NOW + ms).toISOString();

const starting = (elapsedMs: number, limitMs = 180_000) =>
  healing({ state: "starting", nextRestartAt: null, startingSince: at(-elapsedMs), startDeadline: at(limitMs - elapsedMs) });

describe("formatCountdown", () => {
  it("reads m:ss and rounds up so 0:00 only shows once due", () => {
    expect(formatCountdown(25_000)).toBe("0:25");
    expect(formatCountdown(24_001)).toBe("0:25");
    expect(formatCountdown(400)).toBe("0:01");
    expect(formatCountdown(600_000)).toBe("10:00");
    expect(formatCountdown(-5_000)).toBe("0:00");
  });
});

describe("describeHealing", () => {
  it("counts down to the next restart", () => {
    expect(describeHealing(healing(), NOW)).toEqual({ state: "waiting", text: "restart 2 in 0:25", detail: null });
    expect(describeHealing(healing(), NOW + 20_500)?.text).toBe("restart 2 in 0:05");
  });

  it("says due once the countdown has passed, scheduled without a time", () => {
    expect(describeHealing(healing(), NOW + 25_000)?.text).toBe("restart 2 due");
    expect(describeHealing(healing({ nextRestartAt: null }), NOW)?.text).toBe("restart 2 scheduled");
  });

  it("shows a restart in progress", () => {
    expect(describeHealing(healing({ state: "restarting", attempt: 3 }), NOW)).toEqual({ state: "restarting", text: "restarting (attempt 3)…", detail: null });
    expect(describeHealing(healing({ state: "restarting", attempt: null }), NOW)?.text).toBe("restarting…");
  });

  it("ticks a start's elapsed time against its deadline", () => {
    expect(describeHealing(starting(41_000), NOW)).toEqual({ state: "starting", text: "starting (41 s)", detail: "of 3 min" });
    expect(describeHealing(starting(41_000), NOW + 1_000)?.text).toBe("starting (42 s)");
    expect(describeHealing(starting(95_000), NOW)?.text).toBe("starting (1 min 35 s)");
    expect(describeHealing(starting(185_000), NOW)?.detail).toBe("over 3 min: timing out");
    expect(describeHealing({ ...starting(5_000), startDeadline: null }, NOW)).toEqual({ state: "starting", text: "starting (5 s)", detail: null });
  });

  it("says why it escalated and what the doctor made of it", () => {
    const h = healing({ state: "escalated", escalatedAt: at(-3 * 60_000), reason: "5 crashes within 600 s" });
    expect(describeHealing(h, NOW)).toEqual({ state: "escalated", text: "escalated: 5 crashes within 600 s", detail: null });
    const fixed = { ...h, doctor: { caseId: "CASE-001", confidence: 1, outcome: "fixed", at: at(-2 * 60_000) } };
    expect(describeHealing(fixed, NOW)?.detail).toBe("doctor: CASE-001 · fixed");
    const unsure = { ...h, doctor: { caseId: null, confidence: 0.55, outcome: "unsure", at: at(-2 * 60_000) } };
    expect(describeHealing(unsure, NOW)?.detail).toBe("doctor: unsure, did not act");
    expect(describeHealing({ ...h, reason: null }, NOW)?.text).toBe("escalated");
  });

  it("shortens a long escalation reason for a tile", () => {
    const reason = "exit 78 (EX_CONFIG): Gateway failed to start: Invalid config at /srv/agents/beta/openclaw.json — a restart cannot fix this";
    const h = healing({ state: "escalated", escalatedAt: at(-60_000), reason });
    expect(describeHealing(h, NOW, { compact: true })?.text).toBe("escalated: Gateway failed to start: Invalid config at …/openclaw.json");
    expect(describeHealing(h, NOW)?.text).toBe(`escalated: ${reason}`);
    expect(compactReason("port 8002 in use: a restart cannot fix this")).toBe("port 8002 in use");
    expect(compactReason("5 crashes within 600 s")).toBe("5 crashes within 600 s");
  });

  it("shows a pause, and nothing when idle or absent", () => {
    expect(describeHealing(healing({ state: "paused" }), NOW)).toEqual({ state: "paused", text: "auto-healing paused", detail: null });
    expect(describeHealing(healing({ state: "idle" }), NOW)).toBeNull();
    expect(describeHealing(null, NOW)).toBeNull();
    expect(describeHealing(undefined, NOW)).toBeNull();
  });
});

describe("healingSummary", () => {
  it("names the driver and the attempt", () => {
    expect(healingSummary(healing(), NOW)).toMatch(/^Restart 2 via docker in 0:25 \(at \d\d:\d\d:\d\d\)\.$/);
    expect(healingSummary(healing({ state: "restarting", driver: "simulator" }), NOW)).toBe("Restarting via simulator now (attempt 2).");
    expect(healingSummary(healing({ driver: "none" }), NOW + 30_000)).toBe("Restart 2 is due now.");
  });

  it("says how long a start has run and when it counts as failed", () => {
    expect(healingSummary({ ...starting(41_000), driver: "process" }, NOW)).toMatch(
      /^Started via process 41 s ago, waiting for it to be healthy: it counts as failed if not healthy by \d\d:\d\d:\d\d \(3 min in all\)\.$/,
    );
    expect(healingSummary(starting(200_000), NOW)).toMatch(/past its 3 min start timeout/);
  });

  it("says when and why it escalated", () => {
    const h = healing({ state: "escalated", escalatedAt: at(-3 * 60_000), reason: "down for 31 min" });
    expect(healingSummary(h, NOW)).toBe("Escalated 3 m ago: down for 31 min.");
  });

  it("covers idle, absent and paused", () => {
    expect(healingSummary(null, NOW)).toMatch(/No self-healing state/);
    expect(healingSummary(healing({ state: "idle" }), NOW)).toBe("Idle: nothing to heal.");
    expect(healingSummary(healing({ state: "paused" }), NOW)).toMatch(/^Auto-healing is paused/);
  });
});

describe("describeExit and the tile's reason", () => {
  it("names the exit code's meaning or the signal", () => {
    expect(describeExit({ code: 78, signal: null })).toBe("exited 78 (config)");
    expect(describeExit({ code: null, signal: "SIGKILL" })).toBe("killed by SIGKILL");
    expect(describeExit({ code: 1, signal: null })).toBe("exited 1");
    expect(describeExit({ code: 137, signal: null })).toBe("exited 137 (SIGKILL)");
    expect(describeExit({ code: null, signal: null })).toBe("exited (code unknown)");
  });

  const down = (patch: Partial<TargetView>, h: Partial<HealingView>) =>
    target("alpha", { status: "down", reason: "connection refused", since: at(-30_000), ...patch, healing: healing(h) });

  it("says how the process ended instead of the probe's connection refused", () => {
    const t = down({}, { lastExit: { code: 78, signal: null, at: at(-31_000) } });
    expect(currentExit(t)).toEqual({ code: 78, signal: null, at: at(-31_000) });
    expect(reasonLine(t)).toBe("exited 78 (config)");
    expect(reasonLine(down({}, { lastExit: { code: null, signal: "SIGKILL", at: at(-30_000) } }))).toBe("killed by SIGKILL");
  });

  it("ignores an exit from before the outage, or once the target answers again", () => {
    expect(currentExit(down({}, { lastExit: { code: 1, signal: null, at: at(-3_600_000) } }))).toBeNull();
    expect(reasonLine(down({}, { lastExit: { code: 1, signal: null, at: at(-3_600_000) } }))).toBe("connection refused");
    expect(currentExit(down({ status: "ok" }, { lastExit: { code: 1, signal: null, at: at(-30_000) } }))).toBeNull();
  });

  it("says a starting target is not answering yet rather than down", () => {
    const t = down({}, { state: "starting", startingSince: at(-10_000), startDeadline: at(170_000), lastExit: { code: 1, signal: null, at: at(-40_000) } });
    expect(comingUpLabel(t)).toBe("Starting");
    expect(reasonLine(t)).toBe("not answering yet: connection refused");
    expect(comingUpLabel(down({}, { state: "restarting" }))).toBe("Restarting");
    expect(comingUpLabel(down({ status: "ok" }, { state: "starting" }))).toBeNull();
    const answering = down({ status: "warning", reason: "not ready: startup-sidecars" }, { state: "starting" });
    expect(comingUpLabel(answering)).toBe("Starting");
    expect(reasonLine(answering)).toBe("not ready: startup-sidecars");
    expect(comingUpLabel(down({ enabled: false }, { state: "starting" }))).toBeNull();
    expect(comingUpLabel(down({}, { state: "waiting" }))).toBeNull();
  });

  it("keeps the healthy and not-monitored wording", () => {
    expect(reasonLine(target("alpha", { reason: "" }))).toBe("healthy");
    expect(reasonLine(target("alpha", { enabled: false }))).toBe("not monitored");
  });
});

describe("the doctor's verdict", () => {
  const base = healing({
    state: "escalated",
    attempt: null,
    nextRestartAt: null,
    escalatedAt: "2026-11-23T12:00:00Z",
    reason: "5 crashes within 600 s",
    restartsInWindow: 5,
    driver: "simulator",
  });

  it("shows the case, a confidence below certain, and what it is doing", () => {
    expect(doctorVerdict({ caseId: "CASE-001", confidence: 1, outcome: "fixed", at: "2026-11-23T12:00:01Z" })).toBe("CASE-001 · fixed");
    expect(doctorVerdict({ caseId: "CASE-004", confidence: 0.92, outcome: "running", at: "2026-11-23T12:00:01Z" })).toBe("CASE-004 92 % · fixing");
    expect(doctorVerdict({ caseId: null, confidence: null, outcome: "no-match", at: "2026-11-23T12:00:01Z" })).toBe("no case, people alerted");
    expect(doctorVerdict({ caseId: "CASE-003", confidence: 0.6, outcome: "unsure", at: "2026-11-23T12:00:01Z" })).toBe("unsure, did not act");
    expect(doctorVerdict({ caseId: "CASE-003", confidence: 0.8, outcome: "not-fixed", at: "2026-11-23T12:00:01Z" })).toBe("CASE-003 80 % · not fixed");
  });

  it("only counts a diagnosis made since the escalation", () => {
    expect(doctorSince({ ...base, doctor: { caseId: "CASE-004", confidence: 0.92, outcome: "running", at: "2026-11-23T12:00:01Z" } })).toBe(
      "doctor: CASE-004 92 % · fixing",
    );
    expect(doctorSince({ ...base, doctor: { caseId: "CASE-001", confidence: 1, outcome: "fixed", at: "2026-11-23T11:00:00Z" } })).toBeNull();
    expect(doctorSince({ ...base, doctor: null })).toBeNull();
  });
});

describe("crashes in the window", () => {
  it("says how many of how many, over how long", () => {
    expect(crashWindowText({ restartsInWindow: 2, maxAttempts: 5 }, 600)).toBe("2 of 5 crashes in 10 min");
    expect(crashWindowText({ restartsInWindow: 0, maxAttempts: 3 }, 120)).toBe("0 of 3 crashes in 2 min");
    expect(crashWindowText({ restartsInWindow: 1, maxAttempts: 0 }, 90)).toBe("1 crash in 1 min 30 s");
    expect(crashWindowText({ restartsInWindow: 2, maxAttempts: 5 }, null)).toBe("2 of 5 crashes in the window");
  });

  it("takes the window from the API, else from the escalation reason, and does not guess", () => {
    expect(windowSeconds(healing(), { selfHealing: { restartWindowSeconds: 300 } })).toBe(300);
    expect(windowSeconds(healing({ reason: "3 crashes within 120 s" }))).toBe(120);
    expect(windowSeconds(healing())).toBeNull();
    expect(windowSeconds(null)).toBeNull();
  });
});

describe("describeAttempt", () => {
  const v = (patch: Partial<RestartView>) => describeAttempt(restart(patch), NOW);

  it("says how long a start took to be healthy", () => {
    expect(v({})).toEqual({ label: "Healthy", outcome: "healthy after 41 s", tone: "ok" });
    expect(v({ kind: "start", endedAt: "2026-11-23T14:00:40.000Z" }).outcome).toBe("healthy after 1 min 40 s");
  });

  it("names the exit of a failed start, or the driver's first line", () => {
    expect(v({ status: "failed", exitCode: 78, endedAt: "2026-11-23T13:59:03.000Z" })).toEqual({
      label: "Failed",
      outcome: "failed: exit 78 (config)",
      tone: "bad",
    });
    expect(v({ status: "failed", exitSignal: "SIGKILL" }).outcome).toBe("failed: killed by SIGKILL");
    expect(v({ status: "failed", exitCode: 1 }).outcome).toBe("failed: exit 1");
    expect(v({ status: "failed", output: "\nHTTP 500 from the control API\nmore" }).outcome).toBe("failed: HTTP 500 from the control API");
    expect(v({ status: "failed", output: null }).outcome).toBe("failed");
  });

  it("says when a start timed out, from the ladder's words or the clock", () => {
    expect(v({ status: "timed-out", output: "started\nnot healthy within 3 min" })).toEqual({
      label: "Timed out",
      outcome: "timed out after 3 min",
      tone: "bad",
    });
    expect(v({ status: "timed-out", output: null, endedAt: "2026-11-23T14:02:00.000Z" }).outcome).toBe("timed out after 3 min");
  });

  it("explains a restart cancelled by the escalation and other skips", () => {
    expect(v({ status: "skipped", output: "cancelled: the target escalated (5 crashes within 600 s)" })).toEqual({
      label: "Skipped",
      outcome: "skipped: cancelled because escalated",
      tone: "muted",
    });
    expect(v({ status: "skipped", output: "auto-healing paused" }).outcome).toBe("skipped: auto-healing paused");
  });

  it("counts up while the driver acts and while it waits for healthy", () => {
    expect(v({ status: "started", startedAt: at(-3_000), finishedAt: null, endedAt: null })).toEqual({
      label: "Restarting",
      outcome: "restarting through simulator (3 s)…",
      tone: "active",
    });
    expect(v({ status: "starting", startedAt: at(-12_000), endedAt: null }).outcome).toBe("waiting for healthy (12 s)…");
  });

  it("reads interrupted and legacy rows", () => {
    expect(v({ status: "interrupted" }).tone).toBe("warn");
    expect(v({ status: "succeeded", endedAt: null, finishedAt: "2026-11-23T13:59:01.200Z" }).outcome).toBe("the driver acted in 1.2 s");
  });
});

describe("restartsChanged", () => {
  const t = (h: HealingView | null): TargetView => target("alpha", { healing: h });

  it("fires when a new restart is recorded or the process exits", () => {
    expect(restartsChanged(t(healing()), t(healing({ lastRestartAt: at(0) })))).toBe(true);
    expect(restartsChanged(t(null), t(healing()))).toBe(true);
    expect(restartsChanged(t(healing()), t(healing({ lastExit: { code: 1, signal: null, at: at(0) } })))).toBe(true);
  });

  it("fires when a restart or a start begins or ends", () => {
    expect(restartsChanged(t(healing({ state: "restarting" })), t(healing({ state: "waiting" })))).toBe(true);
    expect(restartsChanged(t(healing({ state: "restarting" })), t(healing({ state: "starting" })))).toBe(true);
    expect(restartsChanged(t(healing({ state: "starting" })), t(healing({ state: "idle" })))).toBe(true);
  });

  it("stays quiet for routine updates and unknown previous state", () => {
    expect(restartsChanged(t(healing()), t(healing({ nextRestartAt: at(1) })))).toBe(false);
    expect(restartsChanged(t(healing({ state: "starting" })), t(healing({ state: "starting" })))).toBe(false);
    expect(restartsChanged(t(null), t(null))).toBe(false);
    expect(restartsChanged(undefined, t(healing()))).toBe(false);
  });
});

describe("healingChanged", () => {
  const t = (h: HealingView | null): TargetView => target("alpha", { healing: h });

  it("fires when any part of the healing state moves", () => {
    expect(healingChanged(t(healing()), t(healing({ state: "escalated" })))).toBe(true);
    expect(healingChanged(t(healing()), t(healing({ reason: "still down" })))).toBe(true);
    expect(healingChanged(t(healing()), t(healing({ startDeadline: at(5) })))).toBe(true);
    expect(healingChanged(t(healing()), t(healing({ doctor: { caseId: null, confidence: null, outcome: "unsure", at: at(0) } })))).toBe(true);
    expect(healingChanged(t(null), t(healing()))).toBe(true);
  });

  it("stays quiet for an equal state and an unknown previous target", () => {
    expect(healingChanged(t(healing()), t(healing()))).toBe(false);
    expect(healingChanged(t(null), t(null))).toBe(false);
    expect(healingChanged(undefined, t(healing()))).toBe(false);
  });
});
