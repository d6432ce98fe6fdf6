import type { OpsConfig } from "@ops/config";
import type { PostmortemPatchBody, PostmortemSummary, PostmortemView } from "@ops/contract";
import { columns, postmortems, type DbHandle, type Row } from "@ops/db";
import {
  canTransitionPostmortem,
  columnsOf,
  computeImpact,
  formatEntry,
  postmortemToOpsDoc,
  publishProblems,
  scrub,
  scrubText,
  timelineFromEvents,
  type LearningDoc,
  type PostmortemContent,
  type PostmortemStatus,
  type Severity,
} from "@ops/domain";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { allocateLearningId, getLearningSummary, type PostmortemMaker } from "../learnings/learnings.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

// The views are the API's answers: their shapes are the contract the dashboard reads.
export type { PostmortemSummary, PostmortemView };

/** A postmortem as stored (its jsonb columns as the domain writes them), with the severity and times of its incident. */
type PostmortemRow = Omit<Row<typeof postmortems>, "timeline" | "actionItems" | "metadata"> &
  Pick<PostmortemContent, "timeline" | "actionItems" | "metadata"> & { incStartedAt: Date | null; incResolvedAt: Date | null; incSeverity: Severity | null };

const COLUMNS = `${columns(postmortems, { alias: "p" })}, i.started_at AS "incStartedAt", i.resolved_at AS "incResolvedAt", i.severity AS "incSeverity"`;
const FROM = `postmortems p LEFT JOIN incidents i ON i.id = p.incident_id`;

function toSummary(r: PostmortemRow): PostmortemSummary {
  return {
    id: r.id,
    opsId: r.opsId,
    incidentId: r.incidentId,
    incidentKey: r.incidentId === null ? null : `INC-${r.incidentId}`,
    title: r.title,
    status: r.status,
    version: r.version,
    updatedBy: r.updatedBy,
    updatedAt: r.updatedAt.toISOString(),
    publishedAt: r.publishedAt?.toISOString() ?? null,
  };
}

function toView(r: PostmortemRow, config: OpsConfig): PostmortemView {
  const incident =
    r.incStartedAt && r.incSeverity ? { startedAt: r.incStartedAt.getTime(), resolvedAt: r.incResolvedAt?.getTime() ?? null, severity: r.incSeverity } : null;
  return {
    ...toSummary(r),
    learningId: r.learningId,
    summary: r.summary,
    timeline: r.timeline,
    usersAffected: r.usersAffected,
    impact: computeImpact(incident, config.monitoring.slo, r.usersAffected),
    rootCause: r.rootCause,
    mitigation: r.mitigation,
    prevention: r.prevention,
    actionItems: r.actionItems,
    metadata: r.metadata,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    publishedBy: r.publishedBy,
  };
}

export const summaryOf = (p: PostmortemView): PostmortemSummary => ({
  id: p.id,
  opsId: p.opsId,
  incidentId: p.incidentId,
  incidentKey: p.incidentKey,
  title: p.title,
  status: p.status,
  version: p.version,
  updatedBy: p.updatedBy,
  updatedAt: p.updatedAt,
  publishedAt: p.publishedAt,
});

async function readRow(sql: Sql, id: number): Promise<PostmortemRow> {
  const [row] = await sql.unsafe<PostmortemRow[]>(`SELECT ${COLUMNS} FROM ${FROM} WHERE p.id = $1`, [id]);
  if (!row) throw notFound(`postmortem ${id}`, "id");
  return row;
}

const readPostmortem = async (sql: Sql, config: OpsConfig, id: number): Promise<PostmortemView> => toView(await readRow(sql, id), config);

export const getPostmortem = (h: DbHandle, config: OpsConfig, id: number) => readPostmortem(h.sql, config, id);

/** The summary the lists and the `postmortem.updated` frame carry (no impact, so no config). */
export const getPostmortemSummary = async (sql: Sql, id: number): Promise<PostmortemSummary> => toSummary(await readRow(sql, id));

