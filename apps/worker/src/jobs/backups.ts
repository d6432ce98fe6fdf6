import { JOBS, alertFacts, backupRoot, cleanupBackups, listBackups, raiseAlert, runBackup, schedulerTemplate, verifyBackup, type BackupEnv } from "@ops/core";
import { BACKUP_TYPES, CONFIG_KEY, cronPeriodMs, isOverdue, type AlertFacts } from "@ops/domain";
import type { WorkerRuntime } from "../runtime.ts";
import { enqueueAlert } from "./alerts.ts";

export const backupEnv = (rt: WorkerRuntime): BackupEnv => ({ config: rt.config, databaseUrl: rt.env.DATABASE_URL, redisUrl: rt.env.REDIS_URL });

async function alert(rt: WorkerRuntime, type: string, kind: string, reason: string, level: AlertFacts["level"]): Promise<void> {
  const facts = await alertFacts(rt.db, rt.config, `backup-${type}`, kind, reason, level);
  const { ids } = await raiseAlert(rt.db, rt.config, facts);
  for (const id of ids) await enqueueAlert(rt, id);
}

/** Take a backup and verify it at once: a backup nobody has restored is a hope. A failure alerts people. */
export async function runBackupJob(rt: WorkerRuntime, data: unknown, attempt: number, attempts: number) {
  const { type, trigger } = JOBS.backupRun.payload.parse(data);
  try {
    const backup = await runBackup(rt.db, backupEnv(rt), type, trigger);
    const verified = await verifyBackup(rt.db, backupEnv(rt), backup);
    if (!verified.ok) await alert(rt, type, "backup-verify-failed", `${backup.id} failed verification: ${verified.problems.join("; ")}`, "error");
    return { id: backup.id, size: backup.size, verified: verified.ok };
  } catch (err) {
    // The last attempt alerts; earlier ones are retried by BullMQ.
    if (attempt >= attempts) await alert(rt, type, "backup-failed", `${type} backup failed: ${(err as Error).message}`, "error");
    throw err;
  }
}

export async function runBackupCleanupJob(rt: WorkerRuntime) {
  return cleanupBackups(rt.db, backupEnv(rt));
}

/** One job scheduler per enabled type at its cron time (UTC), and the cleanup: upserted by every worker. */
export async function installBackupSchedules(rt: WorkerRuntime): Promise<void> {
  const types = rt.config.backup.types;
  for (const type of BACKUP_TYPES) {
    const t = types[CONFIG_KEY[type]];
    const id = `backup-${type}`;
    if (!t.enabled) {
      await rt.queues.backups.removeJobScheduler(id);
      continue;
    }
    await rt.queues.backups.upsertJobScheduler(id, { pattern: t.schedule, tz: "UTC" }, schedulerTemplate("backupRun", { type, trigger: "schedule" }));
  }
  await rt.queues.backups.upsertJobScheduler(
    "backup-cleanup",
    { pattern: rt.config.backup.cleanupSchedule, tz: "UTC" },
    schedulerTemplate("backupCleanup", {}),
  );
}

/** Overdue types (no success for a period and a half) alert people; the cooldown keeps it to one alert. */
export async function checkOverdueBackups(rt: WorkerRuntime, now = Date.now()): Promise<string[]> {
  const overdue: string[] = [];
  for (const type of BACKUP_TYPES) {
    const t = rt.config.backup.types[CONFIG_KEY[type]];
    if (!t.enabled) continue;
    const [last] = await listBackups(rt.db, { type, status: "succeeded", limit: 1 });
    const lastAt = last?.finishedAt ? Date.parse(last.finishedAt) : null;
    if (isOverdue(lastAt, cronPeriodMs(t.schedule), now)) {
      overdue.push(type);
      await alert(
        rt,
        type,
        "backup-overdue",
        `no ${type} backup has succeeded since ${last!.finishedAt} (schedule ${t.schedule}); backups in ${backupRoot(rt.config)}`,
        "warning",
      );
    }
  }
  return overdue;
}
