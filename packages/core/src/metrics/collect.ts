import type { TargetView } from "@ops/contract";
import type { DbHandle } from "@ops/db";
import type { Redis } from "ioredis";
import { QUEUE_NAMES, metricsKey, type Queues } from "../queues.ts";
import type { MetricFamily, Sample } from "./exposition.ts";
import { probeFamilies, readProbeCounters } from "./probe-counters.ts";

/** Numeric code of openclaw_ops_target_status: higher is worse, so max() over targets is the fleet's worst. */
export const TARGET_STATUS_CODE = { ok: 0, unknown: 1, warning: 2, critical: 3, down: 4 } as const;

const RESTART_DONE = ["healthy", "succeeded", "failed", "timed-out", "interrupted", "skipped"] as const;
const DIAGNOSIS_DONE = ["fixed", "not-fixed", "no-match", "unsure"] as const;
const ALERT_DONE = ["sent", "failed", "suppressed"] as const;
/** Jobs waiting to run, by state; `failed` is the failed jobs BullMQ keeps (up to each job's keepFailed). */
const QUEUE_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "failed"] as const;

const family = (name: string, type: MetricFamily["type"], help: string, samples: Sample[]): MetricFamily => ({ name, type, help, samples });

/** Per-target status and counts by status, from the same views GET /api/targets answers with. */
export function fleetFamilies(targets: readonly TargetView[]): MetricFamily[] {
  const counts: Record<TargetView["status"], number> = { ok: 0, warning: 0, critical: 0, down: 0, unknown: 0 };
  for (const t of targets) counts[t.status]++;
  return [
    family(
      "openclaw_ops_target_status",
      "gauge",
      "Each target's status as a code: 0 ok, 1 unknown, 2 warning, 3 critical, 4 down (higher is worse). enabled=false: not monitored.",
      targets.map((t) => ({ labels: { target: t.name, kind: t.kind, check: t.check, enabled: String(t.enabled) }, value: TARGET_STATUS_CODE[t.status] })),
    ),
    family(
      "openclaw_ops_targets",
      "gauge",
      "Targets by status (as GET /api/targets/summary counts them).",
      (Object.keys(counts) as TargetView["status"][]).map((status) => ({ labels: { status }, value: counts[status] })),
    ),
  ];
}

/**
 * The series read from PostgreSQL: four aggregate queries, each a GROUP BY over a small table or an index. Counters
 * derived from rows (restarts, diagnoses, alert deliveries) drop when retention deletes rows; Prometheus reads
 * that as a reset.
 */
export async function databaseFamilies(h: DbHandle): Promise<MetricFamily[]> {
  const [restarts, diagnoses, alerts, incidents] = await Promise.all([
    h.sql<{ kind: string; status: string; n: number }[]>`SELECT kind, status, count(*)::int AS n FROM restarts GROUP BY 1, 2 ORDER BY 1, 2`,
    h.sql<{ caseId: string; outcome: string; n: number }[]>`
      SELECT coalesce(case_id, 'none') AS "caseId", outcome, count(*)::int AS n FROM diagnoses GROUP BY 1, 2 ORDER BY 1, 2`,
    h.sql<{ channel: string; status: string; n: number }[]>`SELECT channel, status, count(*)::int AS n FROM alerts GROUP BY 1, 2 ORDER BY 1, 2`,
    h.sql<{ severity: string; status: string; n: number }[]>`
      SELECT severity, status, count(*)::int AS n FROM incidents WHERE resolved_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2`,
  ]);
  const done = <T extends string>(list: readonly T[], v: string) => (list as readonly string[]).includes(v);
  const bySeverity = new Map(["P1", "P2", "P3", "P4"].map((s) => [s, 0]));
  for (const r of incidents) bySeverity.set(r.severity, (bySeverity.get(r.severity) ?? 0) + r.n);
  return [
    family(
      "openclaw_ops_restarts_total",
      "counter",
      "Finished restart attempts by kind (start: the console's own first start; restart: after a failure) and outcome.",
      restarts.filter((r) => done(RESTART_DONE, r.status)).map((r) => ({ labels: { kind: r.kind, outcome: r.status }, value: r.n })),
    ),
    family("openclaw_ops_restarts_in_progress", "gauge", "Restart attempts under way (started or starting).", [
      { value: restarts.filter((r) => !done(RESTART_DONE, r.status)).reduce((a, r) => a + r.n, 0) },
    ]),
    family(
      "openclaw_ops_doctor_diagnoses_total",
      "counter",
      "Finished doctor diagnoses by case (none: no case matched) and result.",
      diagnoses.filter((r) => done(DIAGNOSIS_DONE, r.outcome)).map((r) => ({ labels: { case: r.caseId, result: r.outcome }, value: r.n })),
    ),
    family(
      "openclaw_ops_alert_deliveries_total",
      "counter",
      "Alert deliveries by channel and result (sent, failed, suppressed by a cooldown or quiet rule).",
      alerts.filter((r) => done(ALERT_DONE, r.status)).map((r) => ({ labels: { channel: r.channel, result: r.status }, value: r.n })),
    ),
    family(
      "openclaw_ops_alert_deliveries_pending",
      "gauge",
      "Alert deliveries not sent yet, by channel.",
      alerts.filter((r) => r.status === "pending").map((r) => ({ labels: { channel: r.channel }, value: r.n })),
    ),
    family(
      "openclaw_ops_incidents_open",
      "gauge",
      "Incidents not resolved (open, acknowledged or mitigated), by severity.",
      [...bySeverity].map(([severity, n]) => ({ labels: { severity }, value: n })),
    ),
    family(
      "openclaw_ops_incidents_open_by_status",
      "gauge",
      "Incidents not resolved, by severity and status.",
      incidents.map((r) => ({ labels: { severity: r.severity, status: r.status }, value: r.n })),
    ),
  ];
}

/** Queue depths from BullMQ's getJobCounts (one call per queue), probe counters and dropped shards from Redis. */
export async function redisFamilies(redis: Redis, queues: Queues, prefix: string): Promise<MetricFamily[]> {
  const [counts, probes, dropped] = await Promise.all([
    Promise.all(QUEUE_NAMES.map(async (q) => ({ q, counts: await queues[q].getJobCounts(...QUEUE_STATES) }))),
    readProbeCounters(redis, prefix),
    redis.get(metricsKey(prefix, "probe-shard-dropped")),
  ]);
  return [
    family(
      "openclaw_ops_queue_jobs",
      "gauge",
      "Jobs in each BullMQ queue by state (waiting, active, delayed, prioritized, waiting-children, failed).",
      counts.flatMap(({ q, counts: c }) => QUEUE_STATES.map((state) => ({ labels: { queue: q, state }, value: c[state] ?? 0 }))),
    ),
    family(
      "openclaw_ops_queue_failed_jobs",
      "gauge",
      "Failed jobs each queue keeps (BullMQ's failed set, trimmed to each job's keepFailed): watch its increase for job failures.",
      counts.map(({ q, counts: c }) => ({ labels: { queue: q }, value: c.failed ?? 0 })),
    ),
    ...probeFamilies(probes),
    family(
      "openclaw_ops_probe_shards_dropped_total",
      "counter",
      "Probe shards skipped because they started more than two intervals late while a newer run of the shard had started (a backlog shed).",
      [{ value: Number(dropped ?? 0) }],
    ),
  ];
}
