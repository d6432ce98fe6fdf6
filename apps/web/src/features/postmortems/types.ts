export const POSTMORTEM_STATUSES = ["draft", "in_review", "published"] as const;
export type PostmortemStatus = (typeof POSTMORTEM_STATUSES)[number];

export const TRIGGERS = ["alert", "user_report", "monitoring", "deployment", "capacity_breach"] as const;
export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export const DORA_METRICS = ["deployment_frequency", "lead_time", "change_failure_rate", "mttr"] as const;
export type DoraMetric = (typeof DORA_METRICS)[number];

export type TimelineRow = { at: string; event: string };
export type ActionItem = { id: string; text: string; owner: string; due: string | null; done: boolean };

export type Impact = {
  usersAffected: string;
  durationMinutes: number | null;
  errorBudgetPercent: number | null;
  sloTarget: number;
  budgetMinutes: number;
  severity: string | null;
};

export type PostmortemMetadata = {
  trigger: string;
  environment: string;
  servicesAffected: string[];
  relatedIncidents: string[];
  doraImpact: string[];
};

export type Postmortem = {
  id: number;
  opsId: string;
  incidentId: number | null;
  incidentKey: string | null;
  learningId: string | null;
  title: string;
  status: PostmortemStatus;
  summary: string;
  timeline: TimelineRow[];
  impact: Impact;
  rootCause: string;
  mitigation: string;
  prevention: string;
  actionItems: ActionItem[];
  metadata: PostmortemMetadata;
  version: number;
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
};

export type PostmortemSummary = Pick<
  Postmortem,
  "id" | "opsId" | "incidentId" | "incidentKey" | "title" | "status" | "version" | "updatedBy" | "updatedAt" | "publishedAt"
>;

/** What `PATCH /api/postmortems/:id` takes besides the version; every field optional. */
export type PostmortemPatch = Partial<
  Pick<Postmortem, "title" | "summary" | "timeline" | "rootCause" | "mitigation" | "prevention" | "actionItems" | "metadata"> & {
    impact: { usersAffected: string };
  }
>;

export type PostmortemFilter = { status?: PostmortemStatus; incident?: number };

export function isPostmortemStatus(v: unknown): v is PostmortemStatus {
  return typeof v === "string" && (POSTMORTEM_STATUSES as readonly string[]).includes(v);
}

export const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
export const text = (v: unknown): string => (typeof v === "string" ? v : "");
export const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
export const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
export const record = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A payload we can show: it needs at least a numeric id. */
export function hasNumericId(v: unknown): v is { id: number } {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "number";
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
    impact: {
      usersAffected: text(impact.usersAffected),
      durationMinutes: num(impact.durationMinutes),
      errorBudgetPercent: num(impact.errorBudgetPercent),
      sloTarget: num(impact.sloTarget) ?? 99.9,
      budgetMinutes: num(impact.budgetMinutes) ?? 43.2,
      severity: str(impact.severity),
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
