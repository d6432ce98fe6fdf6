/**
 * SLO status at fleet scale: each SLO's own rollups (its targets summed, its own good events), built by the
 * rollup pass from the per-target rollups, and a batch evaluation of many SLOs in three set-based queries.
 * The maths is the domain's (evaluateTotals); this file only sums counts with the same window bounds as
 * readSloBuckets, so both paths give the same numbers.
 */
import { createHash } from "node:crypto";
import { LATENCY_BOUNDS_MS, type SloSelector } from "@ops/contract";
import { columns, slos, type Row } from "@ops/db";
import {
  BURN_WINDOWS,
  BUCKET_MS,
  DAY_MS,
  HOUR_MS,
  addCounts,
  emptyCounts,
  evaluateTotals,
  goodEvents,
  sloCounts,
  windowStart,
  type BurnWindow,
  type SliCounts,
  type SloEvaluation,
} from "@ops/domain";
import type postgres from "postgres";
import { GOOD_STATUSES, UNDER_COLUMNS, VALID_STATUSES } from "./columns.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
type SloRow = Row<typeof slos>;
const COLUMNS = columns(slos);

/** Per-SLO 5-minute rollups cover the burn windows (≤ 3 d); hourly ones the budget window (≤ 90 d). */
export const SLO_FIVE_MINUTE_RETENTION_MS = 4 * DAY_MS;
export const SLO_HOURLY_RETENTION_MS = 92 * DAY_MS;

