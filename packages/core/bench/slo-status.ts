/**
 * The cost of SLO status at 10,000 targets over 30 days (printed beside the goals, not a timed assertion).
 * Seeds a database of its own with a month of hourly rollups and three days of 5-minute rollups for every
 * target (what the rollup job keeps) and the last ten minutes of probe samples (the live tail), one SLO over
 * the whole fleet, two group SLOs and one SLO per target, then times:
 *   - one SLO over all targets from the per-target rollups (the path before each SLO had its own), and from
 *     its own rollups (goal: well under 500 ms, burn-down included);
 *   - the rollup pass: the first one (every SLO built whole) and a steady one (the minute job's);
 *   - every SLO's status in one batch and stored (the minute job's alert pass does this);
 *   - the list (GET /api/slos) and the SLO series of GET /metrics, reading the stored statuses.
 *   node --experimental-strip-types packages/core/bench/slo-status.ts [targets]
 */
import { loadavg } from "node:os";
import { createDb, maintainSamplePartitions } from "@ops/db";
import { createTestDatabase } from "@ops/db/test";
import { BUCKET_MS, DAY_MS, HOUR_MS } from "@ops/domain";
import { systemContext } from "../src/identity/context.ts";
import { renderExposition } from "../src/metrics/exposition.ts";
import { sloFamilies } from "../src/metrics/slo.ts";
import { rollUpSamples } from "../src/slo/rollups.ts";
import { computeSlos, createSlo, getSlo, listSlos, writeSloStatuses } from "../src/slo/slos.ts";

const TARGETS = Number(process.argv[2] ?? 10_000);
const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 17 * 60_000 + 20_000;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const since = (t: number) => performance.now() - t;
const ms = (t: number) => `${since(t).toFixed(0)} ms`;
const goal = (took: number, limit: number) => `${took.toFixed(0)} ms (goal < ${limit} ms ${took < limit ? "✓" : "✗"})`;

