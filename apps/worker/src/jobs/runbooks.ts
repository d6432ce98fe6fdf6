import { JOBS, executeRun, getRunSummary, nextDispatch, dispatchRun, raiseAlert, strandedRunIds, type ExecutorDeps } from "@ops/core";
import type { WorkerRuntime } from "../runtime.ts";
import { enqueueAlert } from "./alerts.ts";
import { backupEnv } from "./backups.ts";
import { publishProbeOutcome } from "./publish.ts";

export function executorDeps(rt: WorkerRuntime): ExecutorDeps {
  return {
    db: rt.db,
    config: rt.config,
    bus: rt.bus,
    afterProbe: (outcome) => publishProbeOutcome(rt, outcome, null),
    backups: backupEnv(rt),
    alert: async (facts) => {
      const { ids } = await raiseAlert(rt.db, rt.config, facts);
      for (const id of ids) await enqueueAlert(rt, id);
    },
  };
}

/** Execute (or resume) one run; safe to repeat, because completed steps are never executed again. */
export async function runRunbookJob(rt: WorkerRuntime, data: unknown) {
  const { runId } = JOBS.runbookRun.payload.parse(data);
  return executeRun(executorDeps(rt), runId);
}

/** Runs created while Redis was away are still queued with no job: hand them over again. */
export async function redispatchStrandedRuns(rt: WorkerRuntime): Promise<number> {
  const ids = await strandedRunIds(rt.db.sql);
  let sent = 0;
  for (const { id, dispatches } of ids) {
    const state = dispatches > 0 ? await rt.queues.runbooks.getJobState(`run-${id}-${dispatches}`) : "unknown";
    // A job that is waiting, delayed or active will get to the run; only a lost or finished one needs a successor.
    if (state === "waiting" || state === "delayed" || state === "active" || state === "prioritized" || state === "waiting-children") continue;
    if ((await getRunSummary(rt.db.sql, id)).status !== "queued") continue;
    await dispatchRun(rt.queues, id, await nextDispatch(rt.db.sql, id));
    sent++;
  }
  return sent;
}
