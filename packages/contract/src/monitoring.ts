/** GET /api/monitoring/status: is the console still probing? (apps/api/src/modules/system/watch.ts) */
export type MonitoringState = "watching" | "stalled" | "idle" | "unknown";

export type MonitoringStatus = {
  /** watching: every shard reported in time; stalled: one has not; idle: nothing to probe; unknown: PostgreSQL did not answer. */
  state: MonitoringState;
  /** When stalled: the newest probe result of the longest-stalled shard, i.e. when probing was last known to work. */
  since: string | null;
  reason: string;
  /** A shard is stalled when its newest result is older than this: two probe intervals, at least 10 s. */
  limitSeconds: number;
  judgedAt: string | null;
  shards: { shard: number; targets: number; newestAt: string | null; ageSeconds: number; stalled: boolean }[];
};
