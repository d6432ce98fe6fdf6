/**
 * The watchdog rung of the self-healing ladder (SPEC §4): start what the console runs, restart a down
 * target with backoff, wait for every start to end (healthy, failed or timed out) instead of for a clock,
 * and escalate after too many crashes in a window, too long down, or a failure no restart can fix.
 */
export type LadderPolicy = {
  backoffMs: readonly number[];
  decayMs: number;
  maxRestartsInWindow: number;
  windowMs: number;
  escalateAfterMs: number;
};

/** A start or restart the driver carried out, until the target is healthy, its process fails, or time runs out. */
export type StartAttempt = { kind: "start" | "restart"; since: number; deadline: number };

export type LadderState = {
  /** When each remembered restart was issued by the console (older than the decay time are forgotten): the backoff. */
  restarts: readonly number[];
  /** When each remembered crash happened: every exit or uptime reset, whoever restarted the process (the window rule). */
  crashes: readonly number[];
  failingSince: number | null;
  escalatedAt: number | null;
  paused: boolean;
  starting: StartAttempt | null;
};

/** What the ladder sees of the target now. */
export type LadderInput = {
  status: string;
  /** /readyz's verdict when the target has one: false while it says starting. */
  ready: boolean | null;
  /** The latest probe found it alive (live probe answered well), whatever its thresholds say. */
  alive: boolean;
  /** The console runs this target's process itself and has not started it yet (or stopped it on purpose). */
  neverStarted: boolean;
  /** A failure a restart cannot fix (exit 78, port in use, state contention), from the last exit's evidence. */
  deterministic: string | null;
};

export type LadderDecision =
  | { action: "none"; reason: string }
  | { action: "start"; dueAt: number }
  | { action: "restart"; attempt: number; delayMs: number; dueAt: number }
  | { action: "escalate"; reason: string }
  | { action: "wait-start"; reason: string; elapsedMs: number }
  | { action: "end-start"; outcome: "healthy" | "timed-out"; reason: string };

export function policyFromConfig(sh: {
  backoffSeconds: number[];
  crashDecayHours: number;
  maxRestartsInWindow: number;
  restartWindowSeconds: number;
  escalateAfterMinutes: number;
}): LadderPolicy {
  return {
    backoffMs: sh.backoffSeconds.map((s) => s * 1000),
    decayMs: sh.crashDecayHours * 3_600_000,
    maxRestartsInWindow: sh.maxRestartsInWindow,
    windowMs: sh.restartWindowSeconds * 1000,
    escalateAfterMs: sh.escalateAfterMinutes * 60_000,
  };
}

export function rememberedRestarts(restarts: readonly number[], now: number, decayMs: number): number[] {
  return restarts.filter((t) => now - t < decayMs).sort((a, b) => a - b);
}

export function crashesInWindow(crashes: readonly number[], now: number, windowMs: number): number {
  return crashes.filter((t) => now - t < windowMs && t <= now).length;
}

/** 10 s → 30 s → 90 s → 180 s → 600 s, then the last step again. */
export function backoffDelay(attempt: number, backoffMs: readonly number[]): number {
  if (backoffMs.length === 0) throw new RangeError("backoff needs at least one step");
  return backoffMs[Math.min(Math.max(attempt - 1, 0), backoffMs.length - 1)]!;
}

/** Healthy enough to end a start: alive on the latest probe, and not saying it is still starting. */
export function startSucceeded(alive: boolean, ready: boolean | null): boolean {
  return alive && ready !== false;
}

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** What to do about a target now. */
export function decideLadder(state: LadderState, input: LadderInput, now: number, p: LadderPolicy): LadderDecision {
  if (state.starting) {
    const elapsedMs = now - state.starting.since;
    if (startSucceeded(input.alive, input.ready)) return { action: "end-start", outcome: "healthy", reason: `healthy after ${formatElapsed(elapsedMs)}` };
    if (now >= state.starting.deadline) {
      return { action: "end-start", outcome: "timed-out", reason: `not healthy within ${formatElapsed(state.starting.deadline - state.starting.since)}` };
    }
    // Paused or not: a start in progress is never interrupted by the ladder.
    return { action: "wait-start", reason: `starting (${formatElapsed(elapsedMs)})`, elapsedMs };
  }
  // The console runs this target and has not started it: start it, unless something already answers well there.
  if (input.neverStarted && !state.paused && input.status !== "ok" && input.status !== "warning") return { action: "start", dueAt: now };
  if (input.status !== "down") return { action: "none", reason: input.status === "ok" ? "healthy" : `not down (${input.status})` };
  if (state.paused) return { action: "none", reason: "auto-healing paused" };
  if (state.escalatedAt !== null) return { action: "none", reason: "escalated: waiting for the doctor or a person" };
  if (input.deterministic) return { action: "escalate", reason: `${input.deterministic.replace(/[\s:.]+$/, "")} — a restart cannot fix this` };
  const crashes = crashesInWindow(state.crashes, now, p.windowMs);
  if (crashes >= p.maxRestartsInWindow) {
    return { action: "escalate", reason: `${crashes} crashes within ${Math.round(p.windowMs / 1000)} s` };
  }
  if (state.failingSince !== null && now - state.failingSince >= p.escalateAfterMs) {
    return { action: "escalate", reason: `down for ${Math.round((now - state.failingSince) / 60_000)} min` };
  }
  const remembered = rememberedRestarts(state.restarts, now, p.decayMs);
  const attempt = remembered.length + 1;
  const delayMs = backoffDelay(attempt, p.backoffMs);
  const last = remembered.at(-1);
  const from = Math.max(state.failingSince ?? now, last ?? 0);
  return { action: "restart", attempt, delayMs, dueAt: Math.max(now, from + delayMs) };
}

/**
 * Coming back healthy ends the failure streak and any escalation; the restart and crash histories stay and
 * decay, so a target that flaps keeps climbing the backoff instead of being restarted every 10 s forever.
 */
export function onHealthy(state: LadderState, now: number, p: LadderPolicy): LadderState {
  return {
    ...state,
    failingSince: null,
    escalatedAt: null,
    restarts: rememberedRestarts(state.restarts, now, p.decayMs),
    crashes: rememberedRestarts(state.crashes, now, p.decayMs),
  };
}

export function onDown(state: LadderState, now: number): LadderState {
  return state.failingSince === null ? { ...state, failingSince: now } : state;
}

/**
 * Whether an uptime reset the prober saw is a crash not already counted: the process came back at
 * `restartedAt` and no recorded crash or console start lies within `slackMs` of it.
 */
export function uptimeResetIsNewCrash(restartedAt: number, crashes: readonly number[], attemptsStartedAt: readonly number[], slackMs: number): boolean {
  const near = (t: number) => Math.abs(t - restartedAt) <= slackMs;
  return !crashes.some(near) && !attemptsStartedAt.some(near);
}
