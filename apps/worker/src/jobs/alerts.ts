import { JOBS, alertFacts, enqueue, deliverAlert, dueAlertIds, narrateOutage, raiseAlert } from "@ops/core";
import type { AlertFacts } from "@ops/domain";
import type { WorkerRuntime } from "../runtime.ts";

export async function enqueueAlert(rt: WorkerRuntime, id: number, delayMs = 0, attempt = 0): Promise<void> {
  await enqueue(rt.queues, "alertSend", { id }, { jobId: `alert-${id}-${attempt}`, delay: delayMs });
}

/**
 * Alert people through every configured channel. Inside the cooldown a true repeat is suppressed, and an
 * alert with something new (a diagnosis, another level, a new state) goes out as a follow-up of the earlier one.
 */
export async function alertPeople(
  rt: WorkerRuntime,
  target: string,
  kind: string,
  reason: string,
  level: AlertFacts["level"],
  diagnosis: string | null = null,
): Promise<void> {
  const facts = await alertFacts(rt.db, rt.config, target, kind, reason, level, diagnosis);
  const { ids } = await raiseAlert(rt.db, rt.config, facts);
  for (const id of ids) await enqueueAlert(rt, id);
}

/** One delivery attempt; a failure is retried with backoff by a delayed job, and the outbox row is kept either way. */
export async function runAlertSendJob(rt: WorkerRuntime, data: unknown) {
  const { id } = JOBS.alertSend.payload.parse(data);
  const outcome = await deliverAlert(rt.db, rt.config, id);
  if (!outcome) return { skipped: true };
  const a = outcome.alert;
  if (outcome.status === "pending" && outcome.retryInMs !== null) await enqueueAlert(rt, id, outcome.retryInMs, a.attempts);
  if (outcome.status !== "pending") {
    const what = a.followsId === null ? "alert" : `update to alert #${a.followsId}`;
    const text = outcome.status === "sent" ? `${what} sent via ${a.channel}` : `${what} via ${a.channel} failed after ${a.attempts} attempts: ${outcome.error}`;
    await narrateOutage(rt.db, a.target, "alert", "alerter", text);
  }
  return { status: outcome.status, attempts: a.attempts };
}

/** Re-queue outbox rows whose job was lost; the job id makes this safe to repeat. */
export async function requeueDueAlerts(rt: WorkerRuntime): Promise<number> {
  const ids = await dueAlertIds(rt.db);
  for (const id of ids) await enqueueAlert(rt, id, 0, -1);
  return ids.length;
}
