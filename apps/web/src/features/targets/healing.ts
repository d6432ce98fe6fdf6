import { DASH, elapsedSince, formatAgo, formatLatency, formatSpan, formatTimestamp, spanBetween } from "../../lib/format.ts";
import type { HealingDoctor, HealingState, HealingView, MonitoringSettings, ProcessExit, RestartStatus, RestartView, TargetView } from "@ops/contract";

export type ActiveHealingState = Exclude<HealingState, "idle">;

/** What the ladder is doing, for a tile or a page head: the line, and a second, quieter part (the deadline, the doctor). */
export type HealingLine = { state: ActiveHealingState; text: string; detail: string | null };

/** "0:25", "10:00". Rounds up, so "0:00" never shows while the restart is still ahead. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Milliseconds until the scheduled restart (negative once passed), null when none is scheduled. */
export function untilNextRestart(h: HealingView, now: number): number | null {
  const ms = elapsedSince(h.nextRestartAt, now);
  return ms == null ? null : -ms;
}

/** How long the start in progress has taken, and how long it may take in all; null outside a start. */
export function startProgress(h: HealingView, now: number): { elapsedMs: number; limitMs: number | null } | null {
  if (h.state !== "starting") return null;
  const elapsedMs = Math.max(0, elapsedSince(h.startingSince, now) ?? 0);
  return { elapsedMs, limitMs: spanBetween(h.startingSince, h.startDeadline) };
}

// Exit codes a gateway (or the shell around it) ends with, in a word.
const EXIT_MEANING: Record<number, string> = {
  64: "usage",
  69: "unavailable",
  70: "software",
  75: "temporary failure",
  77: "permission",
  78: "config",
  126: "not executable",
  127: "command not found",
  130: "SIGINT",
  137: "SIGKILL",
  143: "SIGTERM",
};

/** "exited 78 (config)", "killed by SIGKILL", "exited 1". */
export function describeExit(e: Pick<ProcessExit, "code" | "signal">): string {
  if (e.signal) return `killed by ${e.signal}`;
  if (e.code == null) return "exited (code unknown)";
  const meaning = EXIT_MEANING[e.code];
  return meaning ? `exited ${e.code} (${meaning})` : `exited ${e.code}`;
}

/** The process exit behind the current outage: the target is not answering and its process ended since (about) then. */
export function currentExit(t: TargetView): ProcessExit | null {
  const e = t.healing?.lastExit;
  if (!e || !t.enabled || (t.status !== "down" && t.status !== "unknown")) return null;
  const exitAt = Date.parse(e.at);
  const since = t.since ? Date.parse(t.since) : NaN;
  if (Number.isNaN(exitAt)) return null;
  // The exit turns the target down itself, so the two are close; an exit long before the outage is an old one.
  return Number.isNaN(since) || exitAt >= since - 10_000 ? e : null;
}

/** Whether the ladder is bringing the target up right now (not healthy yet): show that instead of a bare DOWN. */
export function isComingUp(t: TargetView): boolean {
  const s = t.healing?.state;
  return t.enabled && (s === "starting" || s === "restarting") && t.status !== "ok";
}

/** The status badge's word for a target the ladder is bringing up ("Starting"), else null (the status itself). */
export function comingUpLabel(t: TargetView): string | null {
  if (!isComingUp(t)) return null;
  return t.healing?.state === "starting" ? "Starting" : "Restarting";
}

/** The tile's and page head's reason line: how the process ended, or that it is not answering yet while it starts. */
export function reasonLine(t: TargetView): string {
  if (!t.enabled) return "not monitored";
  if (isComingUp(t) && (t.status === "down" || t.status === "unknown")) return t.reason ? `not answering yet: ${t.reason}` : "not answering yet";
  const exit = currentExit(t);
  if (exit) return describeExit(exit);
  return t.reason || (t.status === "ok" ? "healthy" : DASH);
}

const DOCTOR_OUTCOME: Record<string, string> = {
  running: "fixing",
  fixed: "fixed",
  "not-fixed": "not fixed",
  "no-match": "no case, people alerted",
  unsure: "unsure, did not act",
};

/** "CASE-001 · fixed", "CASE-004 92 % · fixing", "unsure, did not act", "no case, people alerted". */
export function doctorVerdict(d: HealingDoctor): string {
  const outcome = DOCTOR_OUTCOME[d.outcome] ?? d.outcome;
  if (d.outcome === "unsure" || d.outcome === "no-match" || !d.caseId) return outcome;
  const confidence = d.confidence == null || d.confidence >= 1 ? "" : ` ${Math.round(d.confidence * 100)} %`;
  return `${d.caseId}${confidence} · ${outcome}`;
}

/** The doctor's verdict on this escalation ("doctor: CASE-001 · fixed"); null before it has diagnosed it. */
export function doctorSince(h: HealingView): string | null {
  const d = h.doctor;
  if (!d || (h.escalatedAt && Date.parse(d.at) < Date.parse(h.escalatedAt) - 1000)) return null;
  return `doctor: ${doctorVerdict(d)}`;
}

