import type { IncidentStatus, Severity } from "@ops/contract";

// The lists are the contract's: the API validates and the dashboard offers the same ones.
export { INCIDENT_STATUSES, SEVERITIES } from "@ops/contract";
export type { IncidentStatus, Severity };

/** SPEC §8: MTTR targets per severity; P4 has none. */
export const MTTR_TARGET_MS: Record<Severity, number | null> = {
  P1: 4 * 3_600_000,
  P2: 8 * 3_600_000,
  P3: 24 * 3_600_000,
  P4: null,
};

/**
 * The severity of an outage the watchdog opens: a service everything depends on is P1; an agent down
 * while others are down too is P2; one agent alone is P3.
 */
export function severityForOutage(kind: "agent" | "service", otherAgentsDown: number): Severity {
  if (kind === "service") return "P1";
  return otherAgentsDown >= 1 ? "P2" : "P3";
}

export function mttd(startedAt: number, detectedAt: number): number {
  return Math.max(0, detectedAt - startedAt);
}

export function mttr(startedAt: number, resolvedAt: number | null): number | null {
  return resolvedAt === null ? null : Math.max(0, resolvedAt - startedAt);
}

/** Which status changes a person may make; resolved is final (a recurrence opens a new incident). */
export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  if (from === "resolved") return false;
  if (to === "acknowledged") return from === "open";
  if (to === "mitigated") return from === "open" || from === "acknowledged";
  return to === "resolved";
}

// ---------------------------------------------------------------------------------------------------------
// When an outage began and when the console knew: the two ends of MTTD.

/** Where an outage incident's start time came from. */
export type OutageStartSource = "exit" | "last-ok" | "detection";

export type OutageClock = {
  /** When the driver saw the process exit, if it knows (a supervised process, a simulator's crash). */
  failedAt: number | null;
  /** The target's last healthy sample (`target_state.last_ok_at`). */
  lastOkAt: number | null;
  /** The first failed probe of this outage (`failing_since`), if known. */
  firstFailedAt: number | null;
  /** When the console first recorded the target as down (see `detectionTime`); null when it never did. */
  recordedDownAt: number | null;
  now: number;
};

export type OutageTimes = { startedAt: number; detectedAt: number; startedFrom: OutageStartSource };

/**
 * When the console detected an outage: the latest transition to `down` in the target's status events; else,
 * while the target is down, the time its state says it became so; else whatever the caller saw (`fallback`);
 * else now. Never in the future.
 */
export function detectionTime(d: { downEventAt: number | null; status: string | null; since: number | null; fallback: number | null; now: number }): number {
  const recorded = d.downEventAt ?? (d.status === "down" ? d.since : null) ?? d.fallback ?? d.now;
  return Math.min(recorded, d.now);
}

/**
 * The start and detection of an outage, honestly: the failure began when the process exited if the driver
 * knows it (but not after the first failed probe: a process that hung before it died was failing already),
 * else at the last healthy sample; a target never seen healthy (first start) started when it was detected.
 * A process exit from before the last healthy sample belongs to an earlier failure and is ignored. The start
 * is never later than the detection.
 */
export function outageTimes(c: OutageClock): OutageTimes {
  const detectedAt = Math.min(c.recordedDownAt ?? c.now, c.now);
  let startedAt: number;
  let startedFrom: OutageStartSource;
  if (c.failedAt !== null && (c.lastOkAt === null || c.failedAt >= c.lastOkAt)) {
    startedAt = c.firstFailedAt !== null && (c.lastOkAt === null || c.firstFailedAt >= c.lastOkAt) ? Math.min(c.failedAt, c.firstFailedAt) : c.failedAt;
    startedFrom = "exit";
  } else if (c.lastOkAt !== null) {
    startedAt = c.lastOkAt;
    startedFrom = "last-ok";
  } else {
    startedAt = detectedAt;
    startedFrom = "detection";
  }
  return { startedAt: Math.min(startedAt, detectedAt), detectedAt, startedFrom };
}
