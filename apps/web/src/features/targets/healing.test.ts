import { describe, expect, it } from "vitest";
import { target } from "./fixtures.test-util.ts";
import { doctorSince, formatCountdown, healingChanged, healingSummary, ladderLine, restartDuration, restartsChanged } from "./healing.ts";
import { normalizeHealing, normalizeTarget } from "./types.ts";
import type { Healing, Target } from "./types.ts";

const NOW = Date.parse("2026-11-23T14:00:00.000Z");
const at = (ms: number) => new Date(NOW + ms).toISOString();

function healing(patch: Partial<Healing> = {}): Healing {
  return {
    state: "waiting",
    attempt: 2,
    maxAttempts: 5,
    nextRestartAt: at(25_000),
    lastRestartAt: at(-60_000),
    escalatedAt: null,
    reason: null,
    restartsInWindow: 1,
    driver: "docker",
    doctor: null,
    ...patch,
  };
}

describe("formatCountdown", () => {
  it("reads m:ss and rounds up so 0:00 only shows once due", () => {
    expect(formatCountdown(25_000)).toBe("0:25");
    expect(formatCountdown(24_001)).toBe("0:25");
    expect(formatCountdown(400)).toBe("0:01");
    expect(formatCountdown(600_000)).toBe("10:00");
    expect(formatCountdown(-5_000)).toBe("0:00");
  });
});

describe("ladderLine", () => {
  it("counts down to the next restart", () => {
    expect(ladderLine(healing(), NOW)).toEqual({ state: "waiting", text: "restart 2/5 in 0:25" });
    expect(ladderLine(healing(), NOW + 20_500)?.text).toBe("restart 2/5 in 0:05");
  });

  it("says due once the countdown has passed", () => {
    expect(ladderLine(healing(), NOW + 25_000)?.text).toBe("restart 2/5 due");
    expect(ladderLine(healing(), NOW + 90_000)?.text).toBe("restart 2/5 due");
  });

  it("copes with a waiting state without a time or a maximum", () => {
    expect(ladderLine(healing({ nextRestartAt: null }), NOW)?.text).toBe("restart 2/5 scheduled");
    expect(ladderLine(healing({ maxAttempts: 0 }), NOW)?.text).toBe("restart 2 in 0:25");
  });

  it("shows a restart in progress", () => {
    expect(ladderLine(healing({ state: "restarting", attempt: 3 }), NOW)).toEqual({ state: "restarting", text: "restarting (attempt 3)…" });
    expect(ladderLine(healing({ state: "restarting", attempt: null }), NOW)?.text).toBe("restarting…");
  });

  it("tells when and why it escalated", () => {
    const h = healing({ state: "escalated", escalatedAt: at(-3 * 60_000), reason: "5 restarts within 600 s" });
    expect(ladderLine(h, NOW)).toEqual({ state: "escalated", text: "escalated 3 m ago: 5 restarts within 600 s" });
    expect(ladderLine({ ...h, escalatedAt: null, reason: null }, NOW)?.text).toBe("escalated");
  });

  it("shows a pause", () => {
    expect(ladderLine(healing({ state: "paused" }), NOW)).toEqual({ state: "paused", text: "auto-healing paused" });
  });

  it("shows nothing when idle or absent", () => {
    expect(ladderLine(healing({ state: "idle" }), NOW)).toBeNull();
    expect(ladderLine(null, NOW)).toBeNull();
    expect(ladderLine(undefined, NOW)).toBeNull();
  });
});

