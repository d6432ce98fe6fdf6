/** Incidents and their timelines (`/api/incidents`). */
import { z } from "zod";
import { IdText } from "./common.ts";

export const SEVERITIES = ["P1", "P2", "P3", "P4"] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export const INCIDENT_STATUSES = ["open", "acknowledged", "mitigated", "resolved"] as const;
export const IncidentStatus = z.enum(INCIDENT_STATUSES);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const IncidentView = z
  .object({
    id: z.number().int(),
    key: z.string().describe('"INC-42"'),
    title: z.string(),
    severity: Severity,
    status: IncidentStatus,
    source: z.enum(["ladder", "manual"]),
    targets: z.array(z.string()),
    summary: z.string().nullable(),
    startedAt: z.string().describe("when the failure began; MTTD and MTTR count from here"),
    detectedAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    mttdMs: z.number().nullable(),
    mttrMs: z.number().nullable(),
    mttrTargetMs: z.number().nullable().describe("P1 4 h, P2 8 h, P3 24 h; null for P4"),
  })
  .meta({ id: "Incident" });
export type IncidentView = z.infer<typeof IncidentView>;

export const TimelineEntry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.string().describe("opened, status, restart, escalated, alert, note, acknowledged, resolved, runbook, diagnosis, …: open-ended"),
    actor: z.string().describe('"watchdog", "prober", or a person\'s email'),
    message: z.string(),
    details: z.unknown(),
  })
  .meta({ id: "IncidentTimelineEntry" });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** Which incidents a list shows. */
export const IncidentStatusFilter = z.enum(["open", "resolved", "all"]);
export type IncidentStatusFilter = z.infer<typeof IncidentStatusFilter>;

export const IncidentListQuery = z.object({
  status: IncidentStatusFilter.default("open"),
  target: z.string().max(63).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: IdText.optional(),
});
export type IncidentListQuery = z.infer<typeof IncidentListQuery>;

export const IncidentList = z.object({ incidents: z.array(IncidentView) });
export type IncidentList = z.infer<typeof IncidentList>;

/** GET /api/incidents/:id: the incident and its timeline, oldest entry first. */
export const IncidentDetail = z.object({ incident: IncidentView, timeline: z.array(TimelineEntry) });
export type IncidentDetail = z.infer<typeof IncidentDetail>;

/** The answer of opening, acknowledging and resolving. */
export const IncidentAnswer = z.object({ incident: IncidentView });
export type IncidentAnswer = z.infer<typeof IncidentAnswer>;

/** POST /api/incidents: open an incident by hand. */
export const OpenIncidentBody = z.object({
  title: z.string().trim().min(1).max(200),
  severity: Severity,
  targets: z.array(z.string().min(1).max(63)).max(50).optional(),
  summary: z.string().max(4000).optional(),
});
export type OpenIncidentBody = z.infer<typeof OpenIncidentBody>;

export const IncidentNoteBody = z.object({ message: z.string().trim().min(1).max(4000) });
export type IncidentNoteBody = z.infer<typeof IncidentNoteBody>;

/** The answer of adding a note: the new timeline entry. */
export const IncidentNoteAnswer = z.object({ entry: TimelineEntry });
export type IncidentNoteAnswer = z.infer<typeof IncidentNoteAnswer>;

export const ResolveIncidentBody = z.object({ summary: z.string().max(4000).optional() }).default({});
export type ResolveIncidentBody = z.infer<typeof ResolveIncidentBody>;
