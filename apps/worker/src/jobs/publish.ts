import { enqueue, getIncidentView, getTargetsByName, narrateOutage, recordUptimeReset, type RecordOutcome } from "@ops/core";
import { monitoringPolicy } from "@ops/domain";
import type { WorkerRuntime } from "../runtime.ts";

/** One place where the worker tells the API processes (and through them every dashboard) what changed. */
export async function publishTarget(rt: WorkerRuntime, name: string): Promise<void> {
  const targets = await getTargetsByName(rt.db, [name]);
  if (targets.length) await rt.bus.publish({ type: "target.update", targets });
}

export async function publishIncident(rt: WorkerRuntime, id: number | null): Promise<void> {
  if (id === null) return;
  await rt.bus.publish({ type: "incident.updated", incident: await getIncidentView(rt.db.sql, id) });
}

/**
 * Publish what a probe found (the cycle's or a runbook step's) and hand the ladder every target that is
 * down or just changed. `slot` de-duplicates the ladder jobs of one cycle; a step's probe has none.
 */
export async function publishProbeOutcome(rt: WorkerRuntime, outcome: RecordOutcome, slot: number | null): Promise<void> {
  const intervalMs = monitoringPolicy(rt.config.monitoring).intervalMs;
  for (const event of outcome.events) {
    const target = outcome.updated.find((t) => t.name === event.target);
    if (event.kind === "restart" && target?.uptimeMs != null) {
      // Uptime went backwards: the process restarted, whoever restarted it. A crash unless already counted.
      await recordUptimeReset(rt.db, event.target, Date.parse(event.at) - target.uptimeMs, intervalMs * 2 + 5000);
    }
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
      enqueue(rt.queues, "ladder", { target: t.name }, { jobId: slot === null ? `ladder-${t.name}-step-${Date.now()}` : `ladder-${t.name}-${slot}` }),
    ),
  );
}