export async function listPostmortems(
  h: DbHandle,
  f: { status?: PostmortemStatus | undefined; incident?: number | undefined; limit: number },
): Promise<PostmortemSummary[]> {
  const rows = await h.sql.unsafe<PostmortemRow[]>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE ($1::text IS NULL OR p.status = $1) AND ($2::bigint IS NULL OR p.incident_id = $2) ORDER BY p.id DESC LIMIT $3`,
    [f.status ?? null, f.incident ?? null, f.limit],
  );
  return rows.map(toSummary);
}

/** Tell the dashboards, after the change committed. A frame is news, not the record: a failed publish fails nothing. */
async function announce(bus: FramePublisher, p: PostmortemView): Promise<PostmortemView> {
  await bus.publish({ type: "postmortem.updated", postmortem: summaryOf(p) }).catch(() => false);
  return p;
}

async function insertPostmortem(
  tx: postgres.TransactionSql,
  ctx: RequestContext,
  content: PostmortemContent,
  at: number,
  links: { incidentId: number | null; learningId: string | null },
): Promise<number> {
  const opsId = await allocateLearningId(tx, "OPS", at);
  const c = scrub(content);
  const [row] = await tx<Pick<Row<typeof postmortems>, "id">[]>`
    INSERT INTO postmortems (ops_id, incident_id, learning_id, title, summary, timeline, users_affected, root_cause, mitigation, prevention, action_items, metadata, created_by, updated_by)
    VALUES (${opsId}, ${links.incidentId}, ${links.learningId}, ${c.title}, ${c.summary}, ${tx.json(c.timeline)}, ${c.usersAffected}, ${c.rootCause},
      ${c.mitigation}, ${c.prevention}, ${tx.json(c.actionItems)}, ${tx.json(c.metadata)}, ${ctx.actor.label}, ${ctx.actor.label})
    RETURNING id`;
  const id = row!.id;
  await writeAudit(tx, ctx, { action: "postmortem.create", targetType: "postmortem", targetId: String(id), after: { opsId, ...links, title: c.title } });
  return id;
}

/** A draft for an incident, its timeline and impact filled in from what the incident recorded. */
export async function createPostmortem(h: DbHandle, config: OpsConfig, ctx: RequestContext, incidentId: number, bus: FramePublisher): Promise<PostmortemView> {
  requirePermission(ctx, "postmortems:write");
  const id = await h.sql
    .begin(async (tx) => {
      const [inc] = await tx<
        { title: string; source: string; targets: string[]; target: string | null; summary: string | null; startedAt: Date; signature: string | null }[]
      >`
      SELECT title, source, targets, target, summary, started_at AS "startedAt", signature FROM incidents WHERE id = ${incidentId} FOR UPDATE`;
      if (!inc) throw notFound(`incident ${incidentId}`, "incidentId");
      const [existing] = await tx<Pick<Row<typeof postmortems>, "id">[]>`SELECT id FROM postmortems WHERE incident_id = ${incidentId}`;
      if (existing) throw new ServiceError("CONFLICT", `INC-${incidentId} already has postmortem ${existing.id}; open it instead`, "incidentId");
      const events = await tx<{ at: Date; kind: string; actor: string; message: string }[]>`
      SELECT at, kind, actor, message FROM incident_events WHERE incident_id = ${incidentId} ORDER BY at, id`;
      const related = inc.target
        ? await tx<{ id: number }[]>`
          SELECT id FROM incidents WHERE target = ${inc.target} AND id <> ${incidentId} AND started_at > ${inc.startedAt}::timestamptz - interval '30 days' ORDER BY started_at`
        : [];
      const content: PostmortemContent = {
        title: inc.title,
        summary: inc.summary ?? "",
        timeline: timelineFromEvents(events.map((e) => ({ ...e, at: e.at.toISOString() }))),
        usersAffected: "",
        rootCause: "",
        mitigation: "",
        prevention: "",
        actionItems: [],
        metadata: {
          trigger: inc.source === "ladder" ? "alert" : "user_report",
          environment: "production",
          servicesAffected: inc.targets,
          relatedIncidents: related.map((r) => `INC-${r.id}`),
          doraImpact: ["mttr"],
        },
      };
      return insertPostmortem(tx, ctx, content, inc.startedAt.getTime(), { incidentId, learningId: null });
    })
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === "23505")
        throw new ServiceError("CONFLICT", `INC-${incidentId} already has a postmortem; open it instead`, "incidentId");
      throw err;
    });
  return announce(bus, await getPostmortem(h, config, id));
}

/** A draft started from a learning (promotion): its summary and details, no incident. */
export async function createPostmortemFromLearning(
  tx: postgres.TransactionSql,
  ctx: RequestContext,
  doc: LearningDoc,
  title: string,
  now = Date.now(),
): Promise<number> {
  const section = (t: string) => doc.sections.find((s) => s.title === t)?.body ?? "";
  const content: PostmortemContent = {
    title,
    summary: columnsOf(doc).summary,
    timeline: [{ at: new Date(now).toISOString(), event: `Postmortem started from ${doc.id}` }],
    usersAffected: "",
    rootCause: section("Root Cause") || section("Details"),
    mitigation: section("Mitigation"),
    prevention: section("Prevention") || section("Suggested Action"),
    actionItems: [],
    metadata: { trigger: "monitoring", environment: "production", servicesAffected: [], relatedIncidents: [doc.id], doraImpact: [] },
  };
  return insertPostmortem(tx, ctx, content, now, { incidentId: null, learningId: doc.id });
}

/** The edits `PATCH /api/postmortems/:id` takes, against the version they were made on. */
export type PostmortemPatch = PostmortemPatchBody;

const LOCKED = ["status", "version", "updatedBy", "updatedAt"] as const;

async function lockPostmortem(tx: postgres.TransactionSql, id: number, version: number) {
  const [row] = await tx<Pick<Row<typeof postmortems>, (typeof LOCKED)[number]>[]>`
    SELECT ${tx.unsafe(columns(postmortems, { only: LOCKED }))} FROM postmortems WHERE id = ${id} FOR UPDATE`;
  if (!row) throw notFound(`postmortem ${id}`, "id");
  if (row.version !== version) {
    throw new ServiceError(
      "CONFLICT",
      `${row.updatedBy} saved version ${row.version} at ${row.updatedAt.toISOString()} while you were editing version ${version}; nothing of yours was overwritten. Reload to see their changes, or load their version and save yours on top.`,
      "version",
    );
  }
  return row;
}

const EDITABLE: Record<string, string> = {
  title: "title",
  summary: "summary",
  timeline: "timeline",
  rootCause: "root_cause",
  mitigation: "mitigation",
  prevention: "prevention",
  actionItems: "action_items",
  metadata: "metadata",
};

/** Save edits against the version they were made on: a stale version is refused (409), never merged over. */
export async function updatePostmortem(
  h: DbHandle,
  config: OpsConfig,
  ctx: RequestContext,
  id: number,
  patch: PostmortemPatch,
  bus: FramePublisher,
): Promise<PostmortemView> {
  requirePermission(ctx, "postmortems:write");
  await h.sql.begin(async (tx) => {
    const row = await lockPostmortem(tx, id, patch.version);
    if (row.status === "published") throw new ServiceError("RULE_VIOLATION", "a published postmortem is the record and cannot be edited", "status");
    const sets: postgres.Fragment[] = [];
    const changed: Record<string, unknown> = {};
    for (const [key, column] of Object.entries(EDITABLE)) {
      const value = (patch as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const clean = scrub(value);
      changed[key] = clean;
      sets.push(typeof clean === "string" ? tx`${tx(column)} = ${clean}` : tx`${tx(column)} = ${tx.json(clean as never)}`);
    }
    if (patch.impact?.usersAffected !== undefined) {
      changed.usersAffected = scrubText(patch.impact.usersAffected);
      sets.push(tx`users_affected = ${changed.usersAffected as string}`);
    }
    if (sets.length === 0) throw new ServiceError("VALIDATION", "nothing to save: give at least one field", "body");
    let assignment = sets[0]!;
    for (const s of sets.slice(1)) assignment = tx`${assignment}, ${s}`;
    await tx`UPDATE postmortems SET ${assignment}, version = version + 1, updated_by = ${ctx.actor.label}, updated_at = now() WHERE id = ${id}`;
    await writeAudit(tx, ctx, {
      action: "postmortem.update",
      targetType: "postmortem",
      targetId: String(id),
      before: { version: row.version },
      after: { version: row.version + 1, fields: Object.keys(changed) },
    });
  });
  return announce(bus, await getPostmortem(h, config, id));
}

/** Draft → in review → published (or back to draft). Publishing writes the OPS entry into the learnings record (and tells the dashboards of both). */
export async function transitionPostmortem(
  h: DbHandle,
  config: OpsConfig,
  ctx: RequestContext,
  id: number,
  to: PostmortemStatus,
  version: number,
  bus: FramePublisher,
): Promise<PostmortemView> {
  requirePermission(ctx, "postmortems:write");
  await h.sql.begin(async (tx) => {
    const row = await lockPostmortem(tx, id, version);
    if (!canTransitionPostmortem(row.status, to))
      throw new ServiceError("RULE_VIOLATION", `a postmortem goes draft → in review → published; it cannot go from ${row.status} to ${to}`, "to");
    const current = await readPostmortem(tx, config, id);
    if (to === "published") {
      const problems = publishProblems(current);
      if (problems.length) throw new ServiceError("RULE_VIOLATION", `not ready to publish: ${problems.join("; ")}`, "status");
    }
    await tx`
      UPDATE postmortems SET status = ${to}, version = version + 1, updated_by = ${ctx.actor.label}, updated_at = now(),
        published_at = CASE WHEN ${to} = 'published' THEN now() ELSE published_at END,
        published_by = CASE WHEN ${to} = 'published' THEN ${ctx.actor.label} ELSE published_by END
      WHERE id = ${id}`;
    if (to === "published") {
      const published = await readPostmortem(tx, config, id);
      const doc = opsDocOf(published);
      const c = columnsOf(doc);
      await tx`
        INSERT INTO learnings (id, type, heading, doc, priority, status, area, category, severity, summary, logged_at, source, incident_ids, updated_by)
        VALUES (${doc.id}, 'OPS', ${c.heading}, ${tx.json(doc)}, ${c.priority}, ${c.status}, ${c.area}, NULL, ${c.severity}, ${c.summary},
          ${new Date(published.createdAt)}, 'postmortem', ${published.incidentId === null ? [] : [published.incidentId]}::bigint[], ${ctx.actor.label})
        ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, heading = EXCLUDED.heading, priority = EXCLUDED.priority, status = EXCLUDED.status,
          severity = EXCLUDED.severity, summary = EXCLUDED.summary, version = learnings.version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by`;
    }
    await writeAudit(tx, ctx, {
      action: `postmortem.${to === "published" ? "publish" : to === "in_review" ? "submit" : "reopen"}`,
      targetType: "postmortem",
      targetId: String(id),
      before: { status: row.status },
      after: { status: to },
    });
  });
  const p = await announce(bus, await getPostmortem(h, config, id));
  if (p.status === "published") await bus.publish({ type: "learning.updated", learning: await getLearningSummary(h.sql, p.opsId) }).catch(() => false);
  return p;
}

export function opsDocOf(p: PostmortemView): LearningDoc {
  return postmortemToOpsDoc({ ...p, postmortemRef: `postmortem ${p.id}` });
}

/** The postmortem as an entry of OPERATIONS_ISSUES.md. */
export async function exportPostmortem(h: DbHandle, config: OpsConfig, id: number): Promise<{ file: string; content: string }> {
  const p = await getPostmortem(h, config, id);
  return { file: `${p.opsId}.md`, content: formatEntry(opsDocOf(p)) };
}

export async function postmortemIdForIncident(sql: Sql, incidentId: number): Promise<number | null> {
  const [row] = await sql<Pick<Row<typeof postmortems>, "id">[]>`SELECT id FROM postmortems WHERE incident_id = ${incidentId}`;
  return row?.id ?? null;
}

/** How a learning's promotion starts its postmortem (learnings cannot import this module: it imports theirs). */
export const postmortemsForPromotion: PostmortemMaker = { create: createPostmortemFromLearning, summary: getPostmortemSummary };