/**
 * An escalation reason short enough for a tile: paths down to their file name, without the exit code (the
 * tile's reason line names it) and without the "a restart cannot fix this" every deterministic failure ends with.
 */
export function compactReason(reason: string): string {
  return reason
    .replace(/^exit \d+ \([^)]*\):\s*/, "")
    .replace(/(?:\/[\w.@+-]+)+\/([\w.@+-]+)/g, "…/$1")
    .replace(/\s*[—:-]\s*a restart cannot fix this\.?$/i, "")
    .trim();
}

function shortAttempt(h: HealingView): string {
  return h.attempt == null ? "restart" : `restart ${h.attempt}`;
}

/**
 * What the ladder is doing, in words: "restart 2 in 0:25", "restarting (attempt 2)…", "starting (41 s)" of 3 min,
 * "escalated: exit 78 …" with the doctor's verdict, "auto-healing paused". Null when idle or unknown. `compact`
 * shortens the escalation reason for a tile.
 */
export function describeHealing(h: HealingView | null | undefined, now: number, opts: { compact?: boolean } = {}): HealingLine | null {
  if (!h) return null;
  switch (h.state) {
    case "idle":
      return null;
    case "waiting": {
      const left = untilNextRestart(h, now);
      if (left == null) return { state: h.state, text: `${shortAttempt(h)} scheduled`, detail: null };
      return { state: h.state, text: left > 0 ? `${shortAttempt(h)} in ${formatCountdown(left)}` : `${shortAttempt(h)} due`, detail: null };
    }
    case "restarting":
      return { state: h.state, text: h.attempt == null ? "restarting…" : `restarting (attempt ${h.attempt})…`, detail: null };
    case "starting": {
      const p = startProgress(h, now);
      const text = `starting (${formatSpan(p?.elapsedMs ?? 0)})`;
      if (!p || p.limitMs == null) return { state: h.state, text, detail: null };
      return { state: h.state, text, detail: p.elapsedMs > p.limitMs ? `over ${formatSpan(p.limitMs)}: timing out` : `of ${formatSpan(p.limitMs)}` };
    }
    case "escalated": {
      const reason = h.reason && opts.compact ? compactReason(h.reason) : h.reason;
      return { state: h.state, text: reason ? `escalated: ${reason}` : "escalated", detail: doctorSince(h) };
    }
    case "paused":
      return { state: h.state, text: "auto-healing paused", detail: null };
  }
}

function via(h: HealingView): string {
  return h.driver && h.driver !== "none" ? ` via ${h.driver}` : "";
}

function longAttempt(h: HealingView): string {
  return h.attempt == null ? "Restart" : `Restart ${h.attempt}`;
}

/** The target page's sentence for the same state. */
export function healingSummary(h: HealingView | null | undefined, now: number): string {
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
    case "restarting":
      return `Restarting${via(h)} now${h.attempt == null ? "" : ` (attempt ${h.attempt})`}.`;
    case "starting": {
      const p = startProgress(h, now);
      const so = `Started${via(h)} ${formatSpan(p?.elapsedMs ?? 0)} ago, waiting for it to be healthy`;
      if (!p || p.limitMs == null || !h.startDeadline) return `${so}.`;
      if (p.elapsedMs > p.limitMs) return `${so}: it is past its ${formatSpan(p.limitMs)} start timeout and counts as failed at the next check.`;
      return `${so}: it counts as failed if not healthy by ${formatTimestamp(h.startDeadline, now)} (${formatSpan(p.limitMs)} in all).`;
    }
    case "escalated": {
      const when = h.escalatedAt ? ` ${formatAgo(h.escalatedAt, now)}` : "";
      return `Escalated${when}${h.reason ? `: ${h.reason}` : ""}.`;
    }
    case "paused":
      return "Auto-healing is paused: nothing restarts this target automatically until someone resumes it.";
  }
}

/**
 * The escalation window in seconds: from the API's settings, else from an escalation reason ("5 crashes within
 * 120 s"); null when neither says (GET /api/monitoring does not carry it yet), rather than guessing the default.
 */
export function windowSeconds(
  h: HealingView | null | undefined,
  settings?: { selfHealing?: Pick<MonitoringSettings["selfHealing"], "restartWindowSeconds"> | undefined },
): number | null {
  const fromApi = settings?.selfHealing?.restartWindowSeconds;
  if (typeof fromApi === "number" && fromApi > 0) return fromApi;
  const m = h?.reason ? /crashes within (\d+) s\b/.exec(h.reason) : null;
  return m ? Number(m[1]) : null;
}