describe("healingSummary", () => {
  it("names the driver and the attempt", () => {
    expect(healingSummary(healing(), NOW)).toMatch(/^Restart 2 of 5 via docker in 0:25 \(at \d\d:\d\d:\d\d\)\.$/);
    expect(healingSummary(healing({ state: "restarting", driver: "simulator" }), NOW)).toBe("Restarting via simulator now (attempt 2 of 5).");
    expect(healingSummary(healing({ driver: "none" }), NOW + 30_000)).toBe("Restart 2 of 5 is due now.");
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

describe("restartsChanged", () => {
  const t = (h: Healing | null): Target => target("alpha", { healing: h });

  it("fires when a new restart is recorded", () => {
    expect(restartsChanged(t(healing()), t(healing({ lastRestartAt: at(0) })))).toBe(true);
    expect(restartsChanged(t(null), t(healing()))).toBe(true);
  });

  it("fires when a restart starts or ends", () => {
    expect(restartsChanged(t(healing({ state: "restarting" })), t(healing({ state: "waiting" })))).toBe(true);
  });

  it("stays quiet for routine updates and unknown previous state", () => {
    expect(restartsChanged(t(healing()), t(healing({ nextRestartAt: at(1) })))).toBe(false);
    expect(restartsChanged(t(null), t(null))).toBe(false);
    expect(restartsChanged(undefined, t(healing()))).toBe(false);
  });
});

describe("restartDuration", () => {
  const started = at(-5_000);
  it("measures finished and running restarts", () => {
    expect(restartDuration({ status: "succeeded", startedAt: started, finishedAt: at(-3_800) }, NOW)).toBe("1.2 s");
    expect(restartDuration({ status: "failed", startedAt: at(-200_000), finishedAt: at(0) }, NOW)).toBe("3 m");
    expect(restartDuration({ status: "started", startedAt: started, finishedAt: null }, NOW + 900)).toBe("5 s…");
    expect(restartDuration({ status: "interrupted", startedAt: started, finishedAt: null }, NOW)).toBe("—");
  });
});

describe("normalizeTarget / normalizeHealing", () => {
  it("treats a Target from an older API without healing as null", () => {
    const { healing: _h, ...old } = target("alpha");
    expect(normalizeTarget(old as Target).healing).toBeNull();
    expect(normalizeTarget({ name: "x" } as Target).healing).toBeNull();
  });

  it("keeps a valid healing block and fills its gaps", () => {
    const t = normalizeTarget({ ...target("alpha"), healing: { state: "restarting", attempt: 1 } as Healing });
    expect(t.healing).toEqual({
      state: "restarting",
      attempt: 1,
      maxAttempts: 0,
      nextRestartAt: null,
      lastRestartAt: null,
      escalatedAt: null,
      reason: null,
      restartsInWindow: 0,
      driver: "",
      doctor: null,
    });
  });

  it("drops malformed blocks and states this build does not know", () => {
    expect(normalizeHealing("waiting")).toBeNull();
    expect(normalizeHealing({ state: "rebooting" })).toBeNull();
    expect(normalizeHealing({ attempt: 2 })).toBeNull();
    expect(normalizeHealing({ ...healing(), attempt: "2" })?.attempt).toBeNull();
  });
});

describe("healingChanged", () => {
  const t = (h: Healing | null): Target => target("alpha", { healing: h });

  it("fires when any part of the healing state moves", () => {
    expect(healingChanged(t(healing()), t(healing({ state: "escalated" })))).toBe(true);
    expect(healingChanged(t(healing()), t(healing({ reason: "still down" })))).toBe(true);
    expect(healingChanged(t(null), t(healing()))).toBe(true);
  });

  it("stays quiet for an equal state and an unknown previous target", () => {
    expect(healingChanged(t(healing()), t(healing()))).toBe(false);
    expect(healingChanged(t(null), t(null))).toBe(false);
    expect(healingChanged(undefined, t(healing()))).toBe(false);
  });
});

describe("the doctor on the tile", () => {
  const base = {
    state: "escalated" as const,
    attempt: null,
    maxAttempts: 5,
    nextRestartAt: null,
    lastRestartAt: null,
    escalatedAt: "2026-11-23T12:00:00Z",
    reason: "5 restarts within 600 s",
    restartsInWindow: 5,
    driver: "simulator",
    doctor: null,
  };
  it("shows the case, confidence and what it is doing, once it diagnosed after the escalation", () => {
    expect(doctorSince({ ...base, doctor: { caseId: "CASE-004", confidence: 0.92, outcome: "running", at: "2026-11-23T12:00:01Z" } })).toBe("doctor: CASE-004 92 % · fixing");
    expect(doctorSince({ ...base, doctor: { caseId: null, confidence: null, outcome: "no-match", at: "2026-11-23T12:00:01Z" } })).toBe("doctor: no matching case · people alerted");
    expect(doctorSince({ ...base, doctor: { caseId: "CASE-001", confidence: 1, outcome: "fixed", at: "2026-11-23T11:00:00Z" } })).toBeNull();
    expect(doctorSince({ ...base, doctor: null })).toBeNull();
  });
});
