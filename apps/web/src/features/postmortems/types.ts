import type { ActionItem, IncidentSeverity, PostmortemStatus, PostmortemSummary, PostmortemView, TimelineRow } from "@ops/contract";
import { num, record, str, strings, text } from "../../lib/parse.ts";

// The shapes the API answers with are in @ops/contract (shared with packages/core).
export type { ActionItem, Impact, PostmortemMetadata, PostmortemStatus, PostmortemSummary, TimelineRow } from "@ops/contract";
export type Postmortem = PostmortemView;

export const POSTMORTEM_STATUSES = ["draft", "in_review", "published"] as const satisfies readonly PostmortemStatus[];
export const INCIDENT_SEVERITIES = ["P1", "P2", "P3", "P4"] as const satisfies readonly IncidentSeverity[];

export const TRIGGERS = ["alert", "user_report", "monitoring", "deployment", "capacity_breach"] as const;
export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export const DORA_METRICS = ["deployment_frequency", "lead_time", "change_failure_rate", "mttr"] as const;
export type DoraMetric = (typeof DORA_METRICS)[number];

/** What `PATCH /api/postmortems/:id` takes besides the version; every field optional. */
export type PostmortemPatch = Partial<
  Pick<Postmortem, "title" | "summary" | "timeline" | "rootCause" | "mitigation" | "prevention" | "actionItems" | "metadata"> & {
    impact: { usersAffected: string };
  }
>;

export type PostmortemFilter = { status?: PostmortemStatus; incident?: number };

function isIncidentSeverity(v: unknown): v is IncidentSeverity {
  return typeof v === "string" && (INCIDENT_SEVERITIES as readonly string[]).includes(v);
}

export function isPostmortemStatus(v: unknown): v is PostmortemStatus {
  return typeof v === "string" && (POSTMORTEM_STATUSES as readonly string[]).includes(v);
}

export function normalizePostmortemSummary(raw: unknown): PostmortemSummary {
  const p = record(raw);
  const id = num(p.id) ?? 0;
  return {
    id,
    opsId: str(p.opsId) ?? `#${id}`,
    incidentId: num(p.incidentId),
    incidentKey: str(p.incidentKey) ?? (num(p.incidentId) != null ? `INC-${num(p.incidentId)}` : null),
    title: str(p.title) ?? "(untitled)",
    status: isPostmortemStatus(p.status) ? p.status : "draft",
    version: num(p.version) ?? 0,
    updatedBy: str(p.updatedBy) ?? "unknown",
    updatedAt: str(p.updatedAt) ?? new Date(0).toISOString(),
    publishedAt: str(p.publishedAt),
  };
}

function normalizeTimelineRow(raw: unknown): TimelineRow {
  const r = record(raw);
  return { at: text(r.at), event: text(r.event) };
}

function normalizeActionItem(raw: unknown, i: number): ActionItem {
  const a = record(raw);
  return { id: str(a.id) ?? `item-${i + 1}`, text: text(a.text), owner: text(a.owner), due: str(a.due), done: a.done === true };
}

/** Fills what a partial payload leaves out, so the editor and the views never crash on a missing field. */
export function normalizePostmortem(raw: unknown): Postmortem {
  const p = record(raw);
  const impact = record(p.impact);
  const meta = record(p.metadata);
  const summary = normalizePostmortemSummary(raw);
  return {
    ...summary,
    title: text(p.title),
    learningId: str(p.learningId),
    summary: text(p.summary),
    timeline: (Array.isArray(p.timeline) ? p.timeline : []).map(normalizeTimelineRow),
    usersAffected: typeof p.usersAffected === "string" ? p.usersAffected : text(impact.usersAffected),
    impact: {
      usersAffected: typeof impact.usersAffected === "string" ? impact.usersAffected : text(p.usersAffected),
      durationMinutes: num(impact.durationMinutes),
      errorBudgetPercent: num(impact.errorBudgetPercent),
      sloTarget: num(impact.sloTarget) ?? 99.9,
      budgetMinutes: num(impact.budgetMinutes) ?? 43.2,
      severity: isIncidentSeverity(impact.severity) ? impact.severity : null,
    },
    rootCause: text(p.rootCause),
    mitigation: text(p.mitigation),
    prevention: text(p.prevention),
    actionItems: (Array.isArray(p.actionItems) ? p.actionItems : []).map(normalizeActionItem),
    metadata: {
      trigger: text(meta.trigger),
      environment: text(meta.environment),
      servicesAffected: strings(meta.servicesAffected),
      relatedIncidents: strings(meta.relatedIncidents),
      doraImpact: strings(meta.doraImpact),
    },
    createdBy: str(p.createdBy) ?? "unknown",
    createdAt: str(p.createdAt) ?? summary.updatedAt,
    publishedBy: str(p.publishedBy),
  };
}
