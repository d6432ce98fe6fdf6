import {
  JOBS,
  enqueue,
  escalationSummary,
  evaluateLadder,
  narrateIncident,
  narrateOutage,
  openOutageIncident,
  performRestart,
  openIncidentIdFor,
  resolveOutageIncident,
  runDoctor,
  runHolding,
  probeNow,
  jobOptions,
  type RestartJob,
} from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";
import { alertPeople } from "./alerts.ts";
import { runDetectionJob } from "./maintenance.ts";
import { publishIncident, publishProbeOutcome, publishTarget } from "./publish.ts";

/** A restart queued before the target escalated must not run: remove its delayed job (performRestart re-checks anyway). */
export async function removeRestartJob(rt: WorkerRuntime, job: RestartJob): Promise<void> {
  const queued = await rt.queues.healing.getJob(jobOptions("restart", { ...job, kind: job.kind ?? "restart" }).jobId!);
  if (queued && (await queued.isDelayed())) await queued.remove().catch(() => {});
}

export async function enqueueRestart(rt: WorkerRuntime, job: RestartJob): Promise<void> {
  await enqueue(rt.queues, "restart", { ...job, kind: job.kind ?? "restart" }, { delay: job.dueAt - Date.now() });
}

/** Move one target's ladder; schedule its next restart if one is due. */
export async function runLadderJob(rt: WorkerRuntime, data: unknown) {
  const { target: name } = JOBS.ladder.payload.parse(data);
  const target = rt.config.fleet.targets.find((t) => t.name === name && t.enabled);
  if (!target) return { skipped: "not configured" };
  // A runbook run acting on the target owns it: its restarts are planned, not an outage to heal.
  const heldBy = await runHolding(rt.db.sql, name);
  if (heldBy !== null) return { skipped: `runbook run #${heldBy} is acting on ${name}` };
  const ev = await evaluateLadder(rt.db, rt.config, target);
  const { decision, status, reason } = ev;
  if (ev.cancelled) await removeRestartJob(rt, ev.cancelled);
  if (ev.enqueue) await enqueueRestart(rt, ev.enqueue);
  if (ev.ended) {
    const what = ev.ended.kind === "start" ? "start" : "restart";
    const text = ev.ended.outcome === "healthy" ? `${what} ${ev.ended.reason}` : `${what} timed out: ${ev.ended.reason}`;
    await publishIncident(rt, await narrateOutage(rt.db, name, "restart", "watchdog", text));
  }
  if (status === "down" && !ev.firstStart) {
    // MTTD runs from the failure: the exit time when the driver saw it, else the last healthy sample.
    const opened = await openOutageIncident(rt.db, target, {
      reason,
      failedAt: ev.exit?.at ? new Date(ev.exit.at) : null,
      seenFailingAt: ev.failingSince ? new Date(ev.failingSince) : null,
    });
    await publishIncident(rt, opened);
    // A new outage may be a recurrence: log it now rather than at the next maintenance run.
    if (opened !== null) await runDetectionJob(rt).catch(() => 0);
    if (decision.action === "escalate") {
      const cancelled = ev.cancelled ? `; the restart queued for ${new Date(ev.cancelled.dueAt).toISOString().slice(11, 19)} is cancelled` : "";
      await publishIncident(
        rt,
        await narrateOutage(rt.db, name, "escalated", "watchdog", `escalated: ${decision.reason}; no more automatic restarts${cancelled}`),
      );
      await enqueue(rt.queues, "doctor", { target: name }, { jobId: `doctor-${name}-${Date.now()}` });
    }
  } else if (status === "ok") {
    await publishIncident(rt, await resolveOutageIncident(rt.db, name));
  }
  await publishTarget(rt, name);
  return decision;
}

/** Level 3: the doctor; when it cannot fix the target, level 4: people, with the diagnosis. */
export async function runDoctorJob(rt: WorkerRuntime, data: unknown) {
  const { target: name } = JOBS.doctor.payload.parse(data);
  const target = rt.config.fleet.targets.find((t) => t.name === name);
  if (!target) return { skipped: "not configured" };
  const incidentId = await openIncidentIdFor(rt.db.sql, name);
  await publishIncident(rt, await narrateOutage(rt.db, name, "diagnosis", "doctor", "collecting evidence and matching the case library"));
  const llm = rt.env.OPS_LLM_URL ? { url: rt.env.OPS_LLM_URL, model: rt.env.OPS_LLM_MODEL, apiKey: rt.env.OPS_LLM_API_KEY } : undefined;
  const result = await runDoctor(rt.db, rt.config, target, incidentId, llm);
  if (incidentId !== null) {
    const details = { diagnosisId: result.id, caseId: result.caseId, confidence: result.confidence };
    await publishIncident(rt, await narrateIncident(rt.db, incidentId, "diagnosis", "doctor", `${result.outcome}: ${result.detail}`, details));
  }
  if (result.outcome !== "fixed") {
    await alertPeople(rt, name, "escalated", await escalationSummary(rt.db.sql, name), "critical", result.detail);
  }
  await publishTarget(rt, name);
  return result;
}

export async function runRestartJob(rt: WorkerRuntime, data: unknown) {
  const job = JOBS.restart.payload.parse(data);
  await publishTarget(rt, job.target).catch(() => {});
  const outcome = await performRestart(rt.db, rt.config, job);
  if (outcome.status !== "skipped") {
    const what = outcome.kind === "start" ? "start" : job.by ? `restart by ${job.by}` : `restart attempt ${job.attempt}`;
    const message = outcome.status === "starting" ? `${what}: starting (${outcome.output})` : `${what}: ${outcome.status} (${outcome.output})`;
    await publishIncident(rt, await narrateOutage(rt.db, job.target, "restart", "watchdog", message));
  }
  await publishTarget(rt, job.target);
  // Look at it at once rather than a whole interval later: a quick start is healthy on the board now.
  if (outcome.status === "starting") await publishProbeOutcome(rt, await probeNow(rt.db, rt.config, [job.target]), null);
  return outcome;
}
