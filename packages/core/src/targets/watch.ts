import type { OpsConfig } from "@ops/config";
import type { MonitoringStatus } from "@ops/contract";
import { columns, targetState, type DbHandle, type Row } from "@ops/db";
import { judgeWatch, monitoringPolicy, type WatchState } from "@ops/domain";

/**
 * Is the console still probing? The newest probe result of each shard, read from PostgreSQL (so it survives
 * Redis losing everything), judged by the domain's rule. Shards follow the worker's split of fleet.json.
 */
export async function readWatchState(db: DbHandle, config: OpsConfig, opts: { now?: number; watchingSince: number }): Promise<WatchState> {
  const policy = monitoringPolicy(config.monitoring);
  const enabled = config.fleet.targets.filter((t) => t.enabled).map((t) => t.name);
  const rows = await db.sql<Pick<Row<typeof targetState>, "name" | "checkedAt">[]>`
    SELECT ${db.sql.unsafe(columns(targetState, { only: ["name", "checkedAt"] }))} FROM target_state WHERE name = ANY(${enabled})`;
  const checked = new Map(rows.map((r) => [r.name, r.checkedAt ? r.checkedAt.getTime() : null]));
  return judgeWatch({
    targets: enabled.map((name) => ({ name, checkedAt: checked.get(name) ?? null })),
    shardSize: policy.shardSize,
    intervalMs: policy.intervalMs,
    now: opts.now ?? Date.now(),
    watchingSince: opts.watchingSince,
  });
}

export type { MonitoringStatus };

/** The verdict as the API and the dashboard speak it (ISO times, whole seconds). */
export function toMonitoringStatus(w: WatchState, judgedAt: number): MonitoringStatus {
  return {
    state: w.state,
    since: w.since === null ? null : new Date(w.since).toISOString(),
    reason: w.reason,
    limitSeconds: w.limitMs / 1000,
    judgedAt: new Date(judgedAt).toISOString(),
    shards: w.shards.map((s) => ({
      shard: s.shard,
      targets: s.targets,
      newestAt: s.newestAt === null ? null : new Date(s.newestAt).toISOString(),
      ageSeconds: Math.round(s.ageMs / 1000),
      stalled: s.stalled,
    })),
  };
}
