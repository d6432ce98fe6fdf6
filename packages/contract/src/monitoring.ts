/** The console's own monitoring: is it still probing, with which numbers, and its liveness and readiness probes. */
import { z } from "zod";
import { ThresholdValue } from "./common.ts";

/** watching: every shard reported in time; stalled: one has not; idle: nothing to probe; unknown: PostgreSQL did not answer. */
export const MonitoringState = z.enum(["watching", "stalled", "idle", "unknown"]);
export type MonitoringState = z.infer<typeof MonitoringState>;

/** GET /api/monitoring/status: is the console still probing? (apps/api/src/modules/system/watch.ts) */
export const MonitoringStatus = z
  .object({
    state: MonitoringState,
    since: z.string().nullable().describe("when stalled: the newest probe result of the longest-stalled shard"),
    reason: z.string(),
    limitSeconds: z.number().describe("a shard is stalled when its newest result is older than this: two intervals, at least 10 s"),
    judgedAt: z.string().nullable(),
    shards: z.array(
      z.object({ shard: z.number().int(), targets: z.number().int(), newestAt: z.string().nullable(), ageSeconds: z.number(), stalled: z.boolean() }),
    ),
  })
  .meta({ id: "MonitoringStatus" });
export type MonitoringStatus = z.infer<typeof MonitoringStatus>;

/** GET /healthz: the process runs. */
export const Liveness = z.object({ ok: z.boolean(), status: z.string() });
export type Liveness = z.infer<typeof Liveness>;

export const ReadinessQuery = z.object({ scope: z.enum(["all", "api"]).default("all") });
export type ReadinessQuery = z.infer<typeof ReadinessQuery>;

/** GET /readyz: PostgreSQL and Redis answer, and probing goes on. */
export const Readiness = z.object({
  ready: z.boolean(),
  failing: z.array(z.string()),
  reasons: z.record(z.string(), z.string()).optional(),
  monitoring: z.object({ state: MonitoringState, since: z.string().nullable(), reason: z.string() }),
});
export type Readiness = z.infer<typeof Readiness>;

/** A threshold's two levels (percent, or milliseconds for response time). */
export const ThresholdLevel = z.object({ warning: z.number(), critical: z.number() });
export type ThresholdLevel = z.infer<typeof ThresholdLevel>;

/** The thresholds in force, per metric. */
export const MonitoringThresholds = z.object({
  cpuPercent: ThresholdLevel,
  memoryPercent: ThresholdLevel,
  diskPercent: ThresholdLevel,
  responseTimeMs: ThresholdLevel,
});
export type MonitoringThresholds = z.infer<typeof MonitoringThresholds>;

const LevelInput = z.object({ warning: ThresholdValue, critical: ThresholdValue });

/** PUT /api/settings/thresholds */
export const ThresholdsBody = z.object({ cpuPercent: LevelInput, memoryPercent: LevelInput, diskPercent: LevelInput, responseTimeMs: LevelInput }).strict();
export type ThresholdsBody = z.infer<typeof ThresholdsBody>;

export const ThresholdsResponse = z.object({ thresholds: MonitoringThresholds });
export type ThresholdsResponse = z.infer<typeof ThresholdsResponse>;

/**
 * The monitoring numbers every process derives from monitoring-config.json, derived once (domain
 * `monitoringPolicy`): the worker's schedules and deadlines, the API's stall judge and the board's "stale" tiles.
 */
export const MonitoringPolicy = z
  .object({
    intervalMs: z.number(),
    timeoutMs: z.number(),
    /** A probe result older than this means probing is stuck: the stall limit, also a tile's "stale". */
    staleAfterMs: z.number(),
    /**
     * A tile is stale when its checked-at is older than this: the routine figures of a healthy target are
     * published only every few cycles (the routine refresh window), so this is that window plus the stall limit.
     */
    tileStaleAfterMs: z.number(),
    heartbeatTimeoutMs: z.number(),
    shardSize: z.number().int(),
  })
  .describe("the numbers every process derives from the config: a probe result older than staleAfterMs means probing is stuck (two intervals, at least 10 s)");
export type MonitoringPolicy = z.infer<typeof MonitoringPolicy>;

/** GET /api/monitoring: probe interval, heartbeat timeout, and the thresholds in force. */
export const MonitoringSettings = z.object({
  intervalSeconds: z.number(),
  timeoutMs: z.number(),
  heartbeatTimeoutSeconds: z.number(),
  samplesRetentionDays: z.number(),
  thresholds: MonitoringThresholds,
  selfHealing: z
    .object({ backoffSeconds: z.array(z.number()), maxRestartsInWindow: z.number().int(), restartWindowSeconds: z.number(), escalateAfterMinutes: z.number() })
    .describe("the ladder's numbers: crashes allowed in the window before escalation, the backoff steps"),
  policy: MonitoringPolicy,
  fleetFile: z.string().describe("where the targets come from: config/fleet.json in the checkout, or the full path under OPS_CONFIG_DIR"),
});
export type MonitoringSettings = z.infer<typeof MonitoringSettings>;
