import { LATENCY_BOUNDS_MS, type SloSelector } from "@ops/contract";
import type { DbHandle } from "@ops/db";
import { BUCKET_MS, DAY_MS, HOUR_MS } from "@ops/domain";
import type postgres from "postgres";

type Sql = postgres.Sql | postgres.TransactionSql;

import { GOOD_STATUSES, UNDER_COLUMNS, VALID_STATUSES } from "./columns.ts";
import { rollUpSlos, type SloRollupPass } from "./batch.ts";

export { GOOD_STATUSES, UNDER_COLUMNS, VALID_STATUSES };

/** Rollups rebuild this much before their mark on every pass, so samples written late are counted. */
const LATE_MS = 10 * 60_000;
/** 5-minute rollups are read by the burn windows (≤ 3 d); hourly ones by the budget windows (≤ 90 d). */
export const FIVE_MINUTE_RETENTION_MS = 4 * DAY_MS;
export const HOURLY_RETENTION_MS = 92 * DAY_MS;

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;

/** The count expressions of a rollup from probe_samples `s`. */
function sampleCounts(sql: Sql) {
  const good = sql`s.status = ANY(${GOOD_STATUSES}::text[])`;
  return sql`count(*) FILTER (WHERE s.status = ANY(${VALID_STATUSES}::text[]))::int AS valid, count(*) FILTER (WHERE ${good})::int AS good,
    ${sql.unsafe(LATENCY_BOUNDS_MS.map((b) => `count(*) FILTER (WHERE s.status IN (${GOOD_STATUSES.map((g) => `'${g}'`).join(", ")}) AND s.latency_ms <= ${b})::int AS under${b}`).join(", "))}`;
}

const UPDATE_SET = ["valid", "good", ...UNDER_COLUMNS].map((c) => `${c} = EXCLUDED.${c}`).join(", ");
const COUNT_COLUMNS = ["valid", "good", ...UNDER_COLUMNS].join(", ");

export type RollupPass = { fiveMinute: { from: Date; rows: number }; hourly: { from: Date; rows: number }; pruned: number; slos: SloRollupPass };

/**
 * One pass of rollup maintenance, idempotent: every bucket from a little before the last mark up to `now`
 * (the current, partial bucket included) is recounted from probe_samples and overwritten, then the hours
 * those buckets fall in are summed again from the 5-minute rollups. Two passes at once, or the same pass
 * twice, write the same rows.
 */
export async function rollUpSamples(h: DbHandle, now = Date.now()): Promise<RollupPass> {
  return h.sql.begin(async (tx) => {
    // One pass at a time: a second worker waits, then finds nothing older to redo.
    await tx`SELECT pg_advisory_xact_lock(hashtext('slo-rollups'))`;
    const marks = new Map(
      (await tx<{ level: string; upTo: Date }[]>`SELECT level, up_to AS "upTo" FROM rollup_progress`).map((r) => [r.level, r.upTo.getTime()]),
    );
    const earliest = now - FIVE_MINUTE_RETENTION_MS;
    const from5 = floorTo(Math.max(earliest, (marks.get("5m") ?? earliest) - LATE_MS), BUCKET_MS);
    const five = await tx`
      INSERT INTO sample_rollups (target, bucket, ${tx.unsafe(COUNT_COLUMNS)})
      SELECT s.target, to_timestamp(floor(extract(epoch FROM s.checked_at) / 300) * 300) AS bucket, ${sampleCounts(tx)}
      FROM probe_samples s
      WHERE s.checked_at >= ${new Date(from5)} AND s.checked_at <= ${new Date(now)}
      GROUP BY 1, 2
      ON CONFLICT (target, bucket) DO UPDATE SET ${tx.unsafe(UPDATE_SET)}`;
    const fromHour = floorTo(Math.min(from5, marks.get("1h") ?? from5), HOUR_MS);
    if (!marks.has("1h"))
      // The first pass: the hours before the 5-minute rollups' reach come straight from the samples kept.
      await tx`
        INSERT INTO sample_rollups_hourly (target, hour, ${tx.unsafe(COUNT_COLUMNS)})
        SELECT s.target, date_trunc('hour', s.checked_at) AS hour, ${sampleCounts(tx)}
        FROM probe_samples s
        WHERE s.checked_at >= ${new Date(now - HOURLY_RETENTION_MS)} AND s.checked_at < ${new Date(fromHour)}
        GROUP BY 1, 2
        ON CONFLICT (target, hour) DO UPDATE SET ${tx.unsafe(UPDATE_SET)}`;
    const hourly = await tx`
      INSERT INTO sample_rollups_hourly (target, hour, ${tx.unsafe(COUNT_COLUMNS)})
      SELECT target, date_trunc('hour', bucket) AS hour, ${tx.unsafe(["valid", "good", ...UNDER_COLUMNS].map((c) => `sum(${c})::int AS ${c}`).join(", "))}
      FROM sample_rollups WHERE bucket >= ${new Date(fromHour)} AND bucket <= ${new Date(now)}
      GROUP BY 1, 2
      ON CONFLICT (target, hour) DO UPDATE SET ${tx.unsafe(UPDATE_SET)}`;
    await tx`
      INSERT INTO rollup_progress (level, up_to) VALUES ('5m', ${new Date(floorTo(now, BUCKET_MS))}), ('1h', ${new Date(floorTo(now, HOUR_MS))})
      ON CONFLICT (level) DO UPDATE SET up_to = EXCLUDED.up_to`;
    const a = await tx`DELETE FROM sample_rollups WHERE bucket < ${new Date(now - FIVE_MINUTE_RETENTION_MS)}`;
    const b = await tx`DELETE FROM sample_rollups_hourly WHERE hour < ${new Date(now - HOURLY_RETENTION_MS)}`;
    // Each SLO's own rollups, from the per-target ones just written (same buckets; new or edited SLOs whole).
    const slos = await rollUpSlos(tx, now, from5, fromHour);
    return {
      fiveMinute: { from: new Date(from5), rows: five.count },
      hourly: { from: new Date(fromHour), rows: hourly.count },
      pruned: a.count + b.count,
      slos,
    };
  });
}

/** The targets a selector covers now: named ones as named, a group as the enabled, unretired targets of its kind. */
export async function selectorTargets(sql: Sql, selector: SloSelector): Promise<string[]> {
  if (selector.type === "targets") return [...selector.targets];
  const kind = selector.group === "agents" ? "agent" : selector.group === "services" ? "service" : null;
  const rows = await sql<{ name: string }[]>`
    SELECT name FROM targets WHERE enabled AND retired_at IS NULL AND (${kind}::text IS NULL OR kind = ${kind}) ORDER BY position, name`;
  return rows.map((r) => r.name);
}
