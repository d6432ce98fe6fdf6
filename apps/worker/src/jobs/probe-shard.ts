import { JOBS, metricsKey, recordProbeCounters, runProbeShard, withTimeout } from "@ops/core";
import { monitoringPolicy } from "@ops/domain";
import { publishProbeOutcome } from "./publish.ts";
import type { WorkerRuntime } from "../runtime.ts";

const METRICS_KEEP = 20_000;

/** Probe one shard; publish transitions and fresh readings; keep timing figures for the benchmark and /api. */
export async function runProbeShardJob(rt: WorkerRuntime, data: unknown): Promise<{ probed: number; events: number }> {
  const payload = JOBS.probeShard.payload.parse(data);
  const startedAt = Date.now();
  const intervalMs = monitoringPolicy(rt.config.monitoring).intervalMs;
  // Marks that this shard was probed lately (for two intervals): a late job is then a backlog to shed.
  const ranKey = `${rt.env.OPS_REDIS_PREFIX}:probe-shard-ran:${payload.shard}`;
  if (startedAt - payload.scheduledAt > intervalMs * 2) {
    // Shed a backlog, but never starve: on a machine so busy that every job starts late, a late shard still
    // runs when no run of it started within two intervals (dropping them all stopped probing for good).
    const claimed = await rt.redis.set(ranKey, String(startedAt), "PX", intervalMs * 2, "NX");
    if (claimed === null) {
      await rt.redis.incr(metricsKey(rt.env.OPS_REDIS_PREFIX, "probe-shard-dropped"));
      return { probed: 0, events: 0 };
    }
  } else {
    await rt.redis.set(ranKey, String(startedAt), "PX", intervalMs * 2);
  }
  // A deadline, so a shard stuck on a dependency that stopped answering mid-call fails and frees its worker slot
  // (eight stuck shards would otherwise stop all probing after an outage); the next cycle probes these targets.
  const { timeoutMs, concurrency } = rt.config.monitoring.healthCheck;
  const deadlineMs = Math.max(15_000, 2 * intervalMs + timeoutMs * Math.ceil(payload.targets.length / concurrency));
  const outcome = await withTimeout(
    deadlineMs,
    runProbeShard(rt.db, rt.config, payload.targets, payload.slot),
    `probe shard ${payload.shard} of cycle ${payload.slot}`,
  );
  const finishedAt = Date.now();
  await publishProbeOutcome(rt, outcome, payload.slot);
  // GET /metrics's probe counters and latency histogram: one pipelined HINCRBY batch per shard (issue 16; never throws).
  await recordProbeCounters(rt.redis, rt.env.OPS_REDIS_PREFIX, outcome.observations);
  const key = metricsKey(rt.env.OPS_REDIS_PREFIX, "probe-shards");
  await rt.redis
    .multi()
    .lpush(
      key,
      JSON.stringify({
        slot: payload.slot,
        shard: payload.shard,
        scheduledAt: payload.scheduledAt,
        startedAt,
        finishedAt,
        probed: outcome.probed,
        pid: process.pid,
      }),
    )
    .ltrim(key, 0, METRICS_KEEP - 1)
    .exec();
  return { probed: outcome.probed, events: outcome.events.length };
}
