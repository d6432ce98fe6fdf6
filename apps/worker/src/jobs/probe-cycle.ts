import { enqueue } from "@ops/core";
import { cycleSlot, monitoringPolicy, shard, shardOffsets } from "@ops/domain";
import type { WorkerRuntime } from "../runtime.ts";

/**
 * Fan one scheduled cycle out into shard jobs, staggered over the first half of the interval. Job ids carry the cycle slot, so a cycle enqueued twice
 * (two schedulers racing, a retried job) still probes each shard once.
 */
export async function runProbeCycle(rt: WorkerRuntime, scheduledAt: number): Promise<{ slot: number; shards: number }> {
  const intervalMs = monitoringPolicy(rt.config.monitoring).intervalMs;
  const slot = cycleSlot(scheduledAt, intervalMs);
  const names = rt.config.fleet.targets.filter((t) => t.enabled).map((t) => t.name);
  const shards = shard(names, rt.config.monitoring.healthCheck.shardSize);
  const offsets = shardOffsets(shards.length, intervalMs);
  const now = Date.now();
  await Promise.all(
    shards.map((targets, i) => {
      const due = scheduledAt + offsets[i]!;
      return enqueue(rt.queues, "probeShard", { slot, shard: i, scheduledAt: due, targets }, { delay: due - now });
    }),
  );
  return { slot, shards: shards.length };
}
