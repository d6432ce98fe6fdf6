import type { MonitoringPolicy } from "@ops/contract";
import { routineEveryCycles } from "./publish.ts";
import { shard } from "./series.ts";

/**
 * Watching the watcher: is the console still probing? Each probe shard (the same split the worker makes)
 * is judged by its newest probe result. A shard whose newest result is older than the stall limit is
 * stalled; the console is stalled when any shard is. A shard that has never reported is measured from
 * `watchingSince` (when the judge began to watch), so a fresh start is not a stall.
 */
export type WatchTarget = { name: string; checkedAt: number | null };

export type ShardWatch = {
  shard: number;
  targets: number;
  /** The newest probe result among the shard's targets (epoch ms), or null when none was ever recorded. */
  newestAt: number | null;
  ageMs: number;
  stalled: boolean;
};

export type WatchState = {
  state: "watching" | "stalled" | "idle";
  /** When stalled: the newest result of the longest-stalled shard (or watchingSince), i.e. when probing was last known to work. */
  since: number | null;
  limitMs: number;
  shards: ShardWatch[];
  reason: string;
};

/** Two probe intervals, but never under 10 s: with a 2 s interval a busy machine's scheduling jitter is not a stall. */
export function stallLimitMs(intervalMs: number): number {
  if (!(intervalMs > 0)) throw new RangeError("intervalMs must be positive");
  return Math.max(2 * intervalMs, 10_000);
}

export function judgeWatch(input: {
  /** Enabled targets in the worker's order (fleet.json order): the shards follow it. */
  targets: readonly WatchTarget[];
  shardSize: number;
  intervalMs: number;
  now: number;
  watchingSince: number;
}): WatchState {
  const limitMs = stallLimitMs(input.intervalMs);
  if (input.targets.length === 0) return { state: "idle", since: null, limitMs, shards: [], reason: "no enabled targets to probe" };
  const shards = shard(input.targets, input.shardSize).map((ts, i): ShardWatch => {
    let newestAt: number | null = null;
    for (const t of ts) if (t.checkedAt !== null && (newestAt === null || t.checkedAt > newestAt)) newestAt = t.checkedAt;
    const reference = Math.max(newestAt ?? input.watchingSince, input.watchingSince);
    const ageMs = Math.max(0, input.now - (newestAt ?? input.watchingSince));
    return { shard: i, targets: ts.length, newestAt, ageMs, stalled: input.now - reference > limitMs };
  });
  const stalled = shards.filter((s) => s.stalled);
  if (stalled.length === 0) {
    return { state: "watching", since: null, limitMs, shards, reason: `probing: every shard reported within ${Math.round(limitMs / 1000)} s` };
  }
  const since = Math.min(...stalled.map((s) => s.newestAt ?? input.watchingSince));
  const which =
    stalled.length === shards.length
      ? shards.length === 1
        ? "the fleet"
        : `all ${shards.length} shards`
      : `${stalled.length} of ${shards.length} shards (${stalled.reduce((n, s) => n + s.targets, 0)} targets)`;
  return {
    state: "stalled",
    since,
    limitMs,
    shards,
    reason: `monitoring stalled: no probe results for ${which} since ${new Date(since).toISOString()} (limit ${Math.round(limitMs / 1000)} s: two intervals, at least 10 s); is a worker running and Redis reachable?`,
  };
}

export type { MonitoringPolicy };

/**
 * The monitoring numbers every process derives from monitoring-config.json, derived once: the worker's
 * schedules and deadlines, the API's stall judge and the board's "stale" tiles all read these (the shape is
 * the contract's, served by GET /api/monitoring).
 */
export function monitoringPolicy(m: {
  healthCheck: { intervalSeconds: number; timeoutMs: number; shardSize: number };
  heartbeatTimeoutSeconds: number;
}): MonitoringPolicy {
  const intervalMs = Math.round(m.healthCheck.intervalSeconds * 1000);
  return {
    intervalMs,
    timeoutMs: m.healthCheck.timeoutMs,
    staleAfterMs: stallLimitMs(intervalMs),
    // A healthy target's checked-at reaches the dashboards only every routineEveryCycles cycles (publish.ts):
    // a tile is stale when its checked-at is older than that window plus the stall limit.
    tileStaleAfterMs: routineEveryCycles(intervalMs) * intervalMs + stallLimitMs(intervalMs),
    heartbeatTimeoutMs: Math.round(m.heartbeatTimeoutSeconds * 1000),
    shardSize: m.healthCheck.shardSize,
  };
}
