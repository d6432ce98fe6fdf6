import { enqueue, schedulerTemplate } from "@ops/core";
import { monitoringPolicy } from "@ops/domain";
import { installBackupSchedules } from "./jobs/backups.ts";
import type { WorkerRuntime } from "./runtime.ts";

/** Schedulers are upserted by every worker: idempotent, so several workers agree on one schedule. */
export async function installSchedules(rt: WorkerRuntime): Promise<void> {
  const everyMs = monitoringPolicy(rt.config.monitoring).intervalMs;
  await rt.queues.probes.upsertJobScheduler("probe-cycle", { every: everyMs }, schedulerTemplate("probeCycle", {}));
  await rt.queues.maintenance.upsertJobScheduler("maintenance", { every: 300_000 }, schedulerTemplate("maintenance", {}));
  // As often as a copy can become due, but at most once a minute: hashing a few files is all most rounds do.
  const snapshotEveryMs = Math.min(60_000, Math.max(2000, rt.config.monitoring.selfHealing.configSnapshotAfterSeconds * 1000));
  await rt.queues.maintenance.upsertJobScheduler("config-snapshots", { every: snapshotEveryMs }, schedulerTemplate("configSnapshots", {}));
  // SLO rollups and burn-rate alerts: the 5-minute burn window needs minute-fresh data (slo.evaluateEverySeconds).
  const sloEveryMs = rt.config.monitoring.slo.evaluateEverySeconds * 1000;
  await rt.queues.maintenance.upsertJobScheduler("slo", { every: sloEveryMs }, schedulerTemplate("slo", {}));
  await installBackupSchedules(rt);
}

type Log = (msg: string, extra?: Record<string, unknown>) => void;

const SCHEDULERS = [
  ["probes", "probe-cycle"],
  ["maintenance", "maintenance"],
  ["maintenance", "config-snapshots"],
  ["maintenance", "slo"],
] as const;

/**
 * Schedules live only in Redis. A Redis restarted empty (no volume, FLUSHALL, failover to an empty replica)
 * forgets them and probing would stop for good. Every worker re-asserts them whenever its connection becomes
 * ready again, and checks on a timer that they still exist; upserting is idempotent, so workers agree.
 */
export function keepSchedules(rt: WorkerRuntime, log: Log, checkEveryMs = 10_000): () => void {
  let busy = false;
  const reassert = async (why: string) => {
    if (busy) return;
    busy = true;
    try {
      await installSchedules(rt);
      // Work that lived only in Redis (runs handed over, alert retries, proposal closes): maintenance re-sends it from PostgreSQL.
      await enqueue(rt.queues, "maintenance", {}, { jobId: `maintenance-reassert-${Math.floor(Date.now() / 60_000)}` });
      log(`schedules re-asserted: ${why}`);
    } catch (err) {
      log(`could not re-assert schedules (${why}): ${(err as Error).message}; retrying`);
    } finally {
      busy = false;
    }
  };
  let first = true;
  const onReady = () => {
    if (first) return void (first = false);
    void reassert("the Redis connection is ready again");
  };
  rt.redis.on("ready", onReady);
  const timer = setInterval(() => {
    if (busy || rt.redis.status !== "ready") return;
    void Promise.all(SCHEDULERS.map(([q, id]) => rt.queues[q].getJobScheduler(id)))
      .then((found) => {
        const missing = SCHEDULERS.filter((_, i) => !found[i]).map(([, id]) => id);
        if (missing.length) return reassert(`${missing.join(", ")} missing from Redis (was it restarted empty?)`);
      })
      .catch(() => {});
  }, checkEveryMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    rt.redis.off("ready", onReady);
  };
}
