import { runDetections } from "@ops/core";
import { maintainSamplePartitions } from "@ops/db";
import type { WorkerRuntime } from "../runtime.ts";

export async function runMaintenance(rt: WorkerRuntime) {
  return maintainSamplePartitions(rt.db.sql, { retentionDays: rt.config.monitoring.retention.samplesDays });
}

/** The learnings' detection triggers; every learning they create or change goes to the dashboards. */
export async function runDetectionJob(rt: WorkerRuntime): Promise<number> {
  return (await runDetections(rt.db, Date.now(), rt.bus)).length;
}
