/** The alert outbox (`GET /api/alerts`): one row per alert and channel. */
import { z } from "zod";

export const AlertStatus = z.enum(["pending", "sent", "failed", "suppressed"]);
export type AlertStatus = z.infer<typeof AlertStatus>;

export const AlertView = z
  .object({
    id: z.number().int(),
    at: z.string(),
    target: z.string(),
    kind: z.string().describe("down, escalated, runbook, …: open-ended"),
    level: z.string(),
    channel: z.string(),
    status: AlertStatus,
    title: z.string(),
    message: z.string(),
    incidentId: z.number().int().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    /**
     * A follow-up names the alert it updates (the id of that alert's first row): sent inside the cooldown
     * because it said something new (a diagnosis, another level, a new state). Null for a first alert.
     */
    followsId: z.number().int().nullable().describe("the alert this one updates (sent inside the cooldown because it says something new)"),
  })
  .meta({ id: "Alert" });
export type AlertView = z.infer<typeof AlertView>;

export const AlertListQuery = z.object({
  target: z.string().max(63).optional(),
  status: AlertStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type AlertListQuery = z.infer<typeof AlertListQuery>;

export const AlertList = z.object({ alerts: z.array(AlertView) });
export type AlertList = z.infer<typeof AlertList>;

/** The answer of POST /api/alerts/:id/retry. */
export const AlertAnswer = z.object({ alert: AlertView });
export type AlertAnswer = z.infer<typeof AlertAnswer>;
