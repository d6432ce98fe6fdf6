import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../lib/api.ts";
import { formatDate } from "../../lib/format.ts";
import type { ServerFrame } from "@ops/contract";
import { LEARNING_CATEGORIES, LEARNING_FILE_KINDS, LEARNING_STATUSES, LEARNING_TYPES, PRIORITIES } from "@ops/contract";
import type {
  LearningCategory,
  LearningFileKind,
  LearningImportResult,
  LearningStatus,
  LearningSummary,
  LearningType,
  NewLearningBody,
  Priority,
  PromotionKind,
  PromotionTarget,
  PromotionView,
} from "@ops/contract";
import { upsertListItem } from "../../lib/lists.ts";
import { num, record, str } from "../../lib/parse.ts";

export const PAGE_SIZE = 50;

/** The list page's filters, as its URL holds them (an area or category the dashboard does not know is kept). */
export type LearningFilter = {
  q?: string;
  type?: LearningType;
  status?: LearningStatus;
  priority?: Priority;
  area?: string;
  category?: string;
  incident?: number;
};

/** One problem of a refused import, as the API's error lists it. */
export type ImportIssue = { line: number; id: string | null; message: string };

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === "string" && (values as readonly string[]).includes(v);
}

const oneOf =
  <T extends string>(values: readonly T[], fallback: T) =>
  (v: unknown): T =>
    isOneOf(values, v) ? v : fallback;

/** A select's value as the type it offers (the selects offer only these). */
export const asLearningType = oneOf(LEARNING_TYPES, "LRN");
export const asLearningStatus = oneOf(LEARNING_STATUSES, "pending");
export const asPriority = oneOf(PRIORITIES, "medium");

// ---------------------------------------------------------------------------------------------------------
// Words

export const TYPE_LABEL: Record<LearningType, string> = { LRN: "Learning", OPS: "Operations issue", FEAT: "Feature request" };

export const STATUS_LABEL: Record<LearningStatus, string> = {
  pending: "Pending",
  in_progress: "In progress",
  resolved: "Resolved",
  wont_fix: "Won't fix",
  promoted: "Promoted",
  promoted_to_skill: "Promoted to skill",
};

export const PRIORITY_LABEL: Record<Priority, string> = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };

export const CATEGORY_LABEL: Record<LearningCategory, string> = {
  process_bottleneck: "Process bottleneck",
  incident_pattern: "Incident pattern",
  capacity_issue: "Capacity issue",
  automation_gap: "Automation gap",
  sla_breach: "SLA breach",
  toil_accumulation: "Toil accumulation",
};

/** A category as people read it; one the dashboard does not know is shown as its words. */
export function categoryLabel(value: string): string {
  return isOneOf(LEARNING_CATEGORIES, value) ? CATEGORY_LABEL[value] : words(value);
}

export const PROMOTE_LABEL: Record<PromotionTarget, string> = {
  runbook: "Runbook draft",
  postmortem: "Postmortem",
  automation: "Automation backlog",
  capacity: "Capacity note",
  handoff: "On-call handoff checklist",
  slo: "SLO definition",
};

export const PROMOTION_KIND_LABEL: Record<PromotionKind, string> = {
  "runbook-draft": "Runbook draft",
  postmortem: "Postmortem",
  automation: "Automation backlog",
  capacity: "Capacity note",
  handoff: "On-call handoff checklist",
  slo: "SLO definition",
};

export const IMPORT_KIND_LABEL: Record<LearningFileKind, string> = {
  learnings: "Learnings (LEARNINGS.md)",
  "operations-issues": "Operations issues (OPERATIONS_ISSUES.md)",
  "feature-requests": "Feature requests (FEATURE_REQUESTS.md)",
};

const IMPORT_FILE: Record<string, LearningFileKind> = {
  "learnings.md": "learnings",
  "operations_issues.md": "operations-issues",
  "operations-issues.md": "operations-issues",
  "errors.md": "operations-issues",
  "feature_requests.md": "feature-requests",
  "feature-requests.md": "feature-requests",
};

/** The kind a file's name says it is (LEARNINGS.md, OPERATIONS_ISSUES.md, FEATURE_REQUESTS.md), or null. */
export function importKindOfFile(name: string): LearningFileKind | null {
  const base = name.split(/[\\/]/).pop()?.toLowerCase() ?? "";
  return IMPORT_FILE[base] ?? null;
}

/** "incident_management" → "incident management". */
export function words(value: string): string {
  return value.replace(/_/g, " ");
}

