import { enqueue, getIncidentView, getTargetsByName, narrateStatusEvents, recordUptimeReset, type RecordOutcome } from "@ops/core";
import { ladderWanted, monitoringPolicy } from "@ops/domain";
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
 * Publish what a probe found (the cycle's or a runbook step's) and hand the ladder every target that needs it.
 * Order: every status change goes out first (`target.status`, all of them at once, nothing awaited before them),
 * then the targets whose news is not a status change (`target.update`: only those `recordObservations` chose),
 * and only then the incident bookkeeping (uptime resets, the prober's lines on open incidents, `incident.updated`)
 * and the ladder's jobs. `slot` de-duplicates the ladder jobs of one cycle; a step's probe has none.
 */
export async function publishProbeOutcome(rt: WorkerRuntime, outcome: RecordOutcome, slot: number | null): Promise<void> {
  const byName = new Map(outcome.updated.map((t) => [t.name, t]));
  // Frames on one Redis connection keep their order; the publishes are pipelined, not one round trip each.
  await Promise.all(
    outcome.events.map(async (event) => {
      const target = byName.get(event.target);
      if (target) await rt.bus.publish({ type: "target.status", target, event });
    }),
  );
  const changed = new Set(outcome.events.map((e) => e.target));
  // A target in a status frame already went out whole; the update carries the rest.
  const update = outcome.publish.filter((n) => !changed.has(n)).flatMap((n) => byName.get(n) ?? []);
  if (update.length > 0) await rt.bus.publish({ type: "target.update", targets: update });

  const intervalMs = monitoringPolicy(rt.config.monitoring).intervalMs;
  for (const event of outcome.events) {
    const target = byName.get(event.target);
    if (event.kind === "restart" && target?.uptimeMs != null) {
      // Uptime went backwards: the process restarted, whoever restarted it. A crash unless already counted.
      await recordUptimeReset(rt.db, event.target, Date.parse(event.at) - target.uptimeMs, intervalMs * 2 + 5000);
    }
  }
  for (const id of await narrateStatusEvents(rt.db, outcome.events)) await publishIncident(rt, id);

  // An uptime reset (a `restart` event) is a crash the ladder counts, whatever the status.
  const restarted = new Set(outcome.events.filter((e) => e.kind === "restart").map((e) => e.target));
  const ladder = outcome.updated.filter((t) => restarted.has(t.name) || ladderWanted(t, changed.has(t.name)));
  await Promise.all(
    ladder.map((t) =>
      enqueue(rt.queues, "ladder", { target: t.name }, { jobId: slot === null ? `ladder-${t.name}-step-${Date.now()}` : `ladder-${t.name}-${slot}` }),
    ),
  );
}
