import type { StatusEventView, TargetView } from "@ops/contract";
import { columns, maintainSamplePartitions, targetState, type DbHandle, type Row } from "@ops/db";
import {
  evaluateProbe,
  publishReason,
  statusChanges,
  type EvaluationPolicy,
  type Finding,
  type PreviousState,
  type ProbeFigures,
  type ProbeObservation,
  type PublishPolicy,
  type Resources,
} from "@ops/domain";
import { getTargetsByName } from "./queries.ts";
import { recordObservedVersions } from "../delivery/delivery.ts";

const STATE_KEYS = ["name", "status", "since", "lastOkAt", "failingSince", "version", "uptimeMs", "uptimeAt", "checkedAt"] as const;
/** The stored state and what a viewer saw of it: what a new result is compared with to decide whether it is news. */
const LOCKED_KEYS = [...STATE_KEYS, "reason", "findings", "latencyMs", "ready", "resources"] as const;
type LockedRow = Pick<Row<typeof targetState>, (typeof LOCKED_KEYS)[number]>;
const LOCKED_COLUMNS = columns(targetState, { only: LOCKED_KEYS });
/** What a probe result is evaluated against: the target's stored state. */
type StateRow = Pick<Row<typeof targetState>, (typeof STATE_KEYS)[number]>;

const ms = (d: Date | null) => (d ? d.getTime() : null);
const date = (n: number | null) => (n === null ? null : new Date(n).toISOString());

function toPrevious(r: StateRow): PreviousState {
  return {
    status: r.status,
    since: ms(r.since),
    lastOkAt: ms(r.lastOkAt),
    failingSince: ms(r.failingSince),
    version: r.version,
    uptimeMs: r.uptimeMs,
    uptimeAt: ms(r.uptimeAt),
  };
}

/** What the prober needs before it probes: the evaluator's state and the last readiness (to carry between asks). */
export type ProbePrevious = PreviousState & { ready: boolean | null; resources: Resources | null };
type ProbeRow = StateRow & Pick<Row<typeof targetState>, "ready" | "resources">;
const PROBE_COLUMNS = columns(targetState, { only: [...STATE_KEYS, "ready", "resources"] });

export async function loadPreviousStates({ sql }: DbHandle, names: string[]): Promise<Map<string, ProbePrevious>> {
  const rows = await sql<ProbeRow[]>`SELECT ${sql.unsafe(PROBE_COLUMNS)} FROM target_state WHERE name = ANY(${names})`;
  return new Map(rows.map((r) => [r.name, { ...toPrevious(r), ready: r.ready, resources: r.resources as Resources | null }]));
}

export type RecordOutcome = {
  events: StatusEventView[];
  /**
   * The views of the targets the caller must look at: those to publish (`publish`), and, when a cycle's
   * publishing is coalesced, every probed target that is down, changed status or has healing under way (the
   * ladder's). Without coalescing: every probed target.
   */
  updated: TargetView[];
  /** Names of the `updated` targets that go into `target.update`: what a viewer should hear of. */
  publish: string[];
  skipped: number;
};

/** Coalesce a probe cycle's news: `cycle` is the cycle's slot (see `publishReason`). */
export type PublishOptions = { cycle: number; policy: PublishPolicy };

function figuresOf(r: LockedRow): ProbeFigures | null {
  if (r.checkedAt === null) return null;
  return {
    status: r.status,
    reason: r.reason,
    findings: r.findings as Finding[] | null,
    since: ms(r.since),
    version: r.version,
    ready: r.ready,
    resources: r.resources as Resources | null,
    latencyMs: r.latencyMs,
  };
}

/**
 * Evaluate and store one batch of probe observations in one transaction. Rows are locked and evaluated
 * against the state they hold, so two workers probing the same target cannot lose or double a transition;
 * an observation older than the stored one is dropped.
 */