/** "2 of 5 crashes in 10 min"; "… in the window" when its length is not known. */
export function crashWindowText(h: Pick<HealingView, "restartsInWindow" | "maxAttempts">, windowSec: number | null): string {
  const of = h.maxAttempts > 0 ? ` of ${h.maxAttempts}` : "";
  const noun = h.maxAttempts === 1 || (h.maxAttempts <= 0 && h.restartsInWindow === 1) ? "crash" : "crashes";
  return `${h.restartsInWindow}${of} ${noun} in ${windowSec == null ? "the window" : formatSpan(windowSec * 1000)}`;
}

/**
 * Whether a pushed target means its restart history has moved on: a restart began, a start ended (the state
 * leaves restarting or starting), or the process exited.
 */
export function restartsChanged(prev: TargetView | undefined, next: TargetView): boolean {
  if (!prev) return false;
  const a = prev.healing;
  const b = next.healing;
  if ((a?.lastRestartAt ?? null) !== (b?.lastRestartAt ?? null)) return true;
  if ((a?.lastExit?.at ?? null) !== (b?.lastExit?.at ?? null)) return true;
  const moving = (h: HealingView | null) => h?.state === "restarting" || h?.state === "starting";
  return a?.state !== b?.state && (moving(a) || moving(b));
}

const HEALING_FIELDS = [
  "state",
  "attempt",
  "maxAttempts",
  "nextRestartAt",
  "lastRestartAt",
  "escalatedAt",
  "reason",
  "restartsInWindow",
  "driver",
  "startingSince",
  "startDeadline",
] as const;

/** Whether a pushed target's healing state differs from the cached one (the doctor and alerts may have moved on). */
export function healingChanged(prev: TargetView | undefined, next: TargetView): boolean {
  if (!prev) return false;
  const a = prev.healing;
  const b = next.healing;
  if (!a || !b) return !a !== !b;
  if ((a.doctor?.at ?? null) !== (b.doctor?.at ?? null) || (a.doctor?.outcome ?? null) !== (b.doctor?.outcome ?? null)) return true;
  return HEALING_FIELDS.some((k) => a[k] !== b[k]);
}

export const RESTART_STATUS_LABEL: Record<RestartStatus, string> = {
  started: "Restarting",
  starting: "Starting",
  healthy: "Healthy",
  succeeded: "Succeeded",
  failed: "Failed",
  "timed-out": "Timed out",
  interrupted: "Interrupted",
  skipped: "Skipped",
};

export type AttemptTone = "active" | "ok" | "bad" | "warn" | "muted";

/** How one start or restart went, in words: the badge, the sentence and its colour. */
export type AttemptView = { label: string; outcome: string; tone: AttemptTone };

function firstLine(text: string | null): string | null {
  const line = text
    ?.split("\n")
    .map((l) => l.trim())
    .find(Boolean);
  return line ?? null;
}

/**
 * "healthy after 41 s", "failed: exit 78 (config)", "failed: killed by SIGKILL", "timed out after 3 min",
 * "skipped: cancelled because escalated", "starting (12 s)…".
 */
export function describeAttempt(r: RestartView, now: number): AttemptView {
  const label = RESTART_STATUS_LABEL[r.status] ?? r.status;
  const took = spanBetween(r.startedAt, r.endedAt ?? r.finishedAt);
  switch (r.status) {
    case "started":
      return {
        label,
        outcome: `${r.kind === "start" ? "starting" : "restarting"} through ${r.driver || "the driver"} (${formatSpan(elapsedSince(r.startedAt, now))})…`,
        tone: "active",
      };
    case "starting":
      return { label, outcome: `waiting for healthy (${formatSpan(elapsedSince(r.startedAt, now))})…`, tone: "active" };
    case "healthy":
      return { label, outcome: took == null ? "healthy" : `healthy after ${formatSpan(took)}`, tone: "ok" };
    case "succeeded":
      return { label, outcome: took == null ? "the driver acted" : `the driver acted in ${formatLatency(took)}`, tone: "ok" };
    case "failed": {
      if (r.exitSignal || r.exitCode != null)
        return {
          label,
          outcome: `failed: ${r.exitSignal ? `killed by ${r.exitSignal}` : describeExit({ code: r.exitCode, signal: null }).replace(/^exited/, "exit")}`,
          tone: "bad",
        };
      const why = firstLine(r.output);
      return { label, outcome: why ? `failed: ${why}` : "failed", tone: "bad" };
    }
    case "timed-out": {
      const within = r.output ? /not healthy within ([^\n.]+)/.exec(r.output)?.[1] : undefined;
      return { label, outcome: within ? `timed out after ${within}` : took == null ? "timed out" : `timed out after ${formatSpan(took)}`, tone: "bad" };
    }
    case "interrupted":
      return { label, outcome: "interrupted: the worker stopped during it; not repeated", tone: "warn" };
    case "skipped": {
      const why = firstLine(r.output);
      if (!why || /escalat/i.test(why)) return { label, outcome: "skipped: cancelled because escalated", tone: "muted" };
      return { label, outcome: `skipped: ${why}`, tone: "muted" };
    }
  }
}