/** The targets of every SLO now, from one read of the fleet (named ones as named; groups in fleet order). */
export async function sloMembers(sql: Sql, rows: readonly Pick<SloRow, "id" | "selector">[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  const needFleet = rows.some((r) => (r.selector as SloSelector).type === "group");
  const fleet = needFleet
    ? await sql<{ name: string; kind: string }[]>`SELECT name, kind FROM targets WHERE enabled AND retired_at IS NULL ORDER BY position, name`
    : [];
  for (const r of rows) {
    const sel = r.selector as SloSelector;
    if (sel.type === "targets") out.set(r.id, [...sel.targets]);
    else {
      const kind = sel.group === "agents" ? "agent" : sel.group === "services" ? "service" : null;
      out.set(
        r.id,
        fleet.filter((t) => kind === null || t.kind === kind).map((t) => t.name),
      );
    }
  }
  return out;
}

/** The rollup column holding an SLO's good events. */
export function goodColumn(r: Pick<SloRow, "kind" | "thresholdMs">): string {
  if (r.kind === "availability") return "good";
  const i = LATENCY_BOUNDS_MS.indexOf(r.thresholdMs as (typeof LATENCY_BOUNDS_MS)[number]);
  if (i < 0) throw new Error(`latency threshold ${r.thresholdMs} ms is not one of ${LATENCY_BOUNDS_MS.join(", ")}`);
  return UNDER_COLUMNS[i]!;
}

/** What an SLO's own rollups depend on: its good events, its window and exactly its targets. */
export function sloKey(r: Pick<SloRow, "kind" | "thresholdMs" | "windowDays">, targets: readonly string[]): string {
  const digest = createHash("sha1")
    .update([...targets].sort().join("\n"))
    .digest("hex");
  return `${goodColumn(r)}:${r.windowDays}:${targets.length}:${digest}`;
}

const GOOD_CASE = `CASE m.col ${["good", ...UNDER_COLUMNS].map((c) => `WHEN '${c}' THEN r.${c}`).join(" ")} END`;

type Membership = { ids: number[]; targets: string[]; cols: string[] };

function membership(rows: readonly SloRow[], members: Map<number, string[]>): Membership {
  const m: Membership = { ids: [], targets: [], cols: [] };
  for (const r of rows) {
    const col = goodColumn(r);
    for (const t of members.get(r.id) ?? []) {
      m.ids.push(r.id);
      m.targets.push(t);
      m.cols.push(col);
    }
  }
  return m;
}

async function sumInto(tx: Sql, m: Membership, level: "5m" | "1h", from: number, to: number) {
  if (m.ids.length === 0) return 0;
  const [table, col, source] = level === "5m" ? ["slo_rollups", "bucket", "sample_rollups"] : ["slo_rollups_hourly", "hour", "sample_rollups_hourly"];
  const res = await tx`
    INSERT INTO ${tx(table)} (slo_id, ${tx(col)}, valid, good)
    SELECT m.slo_id, r.${tx(col)}, sum(r.valid)::int, sum(${tx.unsafe(GOOD_CASE)})::int
    FROM unnest(${m.ids}::bigint[], ${m.targets}::text[], ${m.cols}::text[]) AS m(slo_id, target, col)
    JOIN ${tx(source)} r ON r.target = m.target AND r.${tx(col)} >= ${new Date(from)} AND r.${tx(col)} <= ${new Date(to)}
    GROUP BY 1, 2
    ON CONFLICT (slo_id, ${tx(col)}) DO UPDATE SET valid = EXCLUDED.valid, good = EXCLUDED.good`;
  return res.count;
}

const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** Each SLO's days from `fromDay` on, summed again from its hourly rows (the current day too: it is read only once whole). */
async function sumDaily(tx: Sql, ids: number[], fromDay: number) {
  if (ids.length === 0) return 0;
  const res = await tx`
    INSERT INTO slo_rollups_daily (slo_id, day, valid, good, bad_hours)
    SELECT slo_id, to_timestamp(floor(extract(epoch FROM hour) / 86400) * 86400), sum(valid), sum(good),
      sum(CASE WHEN valid > 0 THEN (valid - good)::float8 / valid ELSE 0 END)
    FROM slo_rollups_hourly WHERE slo_id = ANY(${ids}::bigint[]) AND hour >= ${new Date(fromDay)}
    GROUP BY 1, 2
    ON CONFLICT (slo_id, day) DO UPDATE SET valid = EXCLUDED.valid, good = EXCLUDED.good, bad_hours = EXCLUDED.bad_hours`;
  return res.count;
}

export type SloRollupPass = { slos: number; rebuilt: number; rows: number };

/**
 * The per-SLO step of a rollup pass (inside its transaction, after the per-target rollups): SLOs built for
 * their current definition get the same buckets the pass just recounted (from `from5` and `fromHour`); the
 * others (new, edited, or a group whose members changed) are rebuilt over their whole window.
 */
export async function rollUpSlos(tx: Sql, now: number, from5: number, fromHour: number): Promise<SloRollupPass> {
  const rows = await tx<SloRow[]>`SELECT ${tx.unsafe(COLUMNS)} FROM slos ORDER BY id`;
  if (rows.length === 0) return { slos: 0, rebuilt: 0, rows: 0 };
  const members = await sloMembers(tx, rows);
  const built = new Map((await tx<{ sloId: number; key: string }[]>`SELECT slo_id AS "sloId", key FROM slo_rollup_state`).map((r) => [Number(r.sloId), r.key]));
  const keys = new Map(rows.map((r) => [r.id, sloKey(r, members.get(r.id) ?? [])]));
  const current = rows.filter((r) => built.get(r.id) === keys.get(r.id));
  const stale = rows.filter((r) => built.get(r.id) !== keys.get(r.id));
  let count = 0;
  const cur = membership(current, members);
  count += await sumInto(tx, cur, "5m", from5, now);
  count += await sumInto(tx, cur, "1h", fromHour, now);
  count += await sumDaily(
    tx,
    current.map((r) => r.id),
    floorDay(fromHour),
  );
  if (stale.length > 0) {
    const ids = stale.map((r) => r.id);
    await tx`DELETE FROM slo_rollups WHERE slo_id = ANY(${ids}::bigint[])`;
    await tx`DELETE FROM slo_rollups_hourly WHERE slo_id = ANY(${ids}::bigint[])`;
    await tx`DELETE FROM slo_rollups_daily WHERE slo_id = ANY(${ids}::bigint[])`;
    const m = membership(stale, members);
    const days = Math.max(...stale.map((r) => r.windowDays)) + 1;
    count += await sumInto(tx, m, "5m", Math.floor((now - SLO_FIVE_MINUTE_RETENTION_MS) / BUCKET_MS) * BUCKET_MS, now);
    count += await sumInto(tx, m, "1h", Math.floor((now - days * DAY_MS) / HOUR_MS) * HOUR_MS, now);
    count += await sumDaily(tx, ids, floorDay(now - days * DAY_MS));
    await tx`
      INSERT INTO slo_rollup_state (slo_id, key, built_at)
      SELECT * FROM unnest(${ids}::bigint[], ${stale.map((r) => keys.get(r.id)!)}::text[], ${stale.map(() => new Date(now).toISOString())}::timestamptz[])
      ON CONFLICT (slo_id) DO UPDATE SET key = EXCLUDED.key, built_at = EXCLUDED.built_at`;
  }
  await tx`DELETE FROM slo_rollups WHERE bucket < ${new Date(now - SLO_FIVE_MINUTE_RETENTION_MS)}`;
  await tx`DELETE FROM slo_rollups_hourly WHERE hour < ${new Date(now - SLO_HOURLY_RETENTION_MS)}`;
  await tx`DELETE FROM slo_rollups_daily WHERE day < ${new Date(now - SLO_HOURLY_RETENTION_MS)}`;
  return { slos: rows.length, rebuilt: stale.length, rows: count };
}

// ---------------------------------------------------------------------------------------------------------
// Batch evaluation from the per-SLO rollups.

export type SloComputed = { targets: string[]; key: string; evaluation: SloEvaluation };

type HourAgg = { sloId: string; bv: number; bg: number; bspent: number; v3d: number; g3d: number };
type FiveAgg = { sloId: string } & Record<string, number | string>;
type TailRow = { target: string } & Record<string, number | string>;

const FIVE_WINDOWS = ["30m", "1h", "6h"] as const satisfies readonly BurnWindow[];
const ratio = (valid: number, good: number) => (valid > 0 ? (valid - good) / valid : 0);
const n = (x: unknown) => Number(x ?? 0);

/**
 * The evaluation of every SLO in `rows` whose own rollups are built for its current definition (the others
 * are left out: the caller reads them from the per-target rollups). Sums the same buckets readSloBuckets
 * reads: hours [window start, this hour), 5-minute buckets of this hour, the live tail from the samples; the
 * burn windows from 5-minute buckets, with the 3-day one's whole hours from the hourly rollups.
 */
export async function evaluateBuilt(sql: Sql, rows: readonly SloRow[], now: number, members?: Map<number, string[]>): Promise<Map<number, SloComputed>> {
  const out = new Map<number, SloComputed>();
  if (rows.length === 0) return out;
  const mem = members ?? (await sloMembers(sql, rows));
  const ids = rows.map((r) => r.id);
  const built = new Map(
    (await sql<{ sloId: string; key: string }[]>`SELECT slo_id AS "sloId", key FROM slo_rollup_state WHERE slo_id = ANY(${ids}::bigint[])`).map((r) => [
      Number(r.sloId),
      r.key,
    ]),
  );
  const ready = rows.filter((r) => built.get(r.id) === sloKey(r, mem.get(r.id) ?? []));
  if (ready.length === 0) return out;
  const readyIds = ready.map((r) => r.id);
  const curBucket = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  const curHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const ws3d = windowStart(now, BURN_WINDOWS["3d"]);
  const hour3d = Math.ceil(ws3d / HOUR_MS) * HOUR_MS;
  const ws = Object.fromEntries(FIVE_WINDOWS.map((w) => [w, windowStart(now, BURN_WINDOWS[w])])) as Record<(typeof FIVE_WINDOWS)[number], number>;
  const fromMs = ready.map((r) => windowStart(now, r.windowDays * DAY_MS));
  const froms = fromMs.map((f) => new Date(f).toISOString());
  // Days [d0, d1) are read whole from the daily rows: d0 the first day starting inside the window, d1 today.
  const ceilDay = (ms: number) => Math.ceil(ms / DAY_MS) * DAY_MS;
  const d0s = fromMs.map((f) => new Date(ceilDay(f)).toISOString());
  const d1 = floorDay(curHour);
  const d03 = ceilDay(ws3d);
  const fiveFrom = Math.min(ws["6h"], curHour);
  const targets = [...new Set(ready.flatMap((r) => mem.get(r.id) ?? []))];
  const last5 = now - BUCKET_MS;
  const tailCounts = (since: string, alias: string) =>
    [
      `count(*) FILTER (WHERE ${since} AND status = ANY('{${VALID_STATUSES.join(",")}}'::text[]))::int AS ${alias}valid`,
      `count(*) FILTER (WHERE ${since} AND status = ANY('{${GOOD_STATUSES.join(",")}}'::text[]))::int AS ${alias}good`,
      ...LATENCY_BOUNDS_MS.map(
        (b) => `count(*) FILTER (WHERE ${since} AND status = ANY('{${GOOD_STATUSES.join(",")}}'::text[]) AND latency_ms <= ${b})::int AS ${alias}under${b}`,
      ),
    ].join(", ");
  const [hourParts, daily, five, tail] = await Promise.all([
    // Whole days from the daily rows, the hours at either end from the hourly ones: three ranges an SLO (its window's
    // first hours, the 3-day window's first hours, this day's hours) and ≤ 30 days, ~100 rows, not 720.
    sql<{ sloId: string; tag: string; v: number; g: number; bad: number }[]>`
      SELECT w.slo_id AS "sloId", r.tag, coalesce(sum(h.valid), 0)::bigint AS v, coalesce(sum(h.good), 0)::bigint AS g,
        coalesce(sum(CASE WHEN h.valid > 0 THEN (h.valid - h.good)::float8 / h.valid ELSE 0 END), 0)::float8 AS bad
      FROM unnest(${readyIds}::bigint[], ${froms}::timestamptz[], ${d0s}::timestamptz[]) AS w(slo_id, from_at, d0)
      CROSS JOIN LATERAL (VALUES ('w', w.from_at, least(w.d0, ${new Date(d1)}::timestamptz)),
                                 ('3', ${new Date(ws3d)}::timestamptz, least(${new Date(d03)}::timestamptz, ${new Date(d1)}::timestamptz)),
                                 ('e', ${new Date(d1)}::timestamptz, ${new Date(curHour)}::timestamptz)) AS r(tag, lo, hi)
      JOIN slo_rollups_hourly h ON h.slo_id = w.slo_id AND h.hour >= r.lo AND h.hour < r.hi
      GROUP BY 1, 2`,
    sql<{ sloId: string; bv: number; bg: number; bbad: number; v3d: number; g3d: number }[]>`
      SELECT w.slo_id AS "sloId",
        coalesce(sum(d.valid) FILTER (WHERE d.day >= w.d0), 0)::bigint AS bv, coalesce(sum(d.good) FILTER (WHERE d.day >= w.d0), 0)::bigint AS bg,
        coalesce(sum(d.bad_hours) FILTER (WHERE d.day >= w.d0), 0)::float8 AS bbad,
        coalesce(sum(d.valid) FILTER (WHERE d.day >= ${new Date(d03)}), 0)::bigint AS v3d,
        coalesce(sum(d.good) FILTER (WHERE d.day >= ${new Date(d03)}), 0)::bigint AS g3d
      FROM unnest(${readyIds}::bigint[], ${d0s}::timestamptz[]) AS w(slo_id, d0)
      JOIN slo_rollups_daily d ON d.slo_id = w.slo_id AND d.day >= least(w.d0, ${new Date(d03)}::timestamptz) AND d.day < ${new Date(d1)}
      GROUP BY 1`,
    sql<FiveAgg[]>`
      SELECT slo_id AS "sloId",
        ${sql.unsafe(
          [
            ...FIVE_WINDOWS.flatMap((w) => [
              `coalesce(sum(valid) FILTER (WHERE bucket >= '${new Date(ws[w]).toISOString()}'), 0)::bigint AS v${w}`,
              `coalesce(sum(good) FILTER (WHERE bucket >= '${new Date(ws[w]).toISOString()}'), 0)::bigint AS g${w}`,
            ]),
            `coalesce(sum(valid) FILTER (WHERE bucket < '${new Date(hour3d).toISOString()}' OR bucket >= '${new Date(curHour).toISOString()}'), 0)::bigint AS v3d`,
            `coalesce(sum(good) FILTER (WHERE bucket < '${new Date(hour3d).toISOString()}' OR bucket >= '${new Date(curHour).toISOString()}'), 0)::bigint AS g3d`,
            `coalesce(sum(valid) FILTER (WHERE bucket >= '${new Date(curHour).toISOString()}'), 0)::bigint AS vcur`,
            `coalesce(sum(good) FILTER (WHERE bucket >= '${new Date(curHour).toISOString()}'), 0)::bigint AS gcur`,
            `coalesce(sum(CASE WHEN valid > 0 THEN (valid - good)::float8 / valid ELSE 0 END) FILTER (WHERE bucket >= '${new Date(curHour).toISOString()}'), 0)::float8 AS spentcur`,
          ].join(", "),
        )}
      FROM slo_rollups
      WHERE slo_id = ANY(${readyIds}::bigint[]) AND bucket < ${new Date(curBucket)}
        AND ((bucket >= ${new Date(ws3d)} AND bucket < ${new Date(hour3d)}) OR bucket >= ${new Date(fiveFrom)})
      GROUP BY 1`,
    targets.length === 0
      ? Promise.resolve([] as TailRow[])
      : sql<TailRow[]>`
      SELECT target, ${sql.unsafe(tailCounts(`checked_at >= '${new Date(curBucket).toISOString()}'`, "t_"))},
        ${sql.unsafe(tailCounts(`checked_at >= '${new Date(last5).toISOString()}'`, "l_"))}
      FROM probe_samples
      WHERE target = ANY(${targets}::text[]) AND checked_at >= ${new Date(Math.min(curBucket, last5))} AND checked_at <= ${new Date(now)}
      GROUP BY target`,
  ]);
  const hourBy = new Map<number, HourAgg>();
  const agg = (id: number) => {
    let a = hourBy.get(id);
    if (!a) hourBy.set(id, (a = { sloId: String(id), bv: 0, bg: 0, bspent: 0, v3d: 0, g3d: 0 }));
    return a;
  };
  for (const p of hourParts) {
    const a = agg(Number(p.sloId));
    if (p.tag !== "3") {
      a.bv += n(p.v);
      a.bg += n(p.g);
      a.bspent += n(p.bad);
    }
    if (p.tag !== "w") {
      a.v3d += n(p.v);
      a.g3d += n(p.g);
    }
  }
  for (const d of daily) {
    const a = agg(Number(d.sloId));
    a.bv += n(d.bv);
    a.bg += n(d.bg);
    a.bspent += n(d.bbad);
    a.v3d += n(d.v3d);
    a.g3d += n(d.g3d);
  }
  const fiveBy = new Map(five.map((r) => [Number(r.sloId), r]));
  const countsOf = (r: TailRow, p: string): SliCounts => ({
    valid: n(r[`${p}valid`]),
    good: n(r[`${p}good`]),
    fast: LATENCY_BOUNDS_MS.map((b) => n(r[`${p}under${b}`])),
  });
  const tailBy = new Map(tail.map((r) => [r.target, { tail: countsOf(r, "t_"), last5m: countsOf(r, "l_") }]));
  for (const r of ready) {
    const t = mem.get(r.id) ?? [];
    let tc = emptyCounts();
    let l5 = emptyCounts();
    for (const name of t) {
      const x = tailBy.get(name);
      if (!x) continue;
      tc = addCounts(tc, x.tail);
      l5 = addCounts(l5, x.last5m);
    }
    const spec = { kind: r.kind, thresholdMs: r.thresholdMs, objectivePercent: r.objectivePercent, windowDays: r.windowDays };
    const tv = tc.valid;
    const tg = goodEvents(tc, spec);
    const h = hourBy.get(r.id);
    const f = fiveBy.get(r.id);
    const windows = {
      "5m": l5,
      "30m": sloCounts(n(f?.v30m) + tv, n(f?.g30m) + tg),
      "1h": sloCounts(n(f?.v1h) + tv, n(f?.g1h) + tg),
      "6h": sloCounts(n(f?.v6h) + tv, n(f?.g6h) + tg),
      "3d": sloCounts(n(h?.v3d) + n(f?.v3d) + tv, n(h?.g3d) + n(f?.g3d) + tg),
    } satisfies Record<BurnWindow, SliCounts>;
    const spent = n(h?.bspent) * 60 + n(f?.spentcur) * 5 + ratio(tv, tg) * 5;
    const window = sloCounts(n(h?.bv) + n(f?.vcur) + tv, n(h?.bg) + n(f?.gcur) + tg);
    out.set(r.id, { targets: t, key: built.get(r.id)!, evaluation: evaluateTotals(spec, { window, windows, spentMinutes: spent }) });
  }
  return out;
}

/** Whether an SLO's own rollups are built for this definition and these targets. */
export async function isBuilt(sql: Sql, row: SloRow, targets: readonly string[]): Promise<boolean> {
  const [st] = await sql<{ key: string }[]>`SELECT key FROM slo_rollup_state WHERE slo_id = ${row.id}`;
  return st?.key === sloKey(row, targets);
}

/**
 * One SLO's buckets from its own rollups (what readSloBuckets reads from the per-target ones, summed already):
 * ≤ 2,200 hourly rows for its window and ≤ 864 5-minute rows, however many targets it covers; the live tail
 * still comes from the samples of its targets.
 */
export async function readBuiltBuckets(sql: Sql, sloId: number, tail: (from: number, to: number) => Promise<SliCounts>, windowDays: number, now: number) {
  const from = windowStart(now, windowDays * DAY_MS);
  const curBucket = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  const curHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const fiveFrom = Math.min(windowStart(now, 3 * DAY_MS), Math.max(from, curHour));
  type R = { at: Date; valid: number; good: number };
  const [hourly, five, tailCounts, last5m] = await Promise.all([
    sql<R[]>`SELECT hour AS at, valid, good FROM slo_rollups_hourly WHERE slo_id = ${sloId} AND hour >= ${new Date(from)} AND hour < ${new Date(curHour)}`,
    sql<R[]>`SELECT bucket AS at, valid, good FROM slo_rollups WHERE slo_id = ${sloId} AND bucket >= ${new Date(fiveFrom)} AND bucket < ${new Date(curBucket)}`,
    tail(curBucket, now),
    tail(now - BUCKET_MS, now),
  ]);
  const tailBucket = { start: curBucket, counts: tailCounts };
  const fiveBuckets = five.map((r) => ({ start: r.at.getTime(), counts: sloCounts(r.valid, r.good) }));
  return {
    budget: [
      ...hourly.map((r) => ({ start: r.at.getTime(), ms: HOUR_MS, counts: sloCounts(r.valid, r.good) })),
      ...fiveBuckets.filter((b) => b.start >= curHour),
      tailBucket,
    ],
    burn: [...fiveBuckets, tailBucket],
    last5m,
  };
}
