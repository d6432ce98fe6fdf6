import { PROMOTION_TARGETS, type LearningSummary, type PromotionTarget } from "@ops/contract";
import {
  LEARNING_CATEGORIES,
  LEARNING_STATUSES,
  PRIORITIES,
  field,
  metadata,
  normalizeDoc,
  section,
  withField,
  withMetadata,
  withSection,
  type LearningArea,
  type LearningDoc,
  type LearningStatus,
  type LearningType,
  type Priority,
} from "./learnings-markdown.ts";
import { scrubText } from "./redact.ts";

/**
 * The learnings record (seed 1): LRN, OPS and FEAT entries. The markdown document is the entry (lossless
 * import/export); these rules read and change it: ids, recurrence, priority, promotion.
 */

// The types, categories, areas, priorities and statuses are the format's, declared in learnings-markdown.ts.
export type { Priority } from "./learnings-markdown.ts";
// What a learning can be promoted to is the contract's list (the API takes it as `to`).
export { PROMOTION_TARGETS, type PromotionTarget };

/** Statuses after which a recurrence is a new entry that points back (See Also), not more of the old one. */
export const CLOSED_STATUSES: readonly LearningStatus[] = ["resolved", "wont_fix", "promoted", "promoted_to_skill"];

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** `TYPE-YYYYMMDD-XXX`: the day in UTC and a three-digit sequence of that type and day. */
export function learningId(type: LearningType, at: number, seq: number): string {
  const d = new Date(at);
  if (!Number.isInteger(seq) || seq < 1 || seq > 999) throw new RangeError(`sequence ${seq} is outside 1–999`);
  return `${type}-${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(seq, 3)}`;
}

/** The next free sequence number given the ids that exist for that type and day (001 if none). */
export function nextSequence(existing: readonly string[]): number {
  const used = existing
    .map((id) => /-(\d{3})$/.exec(id)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);
  return used.length ? Math.max(...used) + 1 : 1;
}

const RANK: Record<Priority, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const maxPriority = (a: Priority, b: Priority): Priority => (RANK[a] >= RANK[b] ? a : b);

/** The seed: "same incident 3rd time in 30 days" is high; a pattern never loses priority by recurring. */
export function priorityForRecurrence(current: Priority, count: number): Priority {
  return count >= 3 ? maxPriority(current, "high") : current;
}

export const asPriority = (v: string | null): Priority => ((PRIORITIES as readonly string[]).includes(v ?? "") ? (v as Priority) : "medium");
export const asStatus = (v: string | null): LearningStatus => ((LEARNING_STATUSES as readonly string[]).includes(v ?? "") ? (v as LearningStatus) : "pending");

/** The columns the API's learning summary carries that come from the document itself (`loggedAt` as written). */
export type LearningColumns = Pick<
  LearningSummary,
  | "type"
  | "heading"
  | "priority"
  | "status"
  | "area"
  | "category"
  | "severity"
  | "summary"
  | "patternKey"
  | "recurrenceCount"
  | "firstSeen"
  | "lastSeen"
  | "seeAlso"
> & { loggedAt: string | null };

/** What the store keeps in columns (for filters and search), read from the document. */
export function columnsOf(doc: LearningDoc): LearningColumns {
  const meta = new Map(metadata(doc).map((m) => [m.key.toLowerCase(), m.value]));
  const count = Number(meta.get("recurrence-count") ?? "1");
  const summaryTitle = doc.type === "FEAT" ? "Requested Capability" : "Summary";
  return {
    type: doc.type,
    heading: doc.heading,
    priority: asPriority(field(doc, "Priority")),
    status: asStatus(field(doc, "Status")),
    area: field(doc, "Area") ?? "",
    category: doc.type === "LRN" && (LEARNING_CATEGORIES as readonly string[]).includes(doc.heading) ? doc.heading : null,
    severity: field(doc, "Severity"),
    summary: (section(doc, summaryTitle) ?? "").split("\n")[0]!.slice(0, 500),
    patternKey: meta.get("pattern-key")?.trim() || null,
    recurrenceCount: Number.isInteger(count) && count > 0 ? count : 1,
    firstSeen: meta.get("first-seen")?.trim() || null,
    lastSeen: meta.get("last-seen")?.trim() || null,
    seeAlso: (meta.get("see also") ?? "")
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter((s) => /^(LRN|OPS|FEAT)-\d{8}-[A-Z0-9]{3}$/.test(s)),
    loggedAt: field(doc, "Logged"),
  };
}

/**
 * Every text of a document scrubbed (no secret, address of a person or inside host is stored or exported),
 * in the form its export reads back as (normalizeDoc), so what is stored is what a round trip gives.
 */
export function scrubDoc(doc: LearningDoc): LearningDoc {
  return normalizeDoc({
    ...doc,
    heading: scrubText(doc.heading),
    fields: doc.fields.map((f) => ({ key: f.key, value: scrubText(f.value) })),
    sections: doc.sections.map((s) => ({ title: s.title, body: scrubText(s.body) })),
  });
}

// ---------------------------------------------------------------------------------------------------------
// Findings: what a detection trigger saw, with its evidence.

export type Occurrence = { id: string; at: number };

