import {
  LATENCY_BOUNDS_MS,
  SloBody,
  type BurnDownPoint,
  type SloAlert,
  type SloDefinition,
  type SloPatch,
  type SloSelector,
  type SloStatus,
  type SloView,
} from "@ops/contract";
import { columns, slos, type DbHandle, type Row } from "@ops/db";
import {
  ALERT_RULES,
  BUCKET_MS,
  DAY_MS,
  HOUR_MS,
  burnDown,
  evaluateSlo,
  policyInForce,
  sumBuckets,
  windowCounts,
  windowStart,
  type AlertRuleId,
  type Bucket,
  type SliCounts,
  type SloEvaluation,
  type SloSpec,
} from "@ops/domain";
import type postgres from "postgres";
import { ServiceError, invalid, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { evaluateBuilt, isBuilt, readBuiltBuckets, sloKey, sloMembers } from "./batch.ts";
import { GOOD_STATUSES, UNDER_COLUMNS, VALID_STATUSES } from "./columns.ts";
import { selectorTargets } from "./rollups.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
type SloRow = Row<typeof slos>;
const COLUMNS = columns(slos);

export type SloOrigin = { source: "ui" | "config" | "learning"; learningId?: string | null };

export function toDefinition(r: SloRow): SloDefinition {
  return {
    ...r,
    selector: r.selector as SloSelector,
    policyLiftedUntil: r.policyLiftedUntil?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export const specOf = (r: Pick<SloRow, "kind" | "thresholdMs" | "objectivePercent" | "windowDays">): SloSpec => ({
  kind: r.kind,
  thresholdMs: r.thresholdMs,
  objectivePercent: r.objectivePercent,
  windowDays: r.windowDays,
});

async function checkTargets(tx: Sql, selector: SloSelector) {
  if (selector.type !== "targets") return;
  const rows = await tx<{ name: string }[]>`SELECT name FROM targets WHERE name = ANY(${selector.targets}::text[])`;
  const known = new Set(rows.map((r) => r.name));
  const missing = selector.targets.filter((t) => !known.has(t));
  if (missing.length > 0) throw invalid("selector.targets", `no such target: ${missing.join(", ")}`);
}

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === "23505";

/** Create an SLO (governance or admin); from the UI, from config, or from a promoted learning. */
export async function createSlo(h: DbHandle, ctx: RequestContext, body: SloBody, origin: SloOrigin = { source: "ui" }, tx?: Sql): Promise<SloDefinition> {
  requirePermission(ctx, "slos:write");
  const run = async (tx: Sql) => {
    await checkTargets(tx, body.selector);
    const [row] = await tx<SloRow[]>`
      INSERT INTO slos (name, description, kind, selector, objective_percent, threshold_ms, window_days, policy, source, learning_id, created_by)
      VALUES (${body.name}, ${body.description ?? null}, ${body.kind}, ${tx.json(body.selector)}, ${body.objectivePercent}, ${body.thresholdMs ?? null},
              ${body.windowDays}, ${body.policy}, ${origin.source}, ${origin.learningId ?? null}, ${ctx.actor.label})
      RETURNING ${tx.unsafe(COLUMNS)}`;
    const slo = toDefinition(row!);
    await writeAudit(tx, ctx, { action: "slo.create", targetType: "slo", targetId: String(slo.id), after: slo });
    return slo;
  };
  try {
    return tx ? await run(tx) : await h.sql.begin(run);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ServiceError("CONFLICT", `an SLO named "${body.name}" exists already`, "name");
    throw err;
  }
}

/**
 * Change an SLO at the version read. Setting `policyLiftedUntil` lifts its error-budget policy early: the same
 * permission (governance or admin), audited as its own action.
 */
export async function updateSlo(h: DbHandle, ctx: RequestContext, id: number, patch: SloPatch): Promise<SloDefinition> {
  requirePermission(ctx, "slos:write");
  try {
    return await h.sql.begin(async (tx) => {
      const [row] = await tx<SloRow[]>`SELECT ${tx.unsafe(COLUMNS)} FROM slos WHERE id = ${id} FOR UPDATE`;
      if (!row) throw notFound(`SLO ${id}`, "id");
      if (row.version !== patch.version)
        throw new ServiceError("CONFLICT", `SLO ${id} is at version ${row.version}, not ${patch.version}: reload and retry`, "version");
      const before = toDefinition(row);
      const kind = patch.kind ?? row.kind;
      const merged = SloBody.safeParse({
        name: patch.name ?? row.name,
        description: patch.description === undefined ? row.description : patch.description,
        kind,
        selector: patch.selector ?? row.selector,
        objectivePercent: patch.objectivePercent ?? row.objectivePercent,
        // Changing the kind to availability drops the threshold unless one is given.
        thresholdMs: patch.thresholdMs !== undefined ? patch.thresholdMs : kind === "availability" ? null : row.thresholdMs,
        windowDays: patch.windowDays ?? row.windowDays,
        policy: patch.policy ?? row.policy,
      });
      if (!merged.success) {
        const issue = merged.error.issues[0]!;
        const field = issue.path.join(".");
        throw invalid(field, issue.message);
      }
      const b = merged.data;
      await checkTargets(tx, b.selector);
      const lifted =
        patch.policyLiftedUntil === undefined ? row.policyLiftedUntil : patch.policyLiftedUntil === null ? null : new Date(patch.policyLiftedUntil);
      const [after] = await tx<SloRow[]>`
        UPDATE slos SET name = ${b.name}, description = ${b.description ?? null}, kind = ${b.kind}, selector = ${tx.json(b.selector)},
          objective_percent = ${b.objectivePercent}, threshold_ms = ${b.thresholdMs ?? null}, window_days = ${b.windowDays}, policy = ${b.policy},
          policy_lifted_until = ${lifted}, version = version + 1, updated_at = now()
        WHERE id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
      const slo = toDefinition(after!);
      const action = patch.policyLiftedUntil !== undefined && before.policyLiftedUntil !== slo.policyLiftedUntil ? "slo.policy-lift" : "slo.update";
      await writeAudit(tx, ctx, { action, targetType: "slo", targetId: String(id), before, after: slo });
      return slo;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ServiceError("CONFLICT", `an SLO named "${patch.name}" exists already`, "name");
    throw err;
  }
}

export async function deleteSlo(h: DbHandle, ctx: RequestContext, id: number): Promise<void> {
  requirePermission(ctx, "slos:write");
  await h.sql.begin(async (tx) => {
    const [row] = await tx<SloRow[]>`DELETE FROM slos WHERE id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
    if (!row) throw notFound(`SLO ${id}`, "id");
    await writeAudit(tx, ctx, { action: "slo.delete", targetType: "slo", targetId: String(id), before: toDefinition(row) });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Status: the window read from hourly rollups, the last hour from 5-minute rollups, the current bucket from
// the samples themselves (the live tail), so the answer is current whenever the rollups last ran.

type CountRow = { at: Date; valid: number; good: number } & Record<string, number | Date>;
const SUMS = ["valid", "good", ...UNDER_COLUMNS].map((c) => `sum(${c})::int AS ${c}`).join(", ");

const TAIL_UNDER = LATENCY_BOUNDS_MS.map(
  (b) => `count(*) FILTER (WHERE status IN (${GOOD_STATUSES.map((g) => `'${g}'`).join(", ")}) AND latency_ms <= ${b})::int AS under${b}`,
).join(", ");

const toCounts = (r: CountRow): SliCounts => ({ valid: r.valid, good: r.good, fast: UNDER_COLUMNS.map((c) => Number(r[c] ?? 0)) });

/**
 * The buckets an SLO's status reads: hourly ones for the budget window, 5-minute ones for the burn windows, and
 * the samples of exactly the last five minutes for the 5-minute window (a bucket-aligned read would see only
 * the seconds since the current bucket began).
 */
export type SloBuckets = { budget: Bucket[]; burn: Bucket[]; last5m: SliCounts | null };

function sampleCounts(sql: Sql, targets: string[], from: number, to: number) {
  return sql<CountRow[]>`
    SELECT ${new Date(from)}::timestamptz AS at, count(*) FILTER (WHERE status = ANY(${VALID_STATUSES}::text[]))::int AS valid,
      count(*) FILTER (WHERE status = ANY(${GOOD_STATUSES}::text[]))::int AS good,
      ${sql.unsafe(TAIL_UNDER)}
    FROM probe_samples WHERE target = ANY(${targets}::text[]) AND checked_at >= ${new Date(from)} AND checked_at <= ${new Date(to)}`;
}

export async function readSloBuckets(sql: Sql, targets: readonly string[], windowDays: number, now: number): Promise<SloBuckets> {
  if (targets.length === 0) return { budget: [], burn: [], last5m: null };
  const from = windowStart(now, windowDays * DAY_MS);
  const curBucket = Math.floor(now / BUCKET_MS) * BUCKET_MS;
  const curHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const fiveFrom = Math.min(windowStart(now, 3 * DAY_MS), Math.max(from, curHour));
  const t = [...targets];
  const [hourly, five, tail, last5m] = await Promise.all([
    sql<CountRow[]>`
      SELECT hour AS at, ${sql.unsafe(SUMS)} FROM sample_rollups_hourly
      WHERE target = ANY(${t}::text[]) AND hour >= ${new Date(from)} AND hour < ${new Date(curHour)} GROUP BY hour`,
    sql<CountRow[]>`
      SELECT bucket AS at, ${sql.unsafe(SUMS)} FROM sample_rollups
      WHERE target = ANY(${t}::text[]) AND bucket >= ${new Date(fiveFrom)} AND bucket < ${new Date(curBucket)} GROUP BY bucket`,
    sampleCounts(sql, t, curBucket, now),
    sampleCounts(sql, t, now - BUCKET_MS, now),
  ]);
  const tailBucket: Bucket = { start: curBucket, counts: toCounts(tail[0]!) };
  const fiveBuckets = five.map((r) => ({ start: r.at.getTime(), counts: toCounts(r) }));
  return {
    budget: [...hourly.map((r) => ({ start: r.at.getTime(), ms: HOUR_MS, counts: toCounts(r) })), ...fiveBuckets.filter((b) => b.start >= curHour), tailBucket],
    burn: [...fiveBuckets, tailBucket],
    last5m: toCounts(last5m[0]!),
  };
}

export function evaluateBuckets(spec: SloSpec, b: SloBuckets, now: number): SloEvaluation {
  const from = windowStart(now, spec.windowDays * DAY_MS);
  const windows = windowCounts(b.burn, now);
  if (b.last5m) windows["5m"] = b.last5m;
  return evaluateSlo(spec, { window: sumBuckets(b.budget, from, now + 1), windows, buckets: b.budget }, now);
}

type AlertRow = { sloId: number; rule: AlertRuleId; firing: boolean; since: Date | null; lastNotifiedAt: Date | null; incidentId: number | null };

export async function readAlertStates(sql: Sql, ids: readonly number[]): Promise<Map<number, AlertRow[]>> {
  const rows = ids.length
    ? await sql<
        AlertRow[]
      >`SELECT slo_id AS "sloId", rule, firing, since, last_notified_at AS "lastNotifiedAt", incident_id AS "incidentId" FROM slo_alert_state WHERE slo_id = ANY(${[...ids]}::bigint[])`
    : [];
  const out = new Map<number, AlertRow[]>();
  for (const r of rows) out.set(r.sloId, [...(out.get(r.sloId) ?? []), r]);
  return out;
}

function alertsView(rows: readonly AlertRow[]): SloAlert[] {
  return ALERT_RULES.map((rule) => {
    const r = rows.find((x) => x.rule === rule.id);
    return {
      rule: rule.id,
      severity: rule.severity,
      factor: rule.factor,
      long: rule.long,
      short: rule.short,
      firing: r?.firing ?? false,
      since: r?.since?.toISOString() ?? null,
      lastNotifiedAt: r?.lastNotifiedAt?.toISOString() ?? null,
    };
  });
}

/** The computed part of a status (what slo_status stores); alerts and the policy are joined in when read. */
export type StoredStatus = Pick<SloStatus, "targets" | "sli" | "validProbes" | "budget" | "burnRates">;

const storedOf = (targets: string[], e: SloEvaluation): StoredStatus => ({
  targets,
  sli: e.sli,
  validProbes: e.validProbes,
  budget: e.budget,
  burnRates: e.burnRates,
});

/** A full status from its computed part, the SLO's alert states and its policy at `now`. */
export function composeStatus(row: SloRow, computed: StoredStatus, alerts: readonly AlertRow[], now: number, computedAt = now): SloStatus {
  const view = alertsView(alerts);
  const paging = view.some((a) => a.firing && a.severity === "page");
  return {
    computedAt: new Date(computedAt).toISOString(),
    ...computed,
    alerts: view,
    policyInForce: policyInForce(
      {
        id: row.id,
        name: row.name,
        policy: row.policy,
        targets: computed.targets,
        exhausted: computed.budget.exhausted,
        paging,
        remainingMinutes: computed.budget.remainingMinutes,
        totalMinutes: computed.budget.totalMinutes,
        liftedUntil: row.policyLiftedUntil?.getTime() ?? null,
      },
      now,
    ),
  };
}

const tailReader = (sql: Sql, targets: string[]) => async (from: number, to: number) => toCounts((await sampleCounts(sql, targets, from, to))[0]!);

/**
 * The status of one SLO; `withBurnDown` adds the hourly remaining budget over the window (the detail page).
 * Reads the SLO's own rollups when they are built for its definition, else the per-target ones.
 */
export async function sloStatus(sql: Sql, row: SloRow, alerts: readonly AlertRow[], now: number, withBurnDown = false): Promise<SloStatus> {
  const spec = specOf(row);
  const targets = await selectorTargets(sql, row.selector as SloSelector);
  const buckets =
    targets.length > 0 && (await isBuilt(sql, row, targets))
      ? await readBuiltBuckets(sql, row.id, tailReader(sql, targets), row.windowDays, now)
      : await readSloBuckets(sql, targets, row.windowDays, now);
  const e = evaluateBuckets(spec, buckets, now);
  const status = composeStatus(row, storedOf(targets, e), alerts, now);
  if (withBurnDown)
    status.burnDown = burnDown(buckets.budget, spec, spec.objectivePercent, spec.windowDays, now, HOUR_MS).map((p): BurnDownPoint => ({
      at: new Date(p.at).toISOString(),
      remainingMinutes: p.remainingMinutes,
      remainingPercent: p.remainingPercent,
    }));
  return status;
}

export type ComputedSlo = { computed: StoredStatus; key: string };

/**
 * The computed status of many SLOs at once: those with built rollups in three set-based reads (evaluateBuilt),
 * the rest (new or just edited, until the next rollup pass) one by one from the per-target rollups.
 */
export async function computeSlos(sql: Sql, rows: readonly SloRow[], now: number): Promise<Map<number, ComputedSlo>> {
  const members = await sloMembers(sql, rows);
  const built = await evaluateBuilt(sql, rows, now, members);
  const out = new Map<number, ComputedSlo>();
  for (const r of rows) {
    const targets = members.get(r.id) ?? [];
    const b = built.get(r.id);
    if (b) out.set(r.id, { computed: storedOf(b.targets, b.evaluation), key: b.key });
    else {
      const e = evaluateBuckets(specOf(r), await readSloBuckets(sql, targets, r.windowDays, now), now);
      out.set(r.id, { computed: storedOf(targets, e), key: sloKey(r, targets) });
    }
  }
  return out;
}

/** Store the computed statuses (the worker's minute job): the list and GET /metrics read these rows. */
export async function writeSloStatuses(sql: Sql, rows: readonly SloRow[], computed: Map<number, ComputedSlo>, now: number): Promise<void> {
  const have = rows.filter((r) => computed.has(r.id));
  if (have.length === 0) return;
  await sql`
    INSERT INTO slo_status (slo_id, version, key, status, computed_at)
    SELECT id, v, k, s::jsonb, ${new Date(now)}
    FROM unnest(${have.map((r) => r.id)}::bigint[], ${have.map((r) => r.version)}::int[], ${have.map((r) => computed.get(r.id)!.key)}::text[],
      ${have.map((r) => JSON.stringify(computed.get(r.id)!.computed))}::text[]) AS x(id, v, k, s)
    WHERE EXISTS (SELECT 1 FROM slos WHERE slos.id = x.id)
    ON CONFLICT (slo_id) DO UPDATE SET version = EXCLUDED.version, key = EXCLUDED.key, status = EXCLUDED.status, computed_at = EXCLUDED.computed_at`;
}

/** A stored status is used while it is this young and was computed for the SLO's current definition and targets. */
export const STORED_STATUS_MAX_AGE_MS = 2 * 60_000;

/**
 * Every SLO with its status: the stored one (the worker's minute job writes it) when it is fresh and for the
 * SLO's current definition, else computed now (in one batch for all that need it).
 */
export async function listSlos(h: DbHandle, now = Date.now()): Promise<SloView[]> {
  const rows = await h.sql<SloRow[]>`SELECT ${h.sql.unsafe(COLUMNS)} FROM slos ORDER BY name`;
  const ids = rows.map((r) => r.id);
  const [alerts, stored, members] = await Promise.all([
    readAlertStates(h.sql, ids),
    ids.length
      ? h.sql<{ sloId: string; version: number; key: string; status: StoredStatus; computedAt: Date }[]>`
          SELECT slo_id AS "sloId", version, key, status, computed_at AS "computedAt" FROM slo_status WHERE slo_id = ANY(${ids}::bigint[])`
      : Promise.resolve([]),
    sloMembers(h.sql, rows),
  ]);
  const byId = new Map(stored.map((s) => [Number(s.sloId), s]));
  const usable = (r: SloRow) => {
    const s = byId.get(r.id);
    if (!s || s.version !== r.version || s.key !== sloKey(r, members.get(r.id) ?? [])) return null;
    const age = now - s.computedAt.getTime();
    return age >= 0 && age <= STORED_STATUS_MAX_AGE_MS ? s : null;
  };
  const missing = rows.filter((r) => usable(r) === null);
  const fresh = missing.length > 0 ? await computeSlos(h.sql, missing, now) : new Map<number, ComputedSlo>();
  return rows.map((r) => {
    const s = usable(r);
    const status = s
      ? composeStatus(r, s.status, alerts.get(r.id) ?? [], now, s.computedAt.getTime())
      : composeStatus(r, fresh.get(r.id)!.computed, alerts.get(r.id) ?? [], now);
    return { slo: toDefinition(r), status };
  });
}

export async function getSloRow(sql: Sql, id: number): Promise<SloRow> {
  const [row] = await sql<SloRow[]>`SELECT ${sql.unsafe(COLUMNS)} FROM slos WHERE id = ${id}`;
  if (!row) throw notFound(`SLO ${id}`, "id");
  return row;
}

export async function getSlo(h: DbHandle, id: number, now = Date.now()): Promise<SloView> {
  const row = await getSloRow(h.sql, id);
  const alerts = await readAlertStates(h.sql, [id]);
  return { slo: toDefinition(row), status: await sloStatus(h.sql, row, alerts.get(id) ?? [], now, true) };
}
