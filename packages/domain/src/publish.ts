import type { Finding, Resources, TargetStatus } from "./status.ts";

// What a probe cycle tells the API processes (and through them every viewer) about a target: everything a
// viewer sees change at once, the routine figures (latency, checked-at, uptime) only now and then.
// See docs/architecture.md, "Probing at scale".

/** What a viewer sees of a target's probe result, as stored before and after one probe. */
export type ProbeFigures = {
  status: TargetStatus;
  reason: string | null;
  findings: readonly Finding[] | null;
  since: number | null;
  version: string | null;
  ready: boolean | null;
  resources: Resources | null;
  latencyMs: number | null;
};

export type PublishPolicy = {
  /** A target's routine figures are sent every this many cycles (1: every cycle). */
  everyCycles: number;
  /** A latency that moved by at least this many ms AND this fraction of the one before goes out at once. */
  latencyMoveMs: number;
  latencyMoveRatio: number;
  /** A resource figure (CPU, memory, disk %) that moved by at least this many points goes out at once. */
  resourceMovePoints: number;
};

/**
 * How long the routine figures of a target may wait on the bus: a target's latest latency and checked-at
 * reach the API at most this long after the probe that was not sent (plus one interval of probing).
 */
export const ROUTINE_REFRESH_MS = 120_000;

/** Cycles between two routine refreshes of one target: the refresh window in whole intervals, at least 1. */
export function routineEveryCycles(intervalMs: number, refreshMs = ROUTINE_REFRESH_MS): number {
  if (!(intervalMs > 0)) throw new RangeError("intervalMs must be positive");
  return Math.max(1, Math.floor(refreshMs / intervalMs));
}

export function publishPolicy(intervalMs: number): PublishPolicy {
  return { everyCycles: routineEveryCycles(intervalMs), latencyMoveMs: 50, latencyMoveRatio: 0.5, resourceMovePoints: 5 };
}

/** A target's place in the refresh rotation (FNV-1a of its name), so each cycle refreshes an even share of a fleet. */
export function refreshPhase(name: string, everyCycles: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % Math.max(1, everyCycles);
}

/**
 * Why a probed target goes into the cycle's `target.update`, or `null` when it stays out:
 * - `changed`: something a viewer sees changed (status, reason, findings, since, version, readiness, a
 *   resource by `resourceMovePoints`, latency appearing or going away), or it was never stored;
 * - `moved`: its latency moved by a meaningful amount (`latencyMoveMs` and `latencyMoveRatio` both);
 * - `routine`: its turn in the rotation (every `everyCycles` cycles, phase by name);
 * - `direct`: a probe outside the cycle (`cycle` null: after a restart, a runbook step): always sent.
 */
export function publishReason(
  name: string,
  prev: ProbeFigures | null,
  next: ProbeFigures,
  cycle: number | null,
  p: PublishPolicy,
): "changed" | "moved" | "routine" | "direct" | null {
  if (cycle === null) return "direct";
  if (prev === null || visibleChange(prev, next, p)) return "changed";
  if (latencyMoved(prev.latencyMs, next.latencyMs, p)) return "moved";
  if ((((cycle + refreshPhase(name, p.everyCycles)) % p.everyCycles) + p.everyCycles) % p.everyCycles === 0) return "routine";
  return null;
}

function visibleChange(a: ProbeFigures, b: ProbeFigures, p: PublishPolicy): boolean {
  return (
    a.status !== b.status ||
    a.reason !== b.reason ||
    a.since !== b.since ||
    a.version !== b.version ||
    a.ready !== b.ready ||
    (a.latencyMs === null) !== (b.latencyMs === null) ||
    !sameFindings(a.findings ?? [], b.findings ?? []) ||
    resourcesMoved(a.resources ?? {}, b.resources ?? {}, p.resourceMovePoints)
  );
}

function sameFindings(a: readonly Finding[], b: readonly Finding[]): boolean {
  return a.length === b.length && a.every((f, i) => f.status === b[i]!.status && f.reason === b[i]!.reason);
}

function resourcesMoved(a: Resources, b: Resources, points: number): boolean {
  for (const k of ["cpuPercent", "memoryPercent", "diskPercent"] as const) {
    const x = a[k];
    const y = b[k];
    if ((x === undefined) !== (y === undefined)) return true;
    if (x !== undefined && y !== undefined && Math.abs(x - y) >= points) return true;
  }
  return false;
}

function latencyMoved(a: number | null, b: number | null, p: PublishPolicy): boolean {
  if (a === null || b === null) return a !== b;
  const d = Math.abs(b - a);
  return d >= p.latencyMoveMs && d >= p.latencyMoveRatio * Math.max(a, 1);
}

/**
 * Whether the self-healing ladder must look at a probed target: every target that is down, whose healing is
 * not idle, or whose status just changed, except a first healthy sighting of a target the ladder never acted
 * on (`healing` null and now ok or warning): the ladder would decide "nothing to do" and only write a row.
 */
export function ladderWanted(t: { status: TargetStatus; healing: { state: string } | null }, statusChanged: boolean): boolean {
  if (t.status === "down") return true;
  if (t.healing && t.healing.state !== "idle") return true;
  if (!statusChanged) return false;
  return !(t.healing === null && (t.status === "ok" || t.status === "warning"));
}
