import type {
  KeyValue,
  LearningArea,
  LearningCategory,
  LearningStatus,
  LearningSummary,
  LearningType,
  LearningView,
  PatternView,
  Priority,
  PromotionKind,
  PromotionView,
} from "@ops/contract";
import { num, record, str, strings, text } from "../../lib/parse.ts";

// The shapes the API answers with are in @ops/contract (shared with packages/core).
export type { KeyValue, LearningArea, LearningCategory, LearningStatus, LearningSummary, LearningType, Priority, PromotionKind } from "@ops/contract";
export type Learning = LearningView;
export type Pattern = PatternView;
export type Promotion = PromotionView;

export const LEARNING_TYPES = ["LRN", "OPS", "FEAT"] as const satisfies readonly LearningType[];

export const LEARNING_STATUSES = ["pending", "in_progress", "resolved", "wont_fix", "promoted", "promoted_to_skill"] as const satisfies readonly LearningStatus[];

export const PRIORITIES = ["low", "medium", "high", "critical"] as const satisfies readonly Priority[];

/**
 * The areas and the LRN categories the API accepts. @ops/domain declares them and the web cannot import it at
 * run time, so these repeat its lists: the contract's types check each value, types.test.ts that they are the domain's.
 */
export const LEARNING_AREAS = ["incident_management", "change_management", "capacity_planning", "automation", "monitoring", "runbooks", "on_call"] as const satisfies readonly LearningArea[];
export const LEARNING_CATEGORIES = ["process_bottleneck", "incident_pattern", "capacity_issue", "automation_gap", "sla_breach", "toil_accumulation"] as const satisfies readonly LearningCategory[];

export const PROMOTE_TARGETS = ["runbook", "postmortem", "automation", "capacity", "handoff", "slo"] as const;
export type PromoteTarget = (typeof PROMOTE_TARGETS)[number];

export const PROMOTION_KINDS = ["runbook-draft", "postmortem", "automation", "capacity", "handoff", "slo"] as const satisfies readonly PromotionKind[];

export const IMPORT_KINDS = ["learnings", "operations-issues", "feature-requests"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type LearningFilter = {
  q?: string;
  type?: LearningType;
  status?: LearningStatus;
  priority?: Priority;
  area?: string;
  category?: string;
  incident?: number;
};

/** `POST /api/learnings`: an LRN entry's heading is its category, an OPS or FEAT entry's is a name. */
export type NewLearning = { type: LearningType; heading: string; priority: Priority; area: string; summary: string; details?: string };

export type LearningPatch = { status?: LearningStatus; priority?: Priority; area?: string; summary?: string; details?: string; suggestedAction?: string };

export type ImportResult = { created: string[]; updated: string[]; skipped: string[] };
export type ImportIssue = { line: number; id: string | null; message: string };

const oneOf =
  <T extends string>(values: readonly T[], fallback: T) =>
  (v: unknown): T =>
    typeof v === "string" && (values as readonly string[]).includes(v) ? (v as T) : fallback;

export const asLearningType = oneOf(LEARNING_TYPES, "LRN");
export const asLearningStatus = oneOf(LEARNING_STATUSES, "pending");
export const asPriority = oneOf(PRIORITIES, "medium");
export const asPromotionKind = oneOf(PROMOTION_KINDS, "automation");

export function isOneOf<T extends string>(values: readonly T[], v: unknown): v is T {
  return typeof v === "string" && (values as readonly string[]).includes(v);
}

/** A payload we can show as a learning: it needs at least a string id. */
export function hasStringId(v: unknown): v is { id: string } {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string" && (v as { id: string }).id !== "";
}

function keyValues(v: unknown): KeyValue[] {
  return (Array.isArray(v) ? v : []).map(record).map((kv) => ({ key: text(kv.key), value: text(kv.value) })).filter((kv) => kv.key !== "");
}

export function normalizeLearningSummary(raw: unknown): LearningSummary {
  const l = record(raw);
  const promoted = record(l.promotedTo);
  const promotedId = num(promoted.id);
  return {
    id: text(l.id),
    type: asLearningType(l.type),
    heading: str(l.heading) ?? "(no heading)",
    priority: asPriority(l.priority),
    status: asLearningStatus(l.status),
    area: text(l.area),
    category: str(l.category),
    severity: str(l.severity),
    summary: text(l.summary),
    patternKey: str(l.patternKey),
    recurrenceCount: num(l.recurrenceCount) ?? 1,
    firstSeen: str(l.firstSeen),
    lastSeen: str(l.lastSeen),
    seeAlso: strings(l.seeAlso),
    loggedAt: str(l.loggedAt) ?? new Date(0).toISOString(),
    source: text(l.source),
    promotedTo: promotedId != null ? { kind: text(promoted.kind), id: promotedId, title: text(promoted.title) } : null,
    incidentIds: (Array.isArray(l.incidentIds) ? l.incidentIds : []).filter((x): x is number => typeof x === "number"),
    version: num(l.version) ?? 0,
    updatedAt: str(l.updatedAt) ?? str(l.loggedAt) ?? new Date(0).toISOString(),
  };
}

export function normalizeLearning(raw: unknown): Learning {
  const l = record(raw);
  return {
    ...normalizeLearningSummary(raw),
    sections: (Array.isArray(l.sections) ? l.sections : []).map(record).map((s) => ({ title: text(s.title), body: text(s.body) })),
    fields: keyValues(l.fields),
    metadata: keyValues(l.metadata),
    evidence: l.evidence ?? null,
    markdown: text(l.markdown),
  };
}

export function normalizePattern(raw: unknown): Pattern {
  const p = record(raw);
  return {
    patternKey: text(p.patternKey),
    learningId: text(p.learningId),
    heading: text(p.heading),
    type: asLearningType(p.type),
    recurrenceCount: num(p.recurrenceCount) ?? 1,
    firstSeen: str(p.firstSeen),
    lastSeen: str(p.lastSeen),
    priority: asPriority(p.priority),
    status: asLearningStatus(p.status),
  };
}

export function normalizePromotion(raw: unknown): Promotion {
  const p = record(raw);
  return {
    id: num(p.id) ?? 0,
    kind: asPromotionKind(p.kind),
    learningId: text(p.learningId),
    title: str(p.title) ?? "(untitled)",
    body: text(p.body),
    payload: p.payload ?? null,
    done: p.done === true,
    createdBy: str(p.createdBy) ?? "unknown",
    createdAt: str(p.createdAt) ?? new Date(0).toISOString(),
    postmortemId: num(p.postmortemId),
  };
}

export function normalizeImportResult(raw: unknown): ImportResult {
  const r = record(raw);
  return { created: strings(r.created), updated: strings(r.updated), skipped: strings(r.skipped) };
}
