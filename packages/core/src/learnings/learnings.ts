import type {
  LearningImportBody,
  LearningImportResult,
  LearningListQuery,
  LearningPatchBody,
  LearningStatus,
  LearningSummary,
  LearningView,
  NewLearningBody,
  PatternView,
  PostmortemSummary,
  PromoteLearningBody,
  PromotionKind,
  PromotionView,
} from "@ops/contract";
import { columns, learnings, promotions, type DbHandle, type Row } from "@ops/db";
import {
  CLOSED_STATUSES,
  LEARNING_CATEGORIES,
  LEARNING_FILES,
  applyFinding,
  can,
  columnsOf,
  docForFinding,
  formatEntry,
  formatLearningsMarkdown,
  learningId,
  metadata,
  nextSequence,
  parseLearningsMarkdown,
  promotedDoc,
  scrubDoc,
  scrubText,
  validateEntry,
  withField,
  withSection,
  type Evidence,
  type DetectionFinding,
  type LearningDoc,
  type LearningFileKind,
  type LearningType,
  type PromotionTarget,
} from "@ops/domain";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, notFound } from "../errors.ts";
import { createSlo } from "../slo/slos.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

// The views are the API's answers: their shapes are the contract the dashboard reads.
export type { LearningSummary, LearningView, PatternView, PromotionView };

/** A learning as stored (its document typed as the domain writes it), with the title of what it was promoted to. */
type LearningRow = Omit<Row<typeof learnings>, "ord" | "search" | "updatedBy" | "doc" | "status"> & {
  doc: LearningDoc;
  status: LearningStatus;
  promotionTitle: string | null;
  postmortemTitle: string | null;
};

// Dates as written (`2025-04-15`), not as midnight moments.
const COLUMNS = `${columns(learnings, { alias: "l", except: ["ord", "search", "updatedBy", "firstSeen", "lastSeen"] })},
  l.first_seen::text AS "firstSeen", l.last_seen::text AS "lastSeen", p.title AS "promotionTitle", pm.title AS "postmortemTitle"`;
// An OPS entry written by publishing a postmortem carries the postmortem's id as its own (postmortems.ops_id).
const FROM = `learnings l LEFT JOIN promotions p ON p.id = l.promotion_id LEFT JOIN postmortems pm ON pm.ops_id = l.id AND l.source = 'postmortem'`;

function toSummary(r: LearningRow): LearningSummary {
  return {
    id: r.id,
    type: r.type,
    heading: r.heading,
    title: r.postmortemTitle,
    priority: r.priority,
    status: r.status,
    area: r.area,
    category: r.category,
    severity: r.severity,
    summary: r.summary,
    patternKey: r.patternKey,
    recurrenceCount: r.recurrenceCount,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    seeAlso: r.seeAlso,
    loggedAt: (r.loggedAt ?? r.createdAt).toISOString(),
    source: r.source,
    promotedTo: r.promotedKind && r.promotionId ? { kind: r.promotedKind, id: r.promotionId, title: r.promotionTitle ?? "" } : null,
    incidentIds: r.incidentIds,
    version: r.version,
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toView(r: LearningRow): LearningView {
  return { ...toSummary(r), sections: r.doc.sections, fields: r.doc.fields, metadata: metadata(r.doc), evidence: r.evidence, markdown: formatEntry(r.doc) };
}

const validDate = (v: string | null) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null);
const validTime = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);

/** The columns a document gives, as SQL values. */
function columnValues(doc: LearningDoc) {
  const c = columnsOf(doc);
  return { ...c, firstSeen: validDate(c.firstSeen), lastSeen: validDate(c.lastSeen), loggedAt: validTime(c.loggedAt) };
}