/** First/Last-Seen (a day as written, "2026-11-23") or when it was logged (a timestamp), in one form: "today", "4 Dec". */
export function seenText(value: string | null | undefined, now: number): string {
  return formatDate(value, now);
}

/**
 * What people read as an entry's name: its own title (the postmortem's, for the OPS entry publishing it wrote), an LRN
 * entry's category in words ("Incident pattern"), a code-like heading in words ("Charlie down connection refused").
 */
export function learningTitle(l: Pick<LearningSummary, "type" | "heading" | "title">): string {
  if (l.title?.trim()) return l.title;
  if (l.type === "LRN") return categoryLabel(l.heading);
  if (!/^[a-z0-9]+(_[a-z0-9]+)+$/.test(l.heading)) return l.heading;
  const w = words(l.heading);
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** "×3" for a recurring entry, "" for one seen once. */
export function recurrenceText(count: number): string {
  return count > 1 ? `×${count}` : "";
}

/** "3 created, 1 skipped": created always, updated and skipped when there are any. */
export function importResultText(r: LearningImportResult): string {
  const parts = [`${r.created.length} created`];
  if (r.updated.length) parts.push(`${r.updated.length} updated`);
  if (r.skipped.length) parts.push(`${r.skipped.length} skipped`);
  return parts.join(", ");
}

/** "line 12 (LRN-20261123-001): missing **Priority**". */
export function importIssueText(issue: ImportIssue): string {
  return `line ${issue.line}${issue.id ? ` (${issue.id})` : ""}: ${issue.message}`;
}

/** The problems a rejected import lists (400 with `issues`); empty for other errors. */
export function importIssues(error: unknown): ImportIssue[] {
  if (!(error instanceof ApiError)) return [];
  const issues = record(error.body).issues;
  if (!Array.isArray(issues)) return [];
  return issues.map(record).map((i) => ({ line: num(i.line) ?? 0, id: str(i.id), message: typeof i.message === "string" ? i.message : "invalid" }));
}

/** Where a promotion leads: the postmortem it became, or the promotion's own page. */
export function promotionTarget(p: Pick<PromotionView, "id" | "kind" | "postmortemId">): string {
  return p.kind === "postmortem" && p.postmortemId != null ? `/postmortems/${p.postmortemId}` : `/promotions/${p.id}`;
}

/** The runbook id a runbook draft's payload carries, for "save it as config/runbooks/<id>.json". */
export function runbookDraftId(payload: unknown): string {
  const id = record(payload).id;
  return typeof id === "string" && id ? id : "<id>";
}

/** "Disk full" → "disk-full"; the same title twice gets "-2". */
export function slugs(titles: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return titles.map((t) => {
    const base =
      t
        .toLowerCase()
        .normalize("NFKD")
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "") || "section";
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}

/** Evidence as people read it: pretty JSON, or the text itself. */
export function evidenceText(evidence: unknown): string | null {
  if (evidence == null || evidence === "") return null;
  if (typeof evidence === "string") return evidence;
  // It came as JSON, so it goes back to JSON.
  return JSON.stringify(evidence, null, 2);
}

// ---------------------------------------------------------------------------------------------------------
// Filters and the query string

/** The filter in the list page's URL; unknown values are dropped. */
export function learningFilterFromSearch(search: string | URLSearchParams): LearningFilter {
  const q = typeof search === "string" ? new URLSearchParams(search) : search;
  const f: LearningFilter = {};
  const s = (k: string) => q.get(k)?.trim() || undefined;
  if (s("q")) f.q = s("q");
  const type = s("type");
  if (isOneOf(LEARNING_TYPES, type)) f.type = type;
  const status = s("status");
  if (isOneOf(LEARNING_STATUSES, status)) f.status = status;
  const priority = s("priority");
  if (isOneOf(PRIORITIES, priority)) f.priority = priority;
  if (s("area")) f.area = s("area");
  if (s("category")) f.category = s("category");
  const inc = s("incident") ?? "";
  if (/^\d{1,15}$/.test(inc)) f.incident = Number(inc);
  return f;
}

/** `GET /api/learnings?…`: the filter, the page size and the cursor; empty filters stay out. */
export function learningsQuery(filter: LearningFilter, before?: string, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  for (const k of ["q", "type", "status", "priority", "area", "category"] as const) {
    const v = filter[k]?.trim();
    if (v) q.set(k, v);
  }
  if (filter.incident != null) q.set("incident", String(filter.incident));
  q.set("limit", String(limit));
  if (before !== undefined) q.set("before", before);
  return q.toString();
}

export function isFiltered(filter: LearningFilter): boolean {
  return Object.values(filter).some((v) => v !== undefined && v !== "");
}

/** Whether a learning belongs in a list with this filter, as far as the dashboard can tell (not the search). */
export function matchesLearningFilter(l: LearningSummary, filter: LearningFilter): boolean {
  if (filter.type && l.type !== filter.type) return false;
  if (filter.status && l.status !== filter.status) return false;
  if (filter.priority && l.priority !== filter.priority) return false;
  if (filter.area && l.area !== filter.area) return false;
  if (filter.category && l.category !== filter.category) return false;
  if (filter.incident != null && !l.incidentIds.includes(filter.incident)) return false;
  return true;
}

/**
 * A cached list after a `learning.updated` frame: replaced in place or dropped. Null when the learning
 * is not in the list but may belong there (the list's order and search are the API's): fetch it again.
 */
export function upsertLearning(list: readonly LearningSummary[], l: LearningSummary, filter: LearningFilter): LearningSummary[] | null {
  return upsertListItem(list, l, matchesLearningFilter(l, filter));
}

export type LearningPage = { learnings: LearningSummary[]; next: string | undefined };

/** The `before` cursor for the next page; none once a page comes back short. */
export function nextBefore(page: readonly LearningSummary[], limit = PAGE_SIZE): string | undefined {
  return page.length < limit ? undefined : page[page.length - 1]?.id;
}

/** Pages flattened, without the duplicates a race between a fetch and a push could leave. */
export function flattenLearningPages(pages: readonly LearningPage[] | undefined): LearningSummary[] {
  const seen = new Set<string>();
  const out: LearningSummary[] = [];
  for (const l of (pages ?? []).flatMap((p) => p.learnings)) {
    if (seen.has(l.id)) continue;
    seen.add(l.id);
    out.push(l);
  }
  return out;
}

/** The summary in a `learning.updated` frame (the API sends the contract's LearningSummary); null for other frames. */
export function learningFromFrame(frame: ServerFrame): LearningSummary | null {
  return frame.type === "learning.updated" ? frame.learning : null;
}

/** The values a filter offers: the known ones, and the selected one even when it is not known. */
export function withSelected(known: readonly string[], selected?: string): string[] {
  return selected && !known.includes(selected) ? [...known, selected] : [...known];
}

export function importKindOf(v: string): LearningFileKind {
  return isOneOf(LEARNING_FILE_KINDS, v) ? v : "learnings";
}

// ---------------------------------------------------------------------------------------------------------
// The new-entry form

/** The form keeps an LRN entry's category apart from an OPS or FEAT entry's name, so changing the type loses neither. */
export type NewLearningDraft = Omit<NewLearningBody, "heading"> & { category: LearningCategory | ""; name: string };

export const EMPTY_NEW_LEARNING: NewLearningDraft = {
  type: "LRN",
  category: "",
  name: "",
  priority: "medium",
  area: "incident_management",
  summary: "",
  details: "",
};

/** The body's fields, which the API names in a 400. */
const NEW_LEARNING_FIELDS = ["type", "heading", "priority", "area", "summary", "details"] as const;
export type NewLearningError = { field: (typeof NEW_LEARNING_FIELDS)[number] | null; message: string };

/** The body to send: the heading is the category (LRN) or the name (OPS, FEAT); empty details stay out. */
export function newLearningBody(d: NewLearningDraft): NewLearningBody {
  const details = d.details?.trim();
  const heading = d.type === "LRN" ? d.category : d.name.trim();
  return { type: d.type, heading, priority: d.priority, area: d.area, summary: d.summary.trim(), ...(details ? { details } : {}) };
}

/** What the form can tell before asking the API (a blank of spaces passes the inputs' `required`). */
export function validateNewLearning(body: NewLearningBody): NewLearningError | null {
  if (body.type === "LRN" && !isOneOf(LEARNING_CATEGORIES, body.heading)) return { field: "heading", message: "Choose a category." };
  if (body.heading === "") return { field: "heading", message: "Give it a name." };
  if (body.summary === "") return { field: "summary", message: "Write a one-line summary." };
  return null;
}

/** Where a failed create shows: next to the field the API names, else above the buttons. */
export function newLearningError(error: unknown): NewLearningError {
  if (error instanceof ApiError && !error.isForbidden && isOneOf(NEW_LEARNING_FIELDS, error.field))
    return { field: error.field, message: fieldErrorMessage(error) };
  return { field: null, message: actionErrorMessage(error, "log learnings") };
}
