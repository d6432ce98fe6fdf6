/**
 * The cost of SLO status at 10,000 targets over 30 days, read from the rollups (not a timed assertion).
 * Seeds a database of its own with a month of hourly rollups and three days of 5-minute rollups for every
 * target (what the rollup job keeps), then times: one SLO over the whole fleet, and one SLO per target.
 *   node --experimental-strip-types packages/core/bench/slo-status.ts [targets] [per-target SLOs to time]
 */
import { loadavg } from "node:os";
import { createDb } from "@ops/db";
import { createTestDatabase } from "@ops/db/test";
import { BUCKET_MS, DAY_MS, HOUR_MS } from "@ops/domain";
import { systemContext } from "../src/identity/context.ts";
import { createSlo, getSlo, listSlos } from "../src/slo/slos.ts";

const TARGETS = Number(process.argv[2] ?? 10_000);
const PER_TARGET = Number(process.argv[3] ?? TARGETS);
const now = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 17 * 60_000;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

const database = await createTestDatabase();
const db = createDb(database.url, { max: 4, applicationName: "openclaw-ops-bench" });
try {
  const t0 = performance.now();
  await db.sql`
    INSERT INTO targets (name, display_name, kind, "check", base_url, config)
    SELECT 't' || i, 't' || i, 'agent', 'http', 'http://127.0.0.1:1', '{}'::jsonb FROM generate_series(1, ${TARGETS}) i`;
  // 120 probes an hour (one every 30 s); one target in 50 has a bad hour a day.
  await db.sql`
    INSERT INTO sample_rollups_hourly (target, hour, valid, good, under100, under250, under500, under1000, under2500, under5000)
    SELECT 't' || i, h, 120, CASE WHEN i % 50 = 0 AND extract(hour FROM h) = 3 THEN 108 ELSE 120 END, 60, 100, 118, 120, 120, 120
    FROM generate_series(1, ${TARGETS}) i, generate_series(${new Date(now - 30 * DAY_MS)}::timestamptz, ${new Date(Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS)}::timestamptz, '1 hour') h`;
  await db.sql`
    INSERT INTO sample_rollups (target, bucket, valid, good, under100, under250, under500, under1000, under2500, under5000)
    SELECT 't' || i, b, 10, 10, 5, 8, 10, 10, 10, 10
    FROM generate_series(1, ${TARGETS}) i, generate_series(${new Date(now - 3 * DAY_MS)}::timestamptz, ${new Date(Math.floor(now / BUCKET_MS) * BUCKET_MS - BUCKET_MS)}::timestamptz, '5 minutes') b`;
  await db.sql`VACUUM ANALYZE sample_rollups_hourly`;
  await db.sql`VACUUM ANALYZE sample_rollups`;
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
  for (const round of [1, 2, 3]) {
    const t = performance.now();
    const v = await getSlo(db, fleet.id, now);
    console.log(
      `one SLO over all ${v.status.targets.length} targets, 30 d, with burn-down (${v.status.burnDown!.length} points), run ${round}: ${ms(t)}; load ${load()}`,
    );
  }
  await db.sql`DELETE FROM slos`;
  const t1 = performance.now();
  for (let i = 1; i <= PER_TARGET; i++)
    await createSlo(db, admin, {
      name: `t${i}`,
      kind: "availability",
      selector: { type: "targets", targets: [`t${i}`] },
      objectivePercent: 99.9,
      windowDays: 30,
      policy: "none",
    });
  console.log(`created ${PER_TARGET} per-target SLOs in ${ms(t1)}`);
  const t2 = performance.now();
  const views = await listSlos(db, now);
  const exhausted = views.filter((v) => v.status.budget.spentMinutes > 0).length;
  console.log(
    `GET /api/slos core (listSlos): ${views.length} per-target SLOs over 30 d in ${ms(t2)} (${((performance.now() - t2) / views.length).toFixed(2)} ms each; ${exhausted} spent budget); load ${load()}`,
  );
  console.log(
    'goal: none set by the issue beyond "stays cheap"; for scale, reading raw samples would touch 120 × 720 = 86,400 rows a target (864 M at 10,000).',
  );
} finally {
  await db.close();
  await database.drop();
}
