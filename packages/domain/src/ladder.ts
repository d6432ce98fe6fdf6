/**
 * The watchdog rung of the self-healing ladder (SPEC §4): restart a down target with backoff, forget
 * restarts after the decay time, and escalate after too many restarts in a window or too long down.
 */
export type LadderPolicy = {
  backoffMs: readonly number[];
  decayMs: number;
  maxRestartsInWindow: number;
  windowMs: number;
  escalateAfterMs: number;
  /** After a restart, give the target this long to start before judging it again (a real gateway takes 11–33 s). */
  startupGraceMs: number;
};

export type LadderState = {
  /** When each remembered restart was issued (older than the decay time are forgotten). */
  restarts: readonly number[];
  failingSince: number | null;
  escalatedAt: number | null;
  paused: boolean;
};

export type LadderDecision =
  | { action: "none"; reason: string }
  | { action: "restart"; attempt: number; delayMs: number; dueAt: number }
  | { action: "escalate"; reason: string };

export function policyFromConfig(sh: {
  backoffSeconds: number[];
  crashDecayHours: number;
  maxRestartsInWindow: number;
  restartWindowSeconds: number;
  escalateAfterMinutes: number;
  startupGraceSeconds: number;
}): LadderPolicy {
  return {
    backoffMs: sh.backoffSeconds.map((s) => s * 1000),
    decayMs: sh.crashDecayHours * 3_600_000,
    maxRestartsInWindow: sh.maxRestartsInWindow,
    windowMs: sh.restartWindowSeconds * 1000,
    escalateAfterMs: sh.escalateAfterMinutes * 60_000,
    startupGraceMs: sh.startupGraceSeconds * 1000,
  };
}

export function rememberedRestarts(restarts: readonly number[], now: number, decayMs: number): number[] {
  return restarts.filter((t) => now - t < decayMs).sort((a, b) => a - b);
}

/** 10 s → 30 s → 90 s → 180 s → 600 s, then the last step again. */
export function backoffDelay(attempt: number, backoffMs: readonly number[]): number {
  if (backoffMs.length === 0) throw new RangeError("backoff needs at least one step");
  return backoffMs[Math.min(Math.max(attempt - 1, 0), backoffMs.length - 1)]!;
}

/** What to do about a target now. Only a `down` target is restarted; anything else is left to the prober. */
export function decideLadder(state: LadderState, status: string, now: number, p: LadderPolicy): LadderDecision {
  if (status !== "down") return { action: "none", reason: status === "ok" ? "healthy" : `not down (${status})` };
  if (state.paused) return { action: "none", reason: "auto-healing paused" };
  if (state.escalatedAt !== null) return { action: "none", reason: "escalated: waiting for the doctor or a person" };
  const remembered = rememberedRestarts(state.restarts, now, p.decayMs);
  const inWindow = remembered.filter((t) => now - t < p.windowMs).length;
  if (inWindow >= p.maxRestartsInWindow) {
    return { action: "escalate", reason: `${inWindow} restarts within ${Math.round(p.windowMs / 1000)} s` };
  }
  if (state.failingSince !== null && now - state.failingSince >= p.escalateAfterMs) {
    return { action: "escalate", reason: `down for ${Math.round((now - state.failingSince) / 60_000)} min` };
  }
  const attempt = remembered.length + 1;
  const delayMs = backoffDelay(attempt, p.backoffMs);
  const last = remembered.at(-1);
  const from = Math.max(state.failingSince ?? now, last ?? 0);
  const dueAt = Math.max(now, from + delayMs, last === undefined ? 0 : last + p.startupGraceMs);
  return { action: "restart", attempt, delayMs, dueAt };
}

/**
 * Coming back healthy ends the failure streak and any escalation; the restart history stays and decays,
 * so a target that flaps keeps climbing the backoff instead of being restarted every 10 s forever.
 */
export function onHealthy(state: LadderState, now: number, p: LadderPolicy): LadderState {
  return { ...state, failingSince: null, escalatedAt: null, restarts: rememberedRestarts(state.restarts, now, p.decayMs) };
}

export function onDown(state: LadderState, now: number): LadderState {
  return state.failingSince === null ? { ...state, failingSince: now } : state;
}