/** A new id of this type for the given day (UTC), under a lock so two writers cannot take the same one. */
export async function allocateLearningId(tx: postgres.TransactionSql, type: LearningType, at: number): Promise<string> {
  const prefix = learningId(type, at, 1).slice(0, -3);
  await tx`SELECT pg_advisory_xact_lock(hashtext(${`learning-id:${prefix}`}))`;
  const rows = await tx<Pick<Row<typeof learnings>, "id">[]>`
    SELECT id FROM learnings WHERE id LIKE ${`${prefix}%`} UNION SELECT ops_id FROM postmortems WHERE ops_id LIKE ${`${prefix}%`}`;
  return learningId(type, at, nextSequence(rows.map((r) => r.id)));
}

/** Nothing is stored that the entry's own export would not import again. */
function assertImportable(doc: LearningDoc): void {
  const problems = validateEntry(doc, doc.type);
  if (problems.length) throw new Error(`${doc.id} would not re-import from its export: ${problems.join("; ")}`);
}

async function insertLearning(
  tx: Sql,
  doc: LearningDoc,
  source: string,
  actor: string,
  evidence: Evidence | null = null,
  incidentIds: number[] = [],
): Promise<void> {
  assertImportable(doc);
  const c = columnValues(doc);
  await tx`
    INSERT INTO learnings (id, type, heading, doc, priority, status, area, category, severity, summary, pattern_key, recurrence_count,
      first_seen, last_seen, see_also, logged_at, source, evidence, incident_ids, updated_by)
    VALUES (${doc.id}, ${doc.type}, ${c.heading}, ${tx.json(doc)}, ${c.priority}, ${c.status}, ${c.area}, ${c.category}, ${c.severity},
      ${c.summary}, ${c.patternKey}, ${c.recurrenceCount}, ${c.firstSeen}, ${c.lastSeen}, ${c.seeAlso}::text[], ${c.loggedAt}, ${source},
      ${evidence === null ? null : tx.json(evidence as never)}, ${incidentIds}::bigint[], ${actor})`;
}

async function updateDoc(tx: Sql, doc: LearningDoc, actor: string, extra: { evidence?: Evidence; incidentIds?: number[] } = {}): Promise<void> {
  const c = columnValues(doc);
  await tx`
    UPDATE learnings SET doc = ${tx.json(doc)}, heading = ${c.heading}, priority = ${c.priority}, status = ${c.status}, area = ${c.area},
      category = ${c.category}, severity = ${c.severity}, summary = ${c.summary}, pattern_key = ${c.patternKey}, recurrence_count = ${c.recurrenceCount},
      first_seen = ${c.firstSeen}, last_seen = ${c.lastSeen}, see_also = ${c.seeAlso}::text[], logged_at = ${c.loggedAt},
      evidence = ${extra.evidence === undefined ? tx`evidence` : tx.json(extra.evidence as never)},
      incident_ids = ${extra.incidentIds === undefined ? tx`incident_ids` : tx`${extra.incidentIds}::bigint[]`},
      version = version + 1, updated_at = now(), updated_by = ${actor}
    WHERE id = ${doc.id}`;
}

