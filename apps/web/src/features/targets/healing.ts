import { DASH, elapsedSince, formatAgo, formatDuration, formatLatency, formatTimestamp } from "../../lib/format.ts";
import type { Healing, HealingState, Restart, RestartStatus, Target } from "./types.ts";

export type ActiveHealingState = Exclude<HealingState, "idle">;
export type LadderLine = { state: ActiveHealingState; text: string };

/** "0:25", "10:00". Rounds up, so "0:00" never shows while the restart is still ahead. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Milliseconds until the scheduled restart (negative once passed), null when none is scheduled. */
export function untilNextRestart(h: Healing, now: number): number | null {
  const ms = elapsedSince(h.nextRestartAt, now);
  return ms == null ? null : -ms;
}

function shortAttempt(h: Healing): string {
  if (h.attempt == null) return "restart";
  return h.maxAttempts > 0 ? `restart ${h.attempt}/${h.maxAttempts}` : `restart ${h.attempt}`;
}

/** The tile's one-liner: "restart 2/5 in 0:25", "restarting (attempt 2)…"; null when there is nothing to show. */
export function ladderLine(h: Healing | null | undefined, now: number): LadderLine | null {
  if (!h) return null;
  switch (h.state) {
    case "idle":
      return null;
    case "waiting": {
      const left = untilNextRestart(h, now);
      if (left == null) return { state: h.state, text: `${shortAttempt(h)} scheduled` };
      return { state: h.state, text: left > 0 ? `${shortAttempt(h)} in ${formatCountdown(left)}` : `${shortAttempt(h)} due` };
    }
    case "restarting":
      return { state: h.state, text: h.attempt == null ? "restarting…" : `restarting (attempt ${h.attempt})…` };
    case "escalated": {
      const when = h.escalatedAt ? ` ${formatAgo(h.escalatedAt, now)}` : "";
      const doctor = doctorSince(h);
      return { state: h.state, text: doctor ? `escalated${when}: ${doctor}` : `escalated${when}${h.reason ? `: ${h.reason}` : ""}` };
    }
    case "paused":
      return { state: h.state, text: "auto-healing paused" };
  }
}

/** "doctor: CASE-004 92 % · fixing", for a diagnosis made since the escalation; null otherwise. */
export function doctorSince(h: Healing): string | null {
  const d = h.doctor;
  if (!d || (h.escalatedAt && Date.parse(d.at) < Date.parse(h.escalatedAt) - 1000)) return null;
  const what = d.caseId ? `${d.caseId}${d.confidence == null ? "" : ` ${Math.round(d.confidence * 100)} %`}` : "no matching case";
  const outcome: Record<string, string> = { running: "fixing", fixed: "fixed", "not-fixed": "not fixed", "no-match": "people alerted" };
  return `doctor: ${what} · ${outcome[d.outcome] ?? d.outcome}`;
}

function via(h: Healing): string {
  return h.driver && h.driver !== "none" ? ` via ${h.driver}` : "";
}

function longAttempt(h: Healing): string {
  if (h.attempt == null) return "Restart";
  return h.maxAttempts > 0 ? `Restart ${h.attempt} of ${h.maxAttempts}` : `Restart ${h.attempt}`;
}

/** The target page's sentence for the same state. */
export function healingSummary(h: Healing | null | undefined, now: number): string {
  if (!h) return "No self-healing state reported for this target.";
  switch (h.state) {
    case "idle":
      return "Idle: nothing to heal.";
    case "waiting": {
      const left = untilNextRestart(h, now);
      if (left == null) return `${longAttempt(h)}${via(h)} is scheduled.`;
      if (left <= 0) return `${longAttempt(h)}${via(h)} is due now.`;
      return `${longAttempt(h)}${via(h)} in ${formatCountdown(left)} (at ${formatTimestamp(h.nextRestartAt, now)}).`;
    }
    case "restarting": {
      const of = h.attempt == null ? "" : h.maxAttempts > 0 ? ` (attempt ${h.attempt} of ${h.maxAttempts})` : ` (attempt ${h.attempt})`;
      return `Restarting${via(h)} now${of}.`;
    }
    case "escalated": {
      const when = h.escalatedAt ? ` ${formatAgo(h.escalatedAt, now)}` : "";
      const why = h.reason ? `: ${h.reason}` : "";
      return `Escalated${when}${why}.`;
    }
    case "paused":
      return "Auto-healing is paused: nothing restarts this target automatically until someone resumes it.";
  }
}

/**
 * Whether a pushed target means its restart history has moved on: a new restart began, or one
 * finished (the state leaves "restarting").
 */
export function restartsChanged(prev: Target | undefined, next: Target): boolean {
  if (!prev) return false;
  const a = prev.healing;
  const b = next.healing;
  if ((a?.lastRestartAt ?? null) !== (b?.lastRestartAt ?? null)) return true;
  return (a?.state === "restarting") !== (b?.state === "restarting");
}

const HEALING_FIELDS = ["state", "attempt", "maxAttempts", "nextRestartAt", "lastRestartAt", "escalatedAt", "reason", "restartsInWindow", "driver"] as const;

/** Whether a pushed target's healing state differs from the cached one (the doctor and alerts may have moved on). */
export function healingChanged(prev: Target | undefined, next: Target): boolean {
  if (!prev) return false;
  const a = prev.healing;
  const b = next.healing;
  if (!a || !b) return !a !== !b;
  return HEALING_FIELDS.some((k) => a[k] !== b[k]);
}

export const RESTART_STATUS_LABEL: Record<RestartStatus, string> = {
  started: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  interrupted: "Interrupted",
};

/** "820 ms", "4.2 s", "3 m"; a restart still running counts up to now ("12 s…"). */
export function restartDuration(r: Pick<Restart, "status" | "startedAt" | "finishedAt">, now: number): string {
  const start = Date.parse(r.startedAt);
  if (Number.isNaN(start)) return DASH;
  const end = r.finishedAt ? Date.parse(r.finishedAt) : r.status === "started" ? now : NaN;
  if (Number.isNaN(end)) return DASH;
  const ms = Math.max(0, end - start);
  // A running restart ticks every second, so whole units; a finished one keeps its precision.
  if (!r.finishedAt) return `${formatDuration(ms)}…`;
  return ms < 60_000 ? formatLatency(ms) : formatDuration(ms);
}
