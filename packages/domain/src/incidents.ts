export const SEVERITIES = ["P1", "P2", "P3", "P4"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const INCIDENT_STATUSES = ["open", "acknowledged", "mitigated", "resolved"] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

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
