import { JOBS, metricsKey, narrateOutage, runProbeShard, type RecordOutcome } from "@ops/core";
import { publishIncident } from "./healing.ts";
import type { WorkerRuntime } from "../runtime.ts";

const METRICS_KEEP = 20_000;

/** Probe one shard; publish transitions and fresh readings; keep timing figures for the benchmark and /api. */
export async function runProbeShardJob(rt: WorkerRuntime, data: unknown): Promise<{ probed: number; events: number }> {
  const payload = JOBS.probeShard.payload.parse(data);
  const startedAt = Date.now();
  const intervalMs = rt.config.monitoring.healthCheck.intervalSeconds * 1000;
  if (startedAt - payload.scheduledAt > intervalMs * 2) {
    // A shard this late would only report a stale picture; the next cycle covers these targets.
    await rt.redis.incr(metricsKey(rt.env.OPS_REDIS_PREFIX, "probe-shard-dropped"));
    return { probed: 0, events: 0 };
  }
  const outcome = await runProbeShard(rt.db, rt.config, payload.targets);
  const finishedAt = Date.now();
  await publishProbeOutcome(rt, outcome, payload.slot);
  const key = metricsKey(rt.env.OPS_REDIS_PREFIX, "probe-shards");
  await rt.redis
    .multi()
    .lpush(key, JSON.stringify({ slot: payload.slot, shard: payload.shard, scheduledAt: payload.scheduledAt, startedAt, finishedAt, probed: outcome.probed, pid: process.pid }))
    .ltrim(key, 0, METRICS_KEEP - 1)
    .exec();
  return { probed: outcome.probed, events: outcome.events.length };
}

/**
 * Publish what a probe found (the cycle's or a runbook step's) and hand the ladder every target that is
 * down or just changed. `slot` de-duplicates the ladder jobs of one cycle; a step's probe has none.
 */
export async function publishProbeOutcome(rt: WorkerRuntime, outcome: RecordOutcome, slot: number | null): Promise<void> {
  for (const event of outcome.events) {
    const target = outcome.updated.find((t) => t.name === event.target);
    if (target) await rt.bus.publish({ type: "target.status", target, event });
    const text = event.kind === "restart" ? event.reason : `${event.from} → ${event.to}: ${event.reason}`;
    await publishIncident(rt, await narrateOutage(rt.db, event.target, "status", "prober", text));
  }
  if (outcome.updated.length > 0) await rt.bus.publish({ type: "target.update", targets: outcome.updated });
  // The ladder looks at every target that is down, and at every target whose status just changed (to reset it).
  const changed = new Set(outcome.events.map((e) => e.target));
  const ladder = outcome.updated.filter((t) => t.status === "down" || changed.has(t.name) || (t.healing && t.healing.state !== "idle"));
  await Promise.all(
    ladder.map((t) =>
      rt.queues.healing.add(JOBS.ladder.name, { target: t.name }, {
        jobId: slot === null ? `ladder-${t.name}-step-${Date.now()}` : `ladder-${t.name}-${slot}`,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      }),
    ),
  );
}
