import { JOBS, enqueue } from "@ops/core";
import { cycleSlot, shard } from "@ops/domain";
import type { WorkerRuntime } from "../runtime.ts";

/**
 * Fan one scheduled cycle out into shard jobs. Job ids carry the cycle slot, so a cycle enqueued twice
 * (two schedulers racing, a retried job) still probes each shard once.
 */
export async function runProbeCycle(rt: WorkerRuntime, firedAt: number): Promise<{ slot: number; shards: number }> {
  const intervalMs = rt.config.monitoring.healthCheck.intervalSeconds * 1000;
  const slot = cycleSlot(firedAt, intervalMs);
  const scheduledAt = slot * intervalMs;
  const names = rt.config.fleet.targets.filter((t) => t.enabled).map((t) => t.name);
  const shards = shard(names, rt.config.monitoring.healthCheck.shardSize);
  await Promise.all(
    shards.map((targets, i) =>
      enqueue(
        rt.queues,
        "probeShard",
        { slot, shard: i, scheduledAt, targets },
        { jobId: `probe-${slot}-${i}`, attempts: 1, removeOnComplete: { count: 2000 }, removeOnFail: { count: 2000 } },
      ),
    ),
  );
  return { slot, shards: shards.length };
}

export const PROBE_CYCLE = JOBS.probeCycle;