async function readRow(sql: Sql, id: string): Promise<LearningRow> {
  const [row] = await sql.unsafe<LearningRow[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE l.id = $1`, [id]);
  if (!row) throw notFound(`learning ${id}`, "id");
  return row;
}

export const getLearning = async (h: DbHandle, id: string): Promise<LearningView> => toView(await readRow(h.sql, id));

export const getLearningSummary = async (sql: Sql, id: string): Promise<LearningSummary> => toSummary(await readRow(sql, id));

/** Tell the dashboards, after the change committed. A frame is news, not the record: a failed publish fails nothing. */
async function announce(bus: FramePublisher, sql: Sql, id: string): Promise<void> {
  await bus.publish({ type: "learning.updated", learning: await getLearningSummary(sql, id) }).catch(() => false);
}

/** `GET /api/learnings`'s filters; the fields a caller leaves out filter nothing. */
export type LearningFilter = LearningListQuery;

export async function listLearnings(h: DbHandle, f: LearningFilter): Promise<LearningSummary[]> {
  const q = f.q?.trim() || null;
  const rows = await h.sql.unsafe<LearningRow[]>(
    `SELECT ${COLUMNS} FROM ${FROM}
     WHERE ($1::text IS NULL OR l.search @@ websearch_to_tsquery('english', $1) OR l.id ILIKE '%' || $1 || '%')
       AND ($2::text IS NULL OR l.type = $2) AND ($3::text IS NULL OR l.status = $3) AND ($4::text IS NULL OR l.priority = $4)
       AND ($5::text IS NULL OR l.area = $5) AND ($6::text IS NULL OR l.category = $6) AND ($7::bigint IS NULL OR $7 = ANY(l.incident_ids))
       AND ($8::text IS NULL OR l.ord < (SELECT ord FROM learnings WHERE id = $8))
     ORDER BY l.ord DESC LIMIT $9`,
    [q, f.type ?? null, f.status ?? null, f.priority ?? null, f.area ?? null, f.category ?? null, f.incident ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toSummary);
}

/** Recurring patterns: every pattern seen twice or more, most recurrent first. */
export async function listPatterns(h: DbHandle): Promise<PatternView[]> {
  return h.sql<PatternView[]>`
    SELECT pattern_key AS "patternKey", id AS "learningId", heading, type, recurrence_count AS "recurrenceCount",
      first_seen::text AS "firstSeen", last_seen::text AS "lastSeen", priority, status
    FROM learnings WHERE pattern_key IS NOT NULL AND recurrence_count >= 2
    ORDER BY recurrence_count DESC, last_seen DESC NULLS LAST, id`;
}

// ---------------------------------------------------------------------------------------------------------
// Writing by hand

export type NewLearning = NewLearningBody;

export async function createLearning(h: DbHandle, ctx: RequestContext, input: NewLearning, bus: FramePublisher, now = Date.now()): Promise<LearningView> {
  requirePermission(ctx, "postmortems:write");
  // The same list the import checks: an LRN entry's heading is its category.
  if (input.type === "LRN" && !(LEARNING_CATEGORIES as readonly string[]).includes(input.heading.trim())) {
    throw new ServiceError(
      "VALIDATION",
      `the heading of an LRN entry is its category: one of ${LEARNING_CATEGORIES.join(", ")} (OPS and FEAT entries take a name)`,
      "heading",
    );
  }
  const id = await h.sql.begin(async (tx) => {
    const id = await allocateLearningId(tx, input.type, now);
    let doc: LearningDoc = { id, type: input.type, heading: input.heading, fields: [], sections: [] };
    doc = withField(doc, "Logged", new Date(now).toISOString());
    doc = withField(doc, "Priority", input.priority);
    doc = withField(doc, "Status", "pending");
    doc = withField(doc, "Area", input.area);
    doc = withSection(doc, input.type === "FEAT" ? "Requested Capability" : "Summary", input.summary);
    if (input.details) doc = withSection(doc, input.type === "FEAT" ? "User Context" : input.type === "OPS" ? "Root Cause" : "Details", input.details);
    doc = scrubDoc(doc);
    await insertLearning(tx, doc, "manual", ctx.actor.label);
    await writeAudit(tx, ctx, {
      action: "learning.create",
      targetType: "learning",
      targetId: id,
      after: { type: input.type, heading: doc.heading, summary: columnsOf(doc).summary },
    });
    return id;
  });
  const learning = await getLearning(h, id);
  await announce(bus, h.sql, id);
  return learning;
}

export type LearningPatch = LearningPatchBody;

const LOCKED = ["version", "updatedBy", "updatedAt"] as const;
const LATEST = ["id", "status", "recurrenceCount", "incidentIds"] as const;

async function lockLearning(tx: postgres.TransactionSql, id: string, version: number | null) {
  const [row] = await tx<(Pick<Row<typeof learnings>, (typeof LOCKED)[number]> & { doc: LearningDoc })[]>`
    SELECT doc, ${tx.unsafe(columns(learnings, { only: LOCKED }))} FROM learnings WHERE id = ${id} FOR UPDATE`;
  if (!row) throw notFound(`learning ${id}`, "id");
  if (version !== null && row.version !== version) {
    throw new ServiceError(
      "CONFLICT",
      `${id} was changed by ${row.updatedBy} at ${row.updatedAt.toISOString()} (version ${row.version}); you edited version ${version}. Reload it and apply your change again.`,
      "version",
    );
  }
  return row;
}

export async function patchLearning(h: DbHandle, ctx: RequestContext, id: string, patch: LearningPatch, bus: FramePublisher): Promise<LearningView> {
  requirePermission(ctx, "postmortems:write");
  await h.sql.begin(async (tx) => {
    const row = await lockLearning(tx, id, patch.version);
    let doc = row.doc;
    if (patch.status !== undefined) doc = withField(doc, "Status", patch.status);
    if (patch.priority !== undefined) doc = withField(doc, "Priority", patch.priority);
    if (patch.area !== undefined) doc = withField(doc, "Area", patch.area);
    const summaryTitle = doc.type === "FEAT" ? "Requested Capability" : "Summary";
    if (patch.summary !== undefined) doc = withSection(doc, summaryTitle, patch.summary);
    if (patch.details !== undefined)
      doc = withSection(doc, doc.type === "FEAT" ? "User Context" : doc.type === "OPS" ? "Root Cause" : "Details", patch.details);
    if (patch.suggestedAction !== undefined)
      doc = withSection(doc, doc.type === "OPS" ? "Prevention" : doc.type === "FEAT" ? "Suggested Implementation" : "Suggested Action", patch.suggestedAction);
    doc = scrubDoc(doc);
    const before = columnsOf(row.doc);
    await updateDoc(tx, doc, ctx.actor.label);
    const after = columnsOf(doc);
    await writeAudit(tx, ctx, {
      action: "learning.update",
      targetType: "learning",
      targetId: id,
      before: { status: before.status, priority: before.priority, area: before.area, summary: before.summary },
      after: { status: after.status, priority: after.priority, area: after.area, summary: after.summary },
    });
  });
  const learning = await getLearning(h, id);
  await announce(bus, h.sql, id);
  return learning;
}

// ---------------------------------------------------------------------------------------------------------
// Detection triggers: findings become learnings, a recurring pattern becomes one entry with a count.

export type RecordedFinding = { id: string; created: boolean };

const incidentIdsOf = (occ: { id: string }[]) =>
  occ
    .map((o) => /^INC-(\d+)$/.exec(o.id)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);

/** Record a finding (below) and tell the dashboards about the learning it created or changed. */
export async function recordFinding(h: DbHandle, f: DetectionFinding, now: number, bus: FramePublisher): Promise<RecordedFinding | null> {
  const recorded = await storeFinding(h, f, now);
  if (recorded) await announce(bus, h.sql, recorded.id);
  return recorded;
}

/**
 * Record a finding under its pattern key: an open entry with that key gains the new occurrences (count,
 * Last-Seen, priority at 3+); a closed one gets a successor that points back (See Also); otherwise a new
 * entry. Repeating a finding changes nothing.
 */
function storeFinding(h: DbHandle, f: DetectionFinding, now: number): Promise<RecordedFinding | null> {
  return h.sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtext(${`learning-pattern:${f.patternKey}`}))`;
    const [latest] = await tx<(Pick<Row<typeof learnings>, (typeof LATEST)[number]> & { doc: LearningDoc; evidence: Evidence | null })[]>`
      SELECT doc, evidence, ${tx.unsafe(columns(learnings, { only: LATEST }))}
      FROM learnings WHERE pattern_key = ${f.patternKey} ORDER BY ord DESC LIMIT 1 FOR UPDATE`;
    const actor = `detector:${f.detector}`;
    if (latest && !CLOSED_STATUSES.includes(latest.status as never)) {
      const next = applyFinding(latest.doc, latest.evidence, f);
      if (!next) return null;
      const incidentIds = [...new Set([...latest.incidentIds, ...incidentIdsOf(next.evidence.occurrences)])];
      await updateDoc(tx, next.doc, actor, { evidence: next.evidence, incidentIds });
      return { id: latest.id, created: false };
    }
    if (latest) {
      // A closed pattern seen again: only what came after it closed is new.
      const known = new Set((latest.evidence?.occurrences ?? []).map((o) => o.id));
      const fresh = { ...f, occurrences: f.occurrences.filter((o) => !known.has(o.id)) };
      if (fresh.occurrences.length === 0) return null;
      const id = await allocateLearningId(tx, f.type, now);
      const doc = docForFinding(id, fresh, now, [latest.id], latest.recurrenceCount);
      await insertLearning(tx, doc, actor, actor, { detector: f.detector, occurrences: fresh.occurrences, facts: f.facts }, incidentIdsOf(fresh.occurrences));
      return { id, created: true };
    }
    const id = await allocateLearningId(tx, f.type, now);
    const doc = docForFinding(id, f, now);
    await insertLearning(tx, doc, actor, actor, { detector: f.detector, occurrences: f.occurrences, facts: f.facts }, incidentIdsOf(f.occurrences));
    return { id, created: true };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Import and export of the .learnings/ files

export type ImportResult = LearningImportResult;

/** Import one .learnings file: every entry checked first; any problem refuses the whole file and changes nothing. */
export async function importLearnings(h: DbHandle, ctx: RequestContext, input: LearningImportBody): Promise<ImportResult> {
  requirePermission(ctx, "postmortems:write");
  const spec = LEARNING_FILES[input.kind];
  const parsed = parseLearningsMarkdown(input.content, spec.type);
  if (parsed.issues.length) {
    const first = parsed.issues.slice(0, 3).map((i) => `line ${i.line}${i.id ? ` (${i.id})` : ""}: ${i.message}`);
    throw new ServiceError(
      "VALIDATION",
      `${spec.file} has ${parsed.issues.length} problem(s); nothing was imported. ${first.join("; ")}`,
      "content",
      parsed.issues,
    );
  }
  if (parsed.entries.length === 0) throw new ServiceError("VALIDATION", `${spec.file} has no entries (## [${spec.type}-YYYYMMDD-XXX] …)`, "content");
  const result: ImportResult = { created: [], updated: [], skipped: [] };
  await h.sql.begin(async (tx) => {
    for (const { line: _line, ...entry } of parsed.entries) {
      const doc = scrubDoc(entry);
      const [existing] = await tx<{ doc: LearningDoc }[]>`SELECT doc FROM learnings WHERE id = ${doc.id} FOR UPDATE`;
      // Compared as written: jsonb does not keep key order, and the text is the document's canonical form.
      const changed = existing !== undefined && formatEntry(existing.doc) !== formatEntry(doc);
      if (!existing) {
        await insertLearning(tx, doc, "import", ctx.actor.label);
        result.created.push(doc.id);
      } else if (input.onConflict === "replace" && changed) {
        await updateDoc(tx, doc, ctx.actor.label);
        result.updated.push(doc.id);
      } else {
        result.skipped.push(doc.id);
      }
    }
    await writeAudit(tx, ctx, {
      action: "learning.import",
      targetType: "learnings",
      targetId: spec.file,
      after: { ...result, onConflict: input.onConflict ?? "skip" },
    });
  });
  return result;
}

/** Export one .learnings file with every entry of its type, in the order they were logged or imported. */
export async function exportLearnings(h: DbHandle, kind: LearningFileKind): Promise<{ file: string; content: string }> {
  const spec = LEARNING_FILES[kind];
  const rows = await h.sql<{ doc: LearningDoc }[]>`SELECT doc FROM learnings WHERE type = ${spec.type} ORDER BY ord`;
  return {
    file: spec.file,
    content: formatLearningsMarkdown(
      kind,
      rows.map((r) => r.doc),
    ),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Promotion

type PromotionRow = Row<typeof promotions>;
const PROMOTION_COLUMNS = columns(promotions);
const toPromotion = (r: PromotionRow): PromotionView => ({ ...r, createdAt: r.createdAt.toISOString() });

export async function getPromotion(h: DbHandle, id: number): Promise<PromotionView> {
  const [row] = await h.sql.unsafe<PromotionRow[]>(`SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE id = $1`, [id]);
  if (!row) throw notFound(`promotion ${id}`, "id");
  return toPromotion(row);
}

export async function listPromotions(
  h: DbHandle,
  f: { kind?: PromotionKind | undefined; done?: boolean | undefined; limit: number },
): Promise<PromotionView[]> {
  const rows = await h.sql.unsafe<PromotionRow[]>(
    `SELECT ${PROMOTION_COLUMNS} FROM promotions WHERE ($1::text IS NULL OR kind = $1) AND ($2::boolean IS NULL OR done = $2) ORDER BY id DESC LIMIT $3`,
    [f.kind ?? null, f.done ?? null, f.limit],
  );
  return rows.map(toPromotion);
}

export async function setPromotionDone(h: DbHandle, ctx: RequestContext, id: number, done: boolean): Promise<PromotionView> {
  requirePermission(ctx, "postmortems:write");
  await h.sql.begin(async (tx) => {
    const [row] = await tx<{ done: boolean }[]>`SELECT done FROM promotions WHERE id = ${id} FOR UPDATE`;
    if (!row) throw notFound(`promotion ${id}`, "id");
    await tx`UPDATE promotions SET done = ${done} WHERE id = ${id}`;
    await writeAudit(tx, ctx, { action: "promotion.update", targetType: "promotion", targetId: String(id), before: { done: row.done }, after: { done } });
  });
  return getPromotion(h, id);
}

const KIND_OF: Record<PromotionTarget, PromotionKind> = {
  runbook: "runbook-draft",
  postmortem: "postmortem",
  automation: "automation",
  capacity: "capacity",
  handoff: "handoff",
  slo: "slo",
};

function lines(text: string | null): string[] {
  return (text ?? "")
    .split("\n")
    .map((l) => l.replace(/^\s*(?:[-*]|\d+[.)])\s+(?:\[[ x]\]\s+)?/, "").trim())
    .filter((l) => l && !l.startsWith("|"));
}

const slugOf = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40) || "learning";

/** A runbook draft from what the learning says to do: manual steps a person turns into typed actions. */
export function runbookDraftFrom(doc: LearningDoc, title: string): Record<string, unknown> {
  const source = [
    ...lines(doc.sections.find((s) => s.title === "Suggested Action")?.body ?? null),
    ...lines(doc.sections.find((s) => s.title === "Mitigation")?.body ?? null),
    ...lines(doc.sections.find((s) => s.title === "Prevention")?.body ?? null),
  ];
  const steps = (source.length ? source : ["Follow the learning's details and record what you did"]).slice(0, 20).map((text, i) => ({
    id: `step-${i + 1}`,
    title: text.slice(0, 120),
    action: { type: "manual", instructions: text },
  }));
  return {
    id: `draft-${slugOf(title)}`,
    version: "0.1.0",
    title,
    description: `Drafted from ${doc.id}: ${columnsOf(doc).summary}`,
    severity: "medium",
    tags: ["draft", doc.id],
    procedures: [
      {
        id: "main",
        title,
        description: `From ${doc.id}. Replace manual steps with typed actions where the console can act.`,
        role: "oncall",
        confirmation: { type: "confirm" },
        steps,
      },
    ],
  };
}

export type PromoteInput = PromoteLearningBody;

/**
 * How a promotion starts a postmortem: `createPostmortemFromLearning` and the summary its frame carries,
 * given by the caller (`postmortemsForPromotion`), to keep one way without this module importing postmortems.
 */
export type PostmortemMaker = {
  create(tx: postgres.TransactionSql, ctx: RequestContext, doc: LearningDoc, title: string): Promise<number>;
  summary(sql: Sql, id: number): Promise<PostmortemSummary>;
};

/**
 * Promote a learning: create what it becomes and mark it `promoted` with a link; then tell the dashboards of
 * the learning and, for a postmortem promotion, of the postmortem it started.
 */
export async function promoteLearning(
  h: DbHandle,
  ctx: RequestContext,
  id: string,
  input: PromoteInput,
  deps: { bus: FramePublisher; postmortems: PostmortemMaker },
): Promise<{ learning: LearningView; promotion: PromotionView }> {
  requirePermission(ctx, "postmortems:write");
  const promotionId = await h.sql.begin(async (tx) => {
    const row = await lockLearning(tx, id, null);
    const cols = columnsOf(row.doc);
    if (cols.status === "promoted" || cols.status === "promoted_to_skill")
      throw new ServiceError("CONFLICT", `${id} is already promoted (${row.doc.fields.find((f) => f.key === "Promoted")?.value ?? cols.status})`, "id");
    const title = scrubText(input.title?.trim() || cols.summary || row.doc.heading).slice(0, 200);
    const notes = scrubText(input.notes?.trim() ?? "");
    const kind = KIND_OF[input.to];
    const body = [`From [${id}](/learnings/${id}): ${cols.summary}`, notes].filter(Boolean).join("\n\n");
    let payload: unknown = null;
    let postmortemId: number | null = null;
    if (input.to === "runbook") payload = runbookDraftFrom(row.doc, title);
    if (input.to === "slo") {
      // A live SLO when the promoter may create SLOs (governance, admin); otherwise the draft waits for one who may.
      const draft = {
        name: `${title.slice(0, 100)} (${id})`,
        kind: "availability" as const,
        selector: { type: "group" as const, group: "all" as const },
        objectivePercent: 99.9,
        windowDays: 30,
        policy: "none" as const,
      };
      const slo = can(ctx.actor.roles, "slos:write") ? await createSlo(h, ctx, draft, { source: "learning", learningId: id }, tx) : null;
      payload = { ...draft, sloId: slo?.id ?? null };
    }
    if (input.to === "postmortem") postmortemId = await deps.postmortems.create(tx, ctx, row.doc, title);
    const [p] = await tx<Pick<PromotionRow, "id">[]>`
      INSERT INTO promotions (kind, learning_id, title, body, payload, postmortem_id, created_by)
      VALUES (${kind}, ${id}, ${title}, ${body}, ${payload === null ? null : tx.json(payload as never)}, ${postmortemId}, ${ctx.actor.label}) RETURNING id`;
    const pid = p!.id;
    const ref = input.to === "postmortem" ? `postmortem ${postmortemId}` : `promotion ${pid}`;
    await updateDoc(tx, promotedDoc(row.doc, input.to, ref), ctx.actor.label);
    await tx`UPDATE learnings SET promoted_kind = ${kind}, promotion_id = ${pid} WHERE id = ${id}`;
    await writeAudit(tx, ctx, {
      action: "learning.promote",
      targetType: "learning",
      targetId: id,
      after: { to: input.to, promotionId: pid, postmortemId, title },
    });
    return pid;
  });
  const out = { learning: await getLearning(h, id), promotion: await getPromotion(h, promotionId) };
  await announce(deps.bus, h.sql, id);
  if (out.promotion.postmortemId !== null)
    await deps.bus.publish({ type: "postmortem.updated", postmortem: await deps.postmortems.summary(h.sql, out.promotion.postmortemId) }).catch(() => false);
  return out;
}
