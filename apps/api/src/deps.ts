import type { OpsConfig, OpsEnv } from "@ops/config";
import type { EventBus, OutboxRelay, Queues } from "@ops/core";
import type { DbHandle } from "@ops/db";
import type { Redis } from "ioredis";
import type { FleetState } from "./fleet/state.ts";

export type ApiDeps = {
  env: OpsEnv;
  config: OpsConfig;
  db: DbHandle;
  redis: Redis;
  bus: EventBus;
  queues: Queues;
  /** Created by buildApp: routes that staged work kick it. */
  outbox: OutboxRelay;
  /** Created by buildApp: the fleet in memory, fed by the bus (GET /api/targets, /ws snapshots). */
  fleet: FleetState;
};
