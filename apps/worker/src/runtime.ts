import { readEnv, type OpsConfig, type OpsEnv } from "@ops/config";
import { maintainSamplePartitions, type DbHandle } from "@ops/db";
import { EventBus, createQueues, createRedis, openPlatform, type Queues } from "@ops/core";
import type { Redis } from "ioredis";

export type WorkerRuntime = {
  env: OpsEnv;
  config: OpsConfig;
  db: DbHandle;
  redis: Redis;
  queues: Queues;
  bus: EventBus;
  close: () => Promise<void>;
};

export async function openRuntime(env = readEnv()): Promise<WorkerRuntime> {
  const { config, db } = await openPlatform(env, "worker");
  await maintainSamplePartitions(db.sql, { retentionDays: config.monitoring.retention.samplesDays });
  const redis = createRedis(env.REDIS_URL, { forQueues: true, name: "openclaw-ops-worker" });
  const queues = createQueues(redis, env.OPS_REDIS_PREFIX);
  const bus = new EventBus(redis, null, env.OPS_REDIS_PREFIX);
  return {
    env,
    config,
    db,
    redis,
    queues,
    bus,
    close: async () => {
      await queues.close();
      await db.close();
      redis.disconnect();
    },
  };
}
