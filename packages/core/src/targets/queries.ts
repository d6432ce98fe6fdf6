import { type DbHandle, statusEvents, targetHealing, targetState, targets } from "@ops/db";
import { bucketSizeMs, type TargetStatus } from "@ops/domain";
import { and, asc, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { notFound } from "../errors.ts";
import { toTargetView, type StatusEventView, type TargetRow, type TargetView } from "./views.ts";

const targetColumns = {
  name: targets.name,
  displayName: targets.displayName,
  kind: targets.kind,
  check: targets.check,
  baseUrl: targets.baseUrl,
  enabled: targets.enabled,
  config: targets.config,
  status: targetState.status,
  reason: targetState.reason,
  findings: targetState.findings,
  latencyMs: targetState.latencyMs,
  checkedAt: targetState.checkedAt,
  since: targetState.since,
  version: targetState.version,
  uptimeMs: targetState.uptimeMs,
  uptimeAt: targetState.uptimeAt,
  ready: targetState.ready,
  resources: targetState.resources,
  hPaused: targetHealing.paused,
  hRestarts: targetHealing.restarts,
  hEscalatedAt: targetHealing.escalatedAt,
  hReason: targetHealing.escalationReason,
  hNextRestartAt: targetHealing.nextRestartAt,
  hNextAttempt: targetHealing.nextAttempt,
  hRestartingAt: targetHealing.restartingAt,
  hInWindow: targetHealing.restartsInWindow,
  hMax: targetHealing.maxAttempts,
  hDriver: targetHealing.driver,
  hStartingSince: targetHealing.startingSince,
  hStartDeadline: targetHealing.startDeadline,
  hLastExit: targetHealing.lastExit,
  dLatest: sql<TargetRow["dLatest"]>`(SELECT json_build_object('caseId', d.case_id, 'confidence', d.confidence, 'outcome', d.outcome, 'at', d.at)
    FROM diagnoses d WHERE d.target = ${targets.name} ORDER BY d.id DESC LIMIT 1)`,
};

function selectTargets({ db }: DbHandle) {
  return db
    .select(targetColumns)
    .from(targets)
    .innerJoin(targetState, eq(targetState.name, targets.name))
    .leftJoin(targetHealing, eq(targetHealing.target, targets.name));
}

export async function listTargets(h: DbHandle): Promise<TargetView[]> {
  const rows = await selectTargets(h).where(isNull(targets.retiredAt)).orderBy(asc(targets.position), asc(targets.name));
  return rows.map((r) => toTargetView(r as TargetRow));
}

export async function getTarget(h: DbHandle, name: string): Promise<TargetView> {
  const rows = await selectTargets(h).where(and(eq(targets.name, name), isNull(targets.retiredAt)));
  const row = rows[0];
  if (!row) throw notFound(`target "${name}"`, "name");
  return toTargetView(row as TargetRow);
}

export async function getTargetsByName(h: DbHandle, names: string[]): Promise<TargetView[]> {
  if (names.length === 0) return [];
  const rows = await h.sql<TargetRow[]>`
    SELECT t.name, t.display_name AS "displayName", t.kind, t."check", t.base_url AS "baseUrl", t.enabled, t.config,
           s.status, s.reason, s.findings, s.latency_ms AS "latencyMs", s.checked_at AS "checkedAt", s.since, s.version,
           s.uptime_ms AS "uptimeMs", s.uptime_at AS "uptimeAt", s.ready, s.resources,
           h.paused AS "hPaused", h.restarts AS "hRestarts", h.escalated_at AS "hEscalatedAt", h.escalation_reason AS "hReason",
           h.next_restart_at AS "hNextRestartAt", h.next_attempt AS "hNextAttempt", h.restarting_at AS "hRestartingAt",
           h.restarts_in_window AS "hInWindow", h.max_attempts AS "hMax", h.driver AS "hDriver",
           h.starting_since AS "hStartingSince", h.start_deadline AS "hStartDeadline", h.last_exit AS "hLastExit",
           (SELECT json_build_object('caseId', d.case_id, 'confidence', d.confidence, 'outcome', d.outcome, 'at', d.at)
              FROM diagnoses d WHERE d.target = t.name ORDER BY d.id DESC LIMIT 1) AS "dLatest"
    FROM targets t JOIN target_state s ON s.name = t.name LEFT JOIN target_healing h ON h.target = t.name
    WHERE t.name = ANY(${names}) ORDER BY t.position, t.name`;
  return rows.map(toTargetView);
}

export type SamplePoint = { t: string; latencyMs: number | null; maxLatencyMs: number | null; status: TargetStatus; count: number };

/** Samples of one target, downsampled into at most ~maxPoints buckets. */
export async function listSamples(h: DbHandle, name: string, from: Date, to: Date, maxPoints = 500) {
  await getTarget(h, name);
  const bucketMs = bucketSizeMs(from.getTime(), to.getTime(), maxPoints);
  const rows = await h.sql<{ t: Date; latencyMs: number | null; maxLatencyMs: number | null; severity: number; count: number }[]>`
    SELECT date_bin(make_interval(secs => ${bucketMs / 1000}), checked_at, ${from}) AS t,
           avg(latency_ms)::float8 AS "latencyMs", max(latency_ms)::float8 AS "maxLatencyMs",
           max(CASE status WHEN 'down' THEN 3 WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 WHEN 'ok' THEN 0 ELSE -1 END)::int AS severity,
           count(*)::int AS count
    FROM probe_samples
    WHERE target = ${name} AND checked_at >= ${from} AND checked_at < ${to}
    GROUP BY 1 ORDER BY 1`;
  const statusOf = ["ok", "warning", "critical", "down"] as const;
  const points: SamplePoint[] = rows.map((r) => ({
    t: r.t.toISOString(),
    latencyMs: r.latencyMs === null ? null : Math.round(r.latencyMs * 10) / 10,
    maxLatencyMs: r.maxLatencyMs === null ? null : Math.round(r.maxLatencyMs * 10) / 10,
    status: statusOf[r.severity] ?? "unknown",
    count: r.count,
  }));
  return { target: name, from: from.toISOString(), to: to.toISOString(), bucketMs, points };
}

export async function listEvents(
  { db }: DbHandle,
  filter: { target?: string | undefined; limit: number; before?: number | undefined },
): Promise<StatusEventView[]> {
  const conditions = [];
  if (filter.target) conditions.push(eq(statusEvents.target, filter.target));
  if (filter.before) conditions.push(lt(statusEvents.id, filter.before));
  const rows = await db
    .select()
    .from(statusEvents)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(statusEvents.at), desc(statusEvents.id))
    .limit(filter.limit);
  return rows.map((r) => ({
    id: r.id,
    target: r.target,
    at: r.at.toISOString(),
    kind: r.kind,
    from: r.fromStatus,
    to: r.toStatus,
    reason: r.reason,
  }));
}