export async function recordObservations(
  h: DbHandle,
  observations: { name: string; obs: ProbeObservation }[],
  policy: EvaluationPolicy,
  retentionDays: number,
  coalesce?: PublishOptions,
): Promise<RecordOutcome> {
  if (observations.length === 0) return { events: [], updated: [], publish: [], skipped: 0 };
  const names = observations.map((o) => o.name);
  const run = () =>
    h.sql.begin(async (tx) => {
      const locked = await tx<LockedRow[]>`SELECT ${tx.unsafe(LOCKED_COLUMNS)} FROM target_state WHERE name = ANY(${names}) ORDER BY name FOR UPDATE`;
      const byName = new Map(locked.map((r) => [r.name, r]));
      const states: Record<string, unknown>[] = [];
      const samples: Record<string, unknown>[] = [];
      const events: Record<string, unknown>[] = [];
      /** Probed targets that go out in `target.update`, and those the caller needs to see anyway (down ones). */
      const publish: string[] = [];
      const watch: string[] = [];
      /** Agents whose reported version changed: a change for the delivery metrics (recorded once per version). */
      const versions: { target: string; from: string; to: string; at: Date }[] = [];
      let skipped = 0;
      for (const { name, obs } of observations) {
        const row = byName.get(name);
        if (!row || (row.checkedAt && row.checkedAt.getTime() >= obs.at)) {
          skipped++;
          continue;
        }
        const prev = toPrevious(row);
        const ev = evaluateProbe(obs, prev, policy);
        const at = new Date(obs.at).toISOString();
        states.push({
          name,
          status: ev.status,
          reason: ev.reason,
          findings: ev.findings,
          latency_ms: ev.latencyMs,
          checked_at: at,
          since: date(ev.next.since),
          last_ok_at: date(ev.next.lastOkAt),
          failing_since: date(ev.next.failingSince),
          version: ev.next.version,
          uptime_ms: ev.next.uptimeMs,
          uptime_at: date(ev.next.uptimeAt),
          ready: ev.ready,
          resources: ev.resources,
        });
        samples.push({
          target: name,
          checked_at: at,
          status: ev.status,
          latency_ms: ev.latencyMs,
          cpu_percent: ev.resources.cpuPercent ?? null,
          memory_percent: ev.resources.memoryPercent ?? null,
          disk_percent: ev.resources.diskPercent ?? null,
        });
        if (row.version && ev.next.version && row.version !== ev.next.version)
          versions.push({ target: name, from: row.version, to: ev.next.version, at: new Date(obs.at) });
        const changes = statusChanges(prev, ev);
        for (const c of changes) {
          events.push({ target: name, at, kind: c.kind, from_status: c.from, to_status: c.to, reason: c.reason });
        }
        const figures: ProbeFigures = {
          status: ev.status,
          reason: ev.reason,
          findings: ev.findings,
          since: ev.next.since,
          version: ev.next.version,
          ready: ev.ready,
          resources: ev.resources,
          latencyMs: ev.latencyMs,
        };
        if (!coalesce || changes.length > 0 || publishReason(name, figuresOf(row), figures, coalesce.cycle, coalesce.policy) !== null) publish.push(name);
        else if (ev.status === "down") watch.push(name);
      }
      if (states.length > 0) {
        await tx`
          UPDATE target_state t SET status = x.status, reason = x.reason, findings = x.findings, latency_ms = x.latency_ms,
            checked_at = x.checked_at, since = x.since, last_ok_at = x.last_ok_at, failing_since = x.failing_since,
            version = x.version, uptime_ms = x.uptime_ms, uptime_at = x.uptime_at, ready = x.ready, resources = x.resources
          FROM jsonb_to_recordset(${tx.json(states as never)}) AS x(name text, status text, reason text, findings jsonb,
            latency_ms real, checked_at timestamptz, since timestamptz, last_ok_at timestamptz, failing_since timestamptz,
            version text, uptime_ms float8, uptime_at timestamptz, ready boolean, resources jsonb)
          WHERE t.name = x.name`;
        await tx`
          INSERT INTO probe_samples (target, checked_at, status, latency_ms, cpu_percent, memory_percent, disk_percent)
          SELECT * FROM jsonb_to_recordset(${tx.json(samples as never)}) AS x(target text, checked_at timestamptz, status text,
            latency_ms real, cpu_percent real, memory_percent real, disk_percent real)`;
      }
      if (versions.length > 0) await recordObservedVersions(tx, versions);
      const inserted = events.length
        ? await tx<(Omit<StatusEventView, "at"> & { at: Date })[]>`
            INSERT INTO status_events (target, at, kind, from_status, to_status, reason)
            SELECT * FROM jsonb_to_recordset(${tx.json(events as never)}) AS x(target text, at timestamptz, kind text, from_status text, to_status text, reason text)
            RETURNING id, target, at, kind, from_status AS "from", to_status AS "to", reason`
        : [];
      // The ladder also follows a target whose healing is under way (waiting, restarting, starting, escalated,
      // paused) while nothing about its probe changed: the same rule as the view's healing state, not "idle".
      const seen = new Set([...publish, ...watch]);
      const quiet = states.map((s) => s.name as string).filter((n) => !seen.has(n));
      if (coalesce && quiet.length > 0) {
        const healing = await tx<{ target: string }[]>`
          SELECT target FROM target_healing WHERE target = ANY(${quiet})
            AND (paused OR restarting_at IS NOT NULL OR starting_since IS NOT NULL OR escalated_at IS NOT NULL OR next_restart_at IS NOT NULL)`;
        watch.push(...healing.map((r) => r.target));
      }
      return {
        skipped,
        publish,
        watch,
        events: inserted.map((e) => ({ ...e, at: e.at.toISOString() })),
      };
    });

  let result;
  try {
    result = await run();
  } catch (err) {
    // 23514: no partition for the row's day (first probe after midnight before maintenance ran).
    if ((err as { code?: string }).code !== "23514") throw err;
    await maintainSamplePartitions(h.sql, { retentionDays });
    result = await run();
  }
  const updated = await getTargetsByName(h, [...result.publish, ...result.watch]);
  return { events: result.events, updated, publish: result.publish, skipped: result.skipped };
}