const database = await createTestDatabase();
const db = createDb(database.url, { max: 4, applicationName: "openclaw-ops-bench" });
try {
  const t0 = performance.now();
  await db.sql`
    INSERT INTO targets (name, display_name, kind, "check", base_url, config)
    SELECT 't' || i, 't' || i, CASE WHEN i % 10 = 0 THEN 'service' ELSE 'agent' END, 'http', 'http://127.0.0.1:1', '{}'::jsonb FROM generate_series(1, ${TARGETS}) i`;
  // 120 probes an hour (one every 30 s); one target in 50 has a bad hour a day.
  await db.sql`
    INSERT INTO sample_rollups_hourly (target, hour, valid, good, under100, under250, under500, under1000, under2500, under5000)
    SELECT 't' || i, h, 120, CASE WHEN i % 50 = 0 AND extract(hour FROM h) = 3 THEN 108 ELSE 120 END, 60, 100, 118, 120, 120, 120
    FROM generate_series(1, ${TARGETS}) i, generate_series(${new Date(now - 30 * DAY_MS)}::timestamptz, ${new Date(Math.floor(now / HOUR_MS) * HOUR_MS)}::timestamptz, '1 hour') h`;
  await db.sql`
    INSERT INTO sample_rollups (target, bucket, valid, good, under100, under250, under500, under1000, under2500, under5000)
    SELECT 't' || i, b, 10, 10, 5, 8, 10, 10, 10, 10
    FROM generate_series(1, ${TARGETS}) i, generate_series(${new Date(now - 3 * DAY_MS)}::timestamptz, ${new Date(Math.floor(now / BUCKET_MS) * BUCKET_MS - BUCKET_MS)}::timestamptz, '5 minutes') b`;
  // The live tail: the last ten minutes of samples, and the rollup marks of a worker that has been running.
  await maintainSamplePartitions(db.sql, { now, daysAhead: 1, retentionDays: 30 });
  await db.sql`
    INSERT INTO probe_samples (target, checked_at, status, latency_ms)
    SELECT 't' || i, s, CASE WHEN i % 50 = 0 AND extract(second FROM s) < 30 THEN 'down' ELSE 'ok' END, 120
    FROM generate_series(1, ${TARGETS}) i, generate_series(${new Date(now - 10 * 60_000)}::timestamptz, ${new Date(now)}::timestamptz, '30 seconds') s`;
  await db.sql`
    INSERT INTO rollup_progress (level, up_to) VALUES ('5m', ${new Date(Math.floor(now / BUCKET_MS) * BUCKET_MS - BUCKET_MS)}), ('1h', ${new Date(Math.floor(now / HOUR_MS) * HOUR_MS)})`;
  for (const t of ["sample_rollups_hourly", "sample_rollups", "probe_samples", "targets"]) await db.sql.unsafe(`VACUUM ANALYZE ${t}`);
  const [sizes] = await db.sql<{ hourly: number; five: number; bytes: string }[]>`
    SELECT (SELECT count(*) FROM sample_rollups_hourly)::int AS hourly, (SELECT count(*) FROM sample_rollups)::int AS five,
      pg_size_pretty(pg_total_relation_size('sample_rollups_hourly') + pg_total_relation_size('sample_rollups')) AS bytes`;
  console.log(`seeded ${TARGETS} targets: ${sizes!.hourly} hourly + ${sizes!.five} 5-minute rollup rows (${sizes!.bytes}) in ${ms(t0)}; load ${load()}`);

  const admin = systemContext("bench");
  const fleet = await createSlo(db, admin, {
    name: "fleet",
    kind: "availability",
    selector: { type: "group", group: "all" },
    objectivePercent: 99.9,
    windowDays: 30,
    policy: "none",
  });
  await createSlo(db, admin, {
    name: "agents fast",
    kind: "latency",
    thresholdMs: 250,
    selector: { type: "group", group: "agents" },
    objectivePercent: 80,
    windowDays: 30,
    policy: "none",
  });
  await createSlo(db, admin, {
    name: "services",
    kind: "availability",
    selector: { type: "group", group: "services" },
    objectivePercent: 99.5,
    windowDays: 7,
    policy: "none",
  });
  const t1 = performance.now();
  await db.sql`
    INSERT INTO slos (name, kind, selector, objective_percent, window_days, policy, source, created_by)
    SELECT 't' || i, 'availability', jsonb_build_object('type', 'targets', 'targets', jsonb_build_array('t' || i)), 99.9, 30, 'none', 'config', 'bench'
    FROM generate_series(1, ${TARGETS}) i`;
  console.log(`created 3 group SLOs and ${TARGETS} per-target SLOs in ${ms(t1)}`);

  const before = performance.now();
  const old = await getSlo(db, fleet.id, now);
  console.log(
    `one SLO over all ${old.status.targets.length} targets, 30 d, burn-down (${old.status.burnDown!.length} points), from the per-target rollups (before): ${ms(before)}; load ${load()}`,
  );

  const t2 = performance.now();
  const first = await rollUpSamples(db, now);
  console.log(`rollup pass, first (every SLO built whole: ${first.slos.rebuilt} SLOs, ${first.slos.rows} rows): ${ms(t2)}; load ${load()}`);
  for (const t of ["slo_rollups_hourly", "slo_rollups"]) await db.sql.unsafe(`VACUUM ANALYZE ${t}`);
  const [own] = await db.sql<{ hourly: number; five: number; bytes: string }[]>`
    SELECT (SELECT count(*) FROM slo_rollups_hourly)::int AS hourly, (SELECT count(*) FROM slo_rollups)::int AS five,
      pg_size_pretty(pg_total_relation_size('slo_rollups_hourly') + pg_total_relation_size('slo_rollups')) AS bytes`;
  console.log(`per-SLO rollups: ${own!.hourly} hourly + ${own!.five} 5-minute rows (${own!.bytes})`);
  const t3 = performance.now();
  const steady = await rollUpSamples(db, now + 60_000);
  console.log(
    `rollup pass, steady (a minute later: ${steady.fiveMinute.rows} target buckets, ${steady.slos.rows} SLO rows, ${steady.slos.rebuilt} rebuilt): ${ms(t3)}; load ${load()}`,
  );

  const at = now + 60_000;
  for (const round of [1, 2, 3]) {
    const t = performance.now();
    const v = await getSlo(db, fleet.id, at);
    console.log(
      `one SLO over all ${v.status.targets.length} targets, 30 d, burn-down (${v.status.burnDown!.length} points), own rollups, run ${round}: ${goal(since(t), 500)}; load ${load()}`,
    );
  }

  const t4 = performance.now();
  const rows = await db.sql`SELECT id, name, description, kind, selector, objective_percent AS "objectivePercent", threshold_ms AS "thresholdMs",
      window_days AS "windowDays", policy, policy_lifted_until AS "policyLiftedUntil", source, learning_id AS "learningId", version,
      created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt" FROM slos`;
  const typed = rows as unknown as Parameters<typeof writeSloStatuses>[1];
  const computed = await computeSlos(db.sql, typed, at);
  const took4 = since(t4);
  const t5 = performance.now();
  await writeSloStatuses(db.sql, typed, computed, at);
  console.log(
    `every SLO's status in one batch (${computed.size} SLOs, the minute job's alert pass): ${goal(took4, 10_000)}; stored in ${ms(t5)}; load ${load()}`,
  );

  for (const round of [1, 2]) {
    const t6 = performance.now();
    const views = await listSlos(db, at + 10_000);
    const took6 = since(t6);
    const spent = views.filter((v) => v.status.budget.spentMinutes > 0).length;
    const t7 = performance.now();
    const text = renderExposition(sloFamilies(views));
    console.log(
      `GET /api/slos core (listSlos, stored statuses), run ${round}: ${views.length} SLOs (${spent} spent budget) in ${goal(took6, 1_000)}; their /metrics series rendered in ${ms(t7)} (${(text.length / 1e6).toFixed(1)} MB); load ${load()}`,
    );
  }
} finally {
  await db.close();
  await database.drop();
}
