/** The alert outbox (`GET /api/alerts`): one row per alert and channel. */

export type AlertStatus = "pending" | "sent" | "failed" | "suppressed";

export type AlertView = {
  id: number;
  at: string;
  target: string;
  /** down, escalated, runbook, …: open-ended. */
  kind: string;
  level: string;
  channel: string;
  status: AlertStatus;
  title: string;
  message: string;
  incidentId: number | null;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  /**
   * A follow-up names the alert it updates (the id of that alert's first row): sent inside the cooldown
   * because it said something new (a diagnosis, another level, a new state). Null for a first alert.
   */
  followsId: number | null;
};
