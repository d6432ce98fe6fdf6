import type { TargetConfig } from "@ops/config";
import { columns, incidentEvents, incidents, type counters, type DbHandle, type Row } from "@ops/db";
import {
  MTTR_TARGET_MS,
  canTransition,
  detectionTime,
  mttd,
  mttr,
  normaliseFailureLine,
  outageTimes,
  severityForOutage,
  type IncidentStatus,
} from "@ops/domain";
import type { IncidentListQuery, IncidentView, OpenIncidentBody, TimelineEntry } from "@ops/contract";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";

// The views are the API's answers: their shapes are the contract the dashboard reads.
export type { IncidentView, TimelineEntry };

/** What a view is made of: the row without the watchdog's bookkeeping (its one target and failure signature). */
type IncidentRow = Omit<Row<typeof incidents>, "target" | "signature">;
const COLUMNS = columns(incidents, { except: ["target", "signature"] });

type EventRow = Omit<Row<typeof incidentEvents>, "incidentId">;
const EVENT_COLUMNS = columns(incidentEvents, { except: ["incidentId"] });

type Sql = postgres.Sql | postgres.TransactionSql;

/** Where the people's verbs tell every dashboard what changed; tests may leave it out. */
export type IncidentDeps = { bus?: FramePublisher | undefined };

function toView(r: IncidentRow): IncidentView {
  return {
    ...r,
    key: `INC-${r.id}`,
    startedAt: r.startedAt.toISOString(),
    detectedAt: r.detectedAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    resolvedAt: r.resolvedAt?.toISOString() ?? null,
    mttdMs: mttd(r.startedAt.getTime(), r.detectedAt.getTime()),
    mttrMs: mttr(r.startedAt.getTime(), r.resolvedAt?.getTime() ?? null),
    mttrTargetMs: MTTR_TARGET_MS[r.severity],
  };
}

async function appendEvent(tx: Sql, incidentId: number, kind: string, actor: string, message: string, details: unknown = null) {
  const [e] = await tx<Pick<EventRow, "id" | "at">[]>`
    INSERT INTO incident_events (incident_id, kind, actor, message, details) VALUES (${incidentId}, ${kind}, ${actor}, ${message}, ${details === null ? null : tx.json(details as never)})
    RETURNING id, at`;
  return { id: e!.id, at: e!.at.toISOString(), kind, actor, message, details };
}

export async function getIncidentView(sql: Sql, id: number): Promise<IncidentView> {
  const [row] = await sql<IncidentRow[]>`SELECT ${sql.unsafe(COLUMNS)} FROM incidents WHERE id = ${id}`;
  if (!row) throw notFound(`incident ${id}`, "id");
  return toView(row);
}

export async function getIncident(h: DbHandle, id: number): Promise<{ incident: IncidentView; timeline: TimelineEntry[] }> {
  const incident = await getIncidentView(h.sql, id);
  const rows = await h.sql<EventRow[]>`SELECT ${h.sql.unsafe(EVENT_COLUMNS)} FROM incident_events WHERE incident_id = ${id} ORDER BY at, id`;
  return { incident, timeline: rows.map((r) => ({ ...r, at: r.at.toISOString() })) };
}

