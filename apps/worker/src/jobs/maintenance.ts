import { maintainSamplePartitions } from "@ops/db";
import type { WorkerRuntime } from "../runtime.ts";

export async function runMaintenance(rt: WorkerRuntime) {
  return maintainSamplePartitions(rt.db.sql, { retentionDays: rt.config.monitoring.retention.samplesDays });
}