export type DetectionFinding = {
  /** The detector that saw it, e.g. `incident-recurrence`. */
  detector: string;
  patternKey: string;
  type: LearningType;
  heading: string;
  area: LearningArea;
  priority: Priority;
  severity?: string | undefined;
  summary: string;
  details: string;
  suggestedAction: string;
  /** Each occurrence once: recurrence counts are unions of occurrence ids, so repeating a detection changes nothing. */
  occurrences: Occurrence[];
  service?: string | undefined;
  facts: Record<string, unknown>;
};

export type Evidence = { detector: string; occurrences: Occurrence[]; facts: Record<string, unknown> };

function occurrenceTable(occ: readonly Occurrence[]): string {
  const rows = [...occ].sort((a, b) => a.at - b.at).map((o) => `| ${new Date(o.at).toISOString().slice(0, 16).replace("T", " ")} | ${o.id} |`);
  return ["| Time (UTC) | Event |", "|---|---|", ...rows].join("\n");
}

/** A new entry for a finding, logged now. `seeAlso` links an earlier, closed entry of the same pattern. */
export function docForFinding(id: string, f: DetectionFinding, now: number, seeAlso: string[] = [], carriedCount = 0): LearningDoc {
  const times = f.occurrences.map((o) => o.at);
  const count = carriedCount + f.occurrences.length;
  let doc: LearningDoc = { id, type: f.type, heading: f.heading, fields: [], sections: [] };
  doc = withField(doc, "Logged", new Date(now).toISOString());
  doc = withField(doc, "Priority", priorityForRecurrence(f.priority, count));
  doc = withField(doc, "Status", "pending");
  if (f.type === "OPS" && f.severity) doc = withField(doc, "Severity", f.severity);
  doc = withField(doc, "Area", f.area);
  if (f.type === "FEAT") {
    doc = withSection(doc, "Requested Capability", f.summary);
    doc = withSection(doc, "User Context", f.details);
  } else {
    doc = withSection(doc, "Summary", f.summary);
    if (f.type === "OPS") {
      doc = withSection(doc, "Timeline", occurrenceTable(f.occurrences));
      doc = withSection(doc, "Root Cause", f.details);
      doc = withSection(doc, "Prevention", f.suggestedAction);
    } else {
      doc = withSection(doc, "Details", f.details);
      doc = withSection(doc, "Suggested Action", f.suggestedAction);
    }
  }
  doc = withMetadata(doc, f.type === "OPS" ? "Trigger" : "Source", f.type === "OPS" ? "monitoring" : "monitoring");
  doc = withMetadata(doc, "Environment", "production");
  if (f.service) doc = withMetadata(doc, f.type === "OPS" ? "Services Affected" : "Service", f.service);
  if (seeAlso.length) doc = withMetadata(doc, "See Also", seeAlso.join(", "));
  doc = withMetadata(doc, "Pattern-Key", f.patternKey);
  doc = withMetadata(doc, "Recurrence-Count", String(count));
  doc = withMetadata(doc, "First-Seen", dayOf(Math.min(...times)));
  doc = withMetadata(doc, "Last-Seen", dayOf(Math.max(...times)));
  doc = withMetadata(doc, "Skill", "operations");
  return scrubDoc(doc);
}

/**
 * A finding for a pattern an open entry already has: add the occurrences it has not seen, update
 * Recurrence-Count and Last-Seen, bump the priority at 3+. Returns null when nothing is new.
 */
export function applyFinding(doc: LearningDoc, evidence: Evidence | null, f: DetectionFinding): { doc: LearningDoc; evidence: Evidence } | null {
  const known = new Set((evidence?.occurrences ?? []).map((o) => o.id));
  const fresh = f.occurrences.filter((o) => !known.has(o.id));
  if (fresh.length === 0) return null;
  const cols = columnsOf(doc);
  const all = [...(evidence?.occurrences ?? []), ...fresh];
  const newCount = cols.recurrenceCount + fresh.length;
  const times = all.map((o) => o.at);
  let next = withMetadata(doc, "Recurrence-Count", String(newCount));
  const firstSeen = cols.firstSeen && cols.firstSeen < dayOf(Math.min(...times)) ? cols.firstSeen : dayOf(Math.min(...times));
  const lastSeen = cols.lastSeen && cols.lastSeen > dayOf(Math.max(...times)) ? cols.lastSeen : dayOf(Math.max(...times));
  next = withMetadata(next, "First-Seen", firstSeen);
  next = withMetadata(next, "Last-Seen", lastSeen);
  next = withField(next, "Priority", priorityForRecurrence(cols.priority, newCount));
  if (f.type === "OPS" && section(next, "Timeline") !== null) next = withSection(next, "Timeline", occurrenceTable(all));
  return { doc: scrubDoc(next), evidence: { detector: f.detector, occurrences: all, facts: { ...(evidence?.facts ?? {}), ...f.facts } } };
}

/** Promotion: the entry's status becomes `promoted` with what it became. */
export function promotedDoc(doc: LearningDoc, target: PromotionTarget, ref: string): LearningDoc {
  const label: Record<PromotionTarget, string> = {
    runbook: "runbook",
    postmortem: "postmortem",
    automation: "automation backlog",
    capacity: "capacity model",
    handoff: "on-call handoff checklist",
    slo: "SLO definition",
  };
  return withField(withField(doc, "Status", "promoted"), "Promoted", `${label[target]} (${ref})`);
}
