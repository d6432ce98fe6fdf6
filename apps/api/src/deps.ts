import type { OpsConfig, OpsEnv } from "@ops/config";
import type { EventBus, Queues } from "@ops/core";
import type { DbHandle } from "@ops/db";
import type { Redis } from "ioredis";

export type ApiDeps = {
  env: OpsEnv;
  config: OpsConfig;
  db: DbHandle;
  redis: Redis;
  bus: EventBus;
  queues: Queues;
};
