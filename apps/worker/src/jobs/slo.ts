import { evaluateSloAlerts, rollUpSamples } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";
import { enqueueAlert } from "./alerts.ts";

/**
 * Every minute: bring the SLO rollups up to date, then step every SLO's burn-rate alerts. A fired alert's
 * outbox rows go to the alert sender (retries and cooldowns are the alert outbox's); a page opens an incident.
 */
export async function runSloJob(rt: WorkerRuntime, now = Date.now()) {
  const rollups = await rollUpSamples(rt.db, now);
  const pass = await evaluateSloAlerts(rt.db, rt.config, now, rt.bus);
  for (const e of pass.events) for (const id of e.alertIds) await enqueueAlert(rt, id);
  // Budgets move every pass: the dashboards showing SLOs fetch them again (news, not a record: never fails the job).
  if (pass.evaluated > 0) {
    const changed = [...new Set(pass.events.map((e) => e.sloId))];
    await rt.bus.publish({ type: "slo.updated", at: new Date(now).toISOString(), changed });
  }
  return {
    rolledUp: rollups.fiveMinute.rows,
    evaluated: pass.evaluated,
    events: pass.events.map((e) => `${e.sloId}:${e.rule}:${e.event}`),
    learnings: pass.learnings,
  };
}
