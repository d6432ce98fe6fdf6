/** Incidents and their timelines (`/api/incidents`). */

export type Severity = "P1" | "P2" | "P3" | "P4";
export type IncidentStatus = "open" | "acknowledged" | "mitigated" | "resolved";

export type IncidentView = {
  id: number;
  /** "INC-42" */
  key: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  source: "ladder" | "manual";
  targets: string[];
  summary: string | null;
  /** When the failure began; MTTD and MTTR count from here. */
  startedAt: string;
  detectedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  mttdMs: number | null;
  mttrMs: number | null;
  /** P1 4 h, P2 8 h, P3 24 h; null for P4. */
  mttrTargetMs: number | null;
};

export type TimelineEntry = {
  id: number;
  at: string;
  /** opened, status, restart, escalated, alert, note, acknowledged, resolved, runbook, diagnosis, …: open-ended. */
  kind: string;
  /** "watchdog", "prober", or a person's email. */
  actor: string;
  message: string;
  details: unknown;
};
