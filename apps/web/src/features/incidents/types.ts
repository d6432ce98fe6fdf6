import type { IncidentStatus, IncidentView, Severity, TimelineEntry as ApiTimelineEntry } from "@ops/contract";

export type { IncidentStatus, Severity };
export const SEVERITIES = ["P1", "P2", "P3", "P4"] as const satisfies readonly Severity[];
export const INCIDENT_STATUSES = ["open", "acknowledged", "mitigated", "resolved"] as const satisfies readonly IncidentStatus[];

export const TIMELINE_KINDS = ["opened", "status", "restart", "escalated", "alert", "note", "acknowledged", "resolved", "reopened"] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export type Incident = IncidentView;

/** A kind this build does not know is kept as a string and shown plainly. */
export type TimelineEntry = Omit<ApiTimelineEntry, "kind" | "details"> & { kind: TimelineKind | (string & {}); details: Record<string, unknown> | null };

export type IncidentDetail = { incident: Incident; timeline: TimelineEntry[] };

export type StatusFilter = "open" | "resolved" | "all";

export type IncidentFilter = { status: StatusFilter; target?: string };

export type NewIncident = { title: string; severity: Severity; targets?: string[]; summary?: string };

export function isSeverity(v: unknown): v is Severity {
  return typeof v === "string" && (SEVERITIES as readonly string[]).includes(v);
}

export function isIncidentStatus(v: unknown): v is IncidentStatus {
  return typeof v === "string" && (INCIDENT_STATUSES as readonly string[]).includes(v);
}

export function isStatusFilter(v: unknown): v is StatusFilter {
  return v === "open" || v === "resolved" || v === "all";
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A payload we can show as an incident: it needs at least a numeric id. */
export function isIncidentLike(v: unknown): v is Incident {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "number";
}

/** Fills what an older or partial payload leaves out, so the views never crash on a missing field. */
export function normalizeIncident(raw: Incident): Incident {
  const i = raw as Partial<Record<keyof Incident, unknown>> & { id: number };
  const detectedAt = str(i.detectedAt) ?? str(i.startedAt) ?? new Date(0).toISOString();
  return {
    id: i.id,
    key: str(i.key) ?? `INC-${i.id}`,
    title: str(i.title) ?? "(untitled)",
    severity: isSeverity(i.severity) ? i.severity : "P4",
    status: isIncidentStatus(i.status) ? i.status : "open",
    source: i.source === "ladder" ? "ladder" : "manual",
    targets: Array.isArray(i.targets) ? i.targets.filter((t): t is string => typeof t === "string") : [],
    summary: str(i.summary),
    startedAt: str(i.startedAt) ?? detectedAt,
    detectedAt,
    acknowledgedAt: str(i.acknowledgedAt),
    acknowledgedBy: str(i.acknowledgedBy),
    resolvedAt: str(i.resolvedAt),
    resolvedBy: str(i.resolvedBy),
    mttdMs: num(i.mttdMs),
    mttrMs: num(i.mttrMs),
    mttrTargetMs: num(i.mttrTargetMs),
  };
}

export function normalizeEntry(raw: unknown): TimelineEntry | null {
  if (typeof raw !== "object" || raw === null) return null;
  const e = raw as Record<string, unknown>;
  if (typeof e.id !== "number" || typeof e.at !== "string") return null;
  const details = e.details;
  return {
    id: e.id,
    at: e.at,
    kind: str(e.kind) ?? "note",
    actor: str(e.actor) ?? "system",
    message: typeof e.message === "string" ? e.message : "",
    details: typeof details === "object" && details !== null && !Array.isArray(details) ? (details as Record<string, unknown>) : null,
  };
}