export async function listIncidents(h: DbHandle, f: IncidentListQuery): Promise<IncidentView[]> {
  const rows = await h.sql<IncidentRow[]>`
    SELECT ${h.sql.unsafe(COLUMNS)} FROM incidents
    WHERE (${f.status} = 'all' OR (${f.status} = 'open' AND resolved_at IS NULL) OR (${f.status} = 'resolved' AND resolved_at IS NOT NULL))
      AND (${f.target ?? null}::text IS NULL OR ${f.target ?? null} = ANY(targets)) AND (${f.before ?? null}::bigint IS NULL OR id < ${f.before ?? null})
    ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map(toView);
}

// ---------------------------------------------------------------------------------------------------------
// Incident numbers: gap-free, from the `counters` row 'incident', taken under its row lock in the transaction
// that inserts the incident (a rolled-back insert gives its number back). A bigserial would burn a value for
// every insert that conflicts or rolls back, and INC-4, INC-7 … would never exist.

const COUNTER = "incident";

/**
 * Lock the incident counter for the rest of the transaction: every opening of an incident queues here, so
 * a check made after this sees every incident committed before. A database whose counter row is missing
 * (created before it existed) gets one from the highest id in use.
 */
async function lockIncidentCounter(tx: postgres.TransactionSql): Promise<void> {
  const [row] = await tx`SELECT value FROM counters WHERE name = ${COUNTER} FOR UPDATE`;
  if (row) return;
  await tx`INSERT INTO counters (name, value) SELECT ${COUNTER}, coalesce(max(id), 0) FROM incidents ON CONFLICT (name) DO NOTHING`;
  await tx`SELECT value FROM counters WHERE name = ${COUNTER} FOR UPDATE`;
}

/** The next incident id; call only with the counter locked and only when the insert will follow. */
async function takeIncidentId(tx: postgres.TransactionSql): Promise<number> {
  // greatest(): never hand out an id a row already has (one inserted by an older version of the console).
  const [row] = await tx<Pick<Row<typeof counters>, "value">[]>`
    UPDATE counters SET value = greatest(value, (SELECT coalesce(max(id), 0) FROM incidents)) + 1 WHERE name = ${COUNTER} RETURNING value`;
  return row!.value;
}

/** Thrown inside the transaction to roll it back (and the number it took with it). */
class NotOpened extends Error {}

// ---------------------------------------------------------------------------------------------------------
/** The watchdog's side: open one incident per outage, narrate it, and close it when the target is back. */

export type OutageOpening = {
  /** The probe's reason, e.g. "connection refused". */
  reason: string;
  /** When the driver saw the process exit, if it knows: the failure's start. */
  failedAt?: Date | null | undefined;
  /**
   * When the caller first saw the target failing (its first failed probe). Bounds a process exit from above,
   * and stands in for the detection only when the console has no record of the target being down at all.
   */
  seenFailingAt?: Date | null | undefined;
};

/**
 * Open the outage incident of a target that is down, unless one is open already (then null, and no number
 * is taken). Its start is the process exit when the driver knows it, else the last healthy sample; its
 * detection is when the console first recorded the target as down (see `outageTimes` in @ops/domain).
 *
 * Call as `openOutageIncident(h, target, { reason, failedAt })`; the older positional form
 * `openOutageIncident(h, target, firstFailedAt, reason, failedAt?)` is still accepted.
 */
export async function openOutageIncident(h: DbHandle, target: TargetConfig, opening: OutageOpening): Promise<number | null>;
export async function openOutageIncident(h: DbHandle, target: TargetConfig, startedAt: Date, reason: string, failedAt?: Date | null): Promise<number | null>;
export async function openOutageIncident(
  h: DbHandle,
  target: TargetConfig,
  a: OutageOpening | Date,
  reason?: string,
  failedAt?: Date | null,
): Promise<number | null> {
  const o: OutageOpening = a instanceof Date ? { reason: reason ?? "down", seenFailingAt: a, failedAt: failedAt ?? null } : a;
  try {
    return await h.sql.begin(async (tx) => {
      // Without the lock first: an incident already open (the usual case, every ladder cycle of an outage) costs nothing.
      if ((await openIncidentIdFor(tx, target.name)) !== null) return null;
      await lockIncidentCounter(tx);
      if ((await openIncidentIdFor(tx, target.name)) !== null) return null;

      const [st] = await tx<{ status: string; since: Date | null; lastOkAt: Date | null; failingSince: Date | null; downAt: Date | null; now: Date }[]>`
        SELECT s.status, s.since, s.last_ok_at AS "lastOkAt", s.failing_since AS "failingSince",
          (SELECT max(e.at) FROM status_events e WHERE e.target = s.name AND e.kind = 'status' AND e.to_status = 'down') AS "downAt", now() AS now
        FROM (SELECT ${target.name}::text AS name) n LEFT JOIN target_state s ON s.name = n.name`;
      const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
      const now = st!.now.getTime();
      const seen = ms(o.seenFailingAt) ?? ms(st?.failingSince);
      const detected = detectionTime({ downEventAt: ms(st?.downAt), status: st?.status ?? null, since: ms(st?.since), fallback: ms(o.seenFailingAt), now });
      const times = outageTimes({ failedAt: ms(o.failedAt), lastOkAt: ms(st?.lastOkAt), firstFailedAt: seen, recordedDownAt: detected, now });

      const [others] = await tx<{ n: number }[]>`
        SELECT count(*)::int AS n FROM target_state s JOIN targets t ON t.name = s.name
        WHERE s.status = 'down' AND t.kind = 'agent' AND t.enabled AND t.retired_at IS NULL AND s.name <> ${target.name}`;
      const severity = severityForOutage(target.kind, others?.n ?? 0);
      const id = await takeIncidentId(tx);
      const [row] = await tx<Pick<IncidentRow, "id">[]>`
        INSERT INTO incidents (id, title, severity, source, target, targets, started_at, detected_at, signature)
        VALUES (${id}, ${`${target.displayName ?? target.name} down: ${o.reason}`}, ${severity}, 'ladder', ${target.name}, ${[target.name]}::text[],
          ${new Date(times.startedAt)}, ${new Date(times.detectedAt)}, ${normaliseFailureLine(o.reason)})
        ON CONFLICT (target) WHERE resolved_at IS NULL AND target IS NOT NULL DO NOTHING RETURNING id`;
      // The partial unique index is the last line of defence; losing to it must not cost a number.
      if (!row) throw new NotOpened();
      const why =
        target.kind === "service" ? "a service the agents depend on" : (others?.n ?? 0) > 0 ? `${others!.n} other agent(s) down too` : "one agent down";
      const lag = Math.round((times.detectedAt - times.startedAt) / 1000);
      const when =
        times.startedFrom === "detection"
          ? "no earlier healthy sample: started when detected"
          : `${times.startedFrom === "exit" ? "process exited" : "last healthy"} ${new Date(times.startedAt).toISOString()}, detected ${lag} s later`;
      await appendEvent(tx, id, "opened", "watchdog", `${target.name} is down (${o.reason}); ${severity}: ${why}; ${when}`, {
        startedFrom: times.startedFrom,
        startedAt: new Date(times.startedAt).toISOString(),
        detectedAt: new Date(times.detectedAt).toISOString(),
      });
      return id;
    });
  } catch (err) {
    if (err instanceof NotOpened) return null;
    throw err;
  }
}

export async function openIncidentIdFor(sql: Sql, target: string): Promise<number | null> {
  const [row] = await sql<Pick<IncidentRow, "id">[]>`SELECT id FROM incidents WHERE target = ${target} AND resolved_at IS NULL`;
  return row?.id ?? null;
}

/** Add an entry to a given incident, open or not (a diagnosis may finish after its incident resolved). */
export async function narrateIncident(h: DbHandle, id: number, kind: string, actor: string, message: string, details: unknown = null): Promise<number> {
  await appendEvent(h.sql, id, kind, actor, message, details);
  return id;
}

/** Add an entry to the target's open incident, if there is one; returns the incident id. */
export async function narrateOutage(
  h: DbHandle,
  target: string,
  kind: string,
  actor: string,
  message: string,
  details: unknown = null,
): Promise<number | null> {
  const id = await openIncidentIdFor(h.sql, target);
  if (id !== null) await appendEvent(h.sql, id, kind, actor, message, details);
  return id;
}

export async function resolveOutageIncident(h: DbHandle, target: string): Promise<number | null> {
  return h.sql.begin(async (tx) => {
    const [row] = await tx<Pick<IncidentRow, "id">[]>`
      UPDATE incidents SET status = 'resolved', resolved_at = now(), resolved_by = 'watchdog'
      WHERE target = ${target} AND resolved_at IS NULL AND source = 'ladder' RETURNING id`;
    if (!row) return null;
    await appendEvent(tx, row.id, "resolved", "watchdog", `${target} is healthy again`);
    return row.id;
  });
}

/** Tell every dashboard, after the change committed. */
async function published(deps: IncidentDeps, incident: IncidentView): Promise<IncidentView> {
  await deps.bus?.publish({ type: "incident.updated", incident });
  return incident;
}

/**
 * The people's side: open by hand, acknowledge, note, resolve; every step audited and on the timeline, and
 * published (`incident.updated`) through `deps.bus` once committed.
 */
export async function openIncident(h: DbHandle, ctx: RequestContext, input: OpenIncidentBody, deps: IncidentDeps = {}): Promise<IncidentView> {
  requirePermission(ctx, "incidents:write");
  const view = await h.sql.begin(async (tx) => {
    await lockIncidentCounter(tx);
    const [row] = await tx<Pick<IncidentRow, "id">[]>`
      INSERT INTO incidents (id, title, severity, source, targets, summary, started_at)
      VALUES (${await takeIncidentId(tx)}, ${input.title}, ${input.severity}, 'manual', ${input.targets ?? []}::text[], ${input.summary ?? null}, now()) RETURNING id`;
    const id = row!.id;
    await appendEvent(tx, id, "opened", ctx.actor.label, `opened by hand: ${input.title}`);
    const view = await getIncidentView(tx, id);
    await writeAudit(tx, ctx, { action: "incident.open", targetType: "incident", targetId: view.key, after: view });
    return view;
  });
  return published(deps, view);
}

async function transition(
  h: DbHandle,
  ctx: RequestContext,
  deps: IncidentDeps,
  id: number,
  to: IncidentStatus,
  message: string,
  summary?: string,
): Promise<IncidentView> {
  requirePermission(ctx, "incidents:write");
  const after = await h.sql.begin(async (tx) => {
    const [row] = await tx<IncidentRow[]>`SELECT ${tx.unsafe(COLUMNS)} FROM incidents WHERE id = ${id} FOR UPDATE`;
    if (!row) throw notFound(`incident ${id}`, "id");
    if (!canTransition(row.status, to)) throw new ServiceError("CONFLICT", `INC-${id} is ${row.status}: it cannot become ${to}`);
    if (to === "acknowledged") {
      await tx`UPDATE incidents SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = ${ctx.actor.label} WHERE id = ${id}`;
    } else if (to === "resolved") {
      await tx`UPDATE incidents SET status = 'resolved', resolved_at = now(), resolved_by = ${ctx.actor.label}, summary = coalesce(${summary ?? null}, summary) WHERE id = ${id}`;
    } else {
      await tx`UPDATE incidents SET status = ${to} WHERE id = ${id}`;
    }
    await appendEvent(tx, id, to, ctx.actor.label, message);
    const after = await getIncidentView(tx, id);
    await writeAudit(tx, ctx, {
      action: `incident.${to === "acknowledged" ? "acknowledge" : to === "resolved" ? "resolve" : to}`,
      targetType: "incident",
      targetId: `INC-${id}`,
      before: toView(row),
      after,
    });
    return after;
  });
  return published(deps, after);
}

export const acknowledgeIncident = (h: DbHandle, ctx: RequestContext, id: number, deps: IncidentDeps = {}) =>
  transition(h, ctx, deps, id, "acknowledged", `acknowledged by ${ctx.actor.label}`);
export const resolveIncident = (h: DbHandle, ctx: RequestContext, id: number, summary?: string, deps: IncidentDeps = {}) =>
  transition(h, ctx, deps, id, "resolved", summary ? `resolved by ${ctx.actor.label}: ${summary}` : `resolved by ${ctx.actor.label}`, summary);

/** A note on the timeline; the incident is published too (its dashboards refetch the timeline on the frame). */
export async function addIncidentNote(h: DbHandle, ctx: RequestContext, id: number, message: string, deps: IncidentDeps = {}): Promise<TimelineEntry> {
  requirePermission(ctx, "incidents:write");
  const entry = await h.sql.begin(async (tx) => {
    await getIncidentView(tx, id);
    const entry = await appendEvent(tx, id, "note", ctx.actor.label, message);
    await writeAudit(tx, ctx, { action: "incident.note", targetType: "incident", targetId: `INC-${id}`, after: { message } });
    return entry;
  });
  if (deps.bus) await published(deps, await getIncidentView(h.sql, id));
  return entry;
}
