import { columns, type DbHandle, type Row, statusEvents } from "@ops/db";
import { bucketSizeMs, type TargetStatus } from "@ops/domain";
import { notFound } from "../errors.ts";
import { toTargetView, type StatusEventView, type TargetRow, type TargetView } from "./views.ts";

/** A target joined with its state, its healing row and its latest diagnosis: the one select behind every target view. */
const SELECT_TARGETS = `
    SELECT t.name, t.display_name AS "displayName", t.kind, t."check", t.base_url AS "baseUrl", t.enabled, t.config,
           s.status, s.reason, s.findings, s.latency_ms AS "latencyMs", s.checked_at AS "checkedAt", s.since, s.version,
           s.uptime_ms AS "uptimeMs", s.uptime_at AS "uptimeAt", s.ready, s.resources,
           h.paused AS "hPaused", h.restarts AS "hRestarts", h.escalated_at AS "hEscalatedAt", h.escalation_reason AS "hReason",
           h.next_restart_at AS "hNextRestartAt", h.next_attempt AS "hNextAttempt", h.restarting_at AS "hRestartingAt",
           h.restarts_in_window AS "hInWindow", h.max_attempts AS "hMax", h.driver AS "hDriver",
           h.starting_since AS "hStartingSince", h.start_deadline AS "hStartDeadline", h.last_exit AS "hLastExit",
           (SELECT json_build_object('caseId', d.case_id, 'confidence', d.confidence, 'outcome', d.outcome, 'at', d.at)
              FROM diagnoses d WHERE d.target = t.name ORDER BY d.id DESC LIMIT 1) AS "dLatest"
    FROM targets t JOIN target_state s ON s.name = t.name LEFT JOIN target_healing h ON h.target = t.name`;

export async function listTargets(h: DbHandle): Promise<TargetView[]> {
  const rows = await h.sql.unsafe<TargetRow[]>(`${SELECT_TARGETS} WHERE t.retired_at IS NULL ORDER BY t.position, t.name`);
  return rows.map(toTargetView);
}

export async function getTarget(h: DbHandle, name: string): Promise<TargetView> {
  const [row] = await h.sql.unsafe<TargetRow[]>(`${SELECT_TARGETS} WHERE t.name = $1 AND t.retired_at IS NULL`, [name]);
  if (!row) throw notFound(`target "${name}"`, "name");
  return toTargetView(row);
}

export async function getTargetsByName(h: DbHandle, names: string[]): Promise<TargetView[]> {
  if (names.length === 0) return [];
  const rows = await h.sql.unsafe<TargetRow[]>(`${SELECT_TARGETS} WHERE t.name = ANY($1) ORDER BY t.position, t.name`, [names]);
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

export async function listEvents(h: DbHandle, filter: { target?: string | undefined; limit: number; before?: number | undefined }): Promise<StatusEventView[]> {
  const rows = await h.sql<Row<typeof statusEvents>[]>`
    SELECT ${h.sql.unsafe(columns(statusEvents))} FROM status_events
    WHERE (${filter.target ?? null}::text IS NULL OR target = ${filter.target ?? null})
      AND (${filter.before ?? null}::bigint IS NULL OR id < ${filter.before ?? null})
    ORDER BY at DESC, id DESC LIMIT ${filter.limit}`;
  return rows.map((r) => ({ id: r.id, target: r.target, at: r.at.toISOString(), kind: r.kind, from: r.fromStatus, to: r.toStatus, reason: r.reason }));
}
