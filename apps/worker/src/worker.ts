import { Worker, type Job } from "bullmq";
import { JOBS, sweepScratchDatabases } from "@ops/core";
import { requeueDueAlerts, runAlertSendJob } from "./jobs/alerts.ts";
import { runDoctorJob, runLadderJob, runRestartJob } from "./jobs/healing.ts";
import { runDetectionJob, runMaintenance } from "./jobs/maintenance.ts";
import { runProbeCycle } from "./jobs/probe-cycle.ts";
import { runProbeShardJob } from "./jobs/probe-shard.ts";
import { redispatchStrandedRuns, runRunbookJob } from "./jobs/runbooks.ts";
import { closeDueProposals, runProposalCloseJob } from "./jobs/governance.ts";
import { checkOverdueBackups, installBackupSchedules, runBackupCleanupJob, runBackupJob } from "./jobs/backups.ts";
import { runConfigSnapshotsJob } from "./jobs/config-snapshots.ts";
import type { WorkerRuntime } from "./runtime.ts";

/** When a scheduler's job was due: BullMQ names scheduler jobs `repeat:<scheduler>:<due millis>`. */
export function scheduledTime(job: Job): number {
  const due = /^repeat:.+:(\d+)$/.exec(job.id ?? "");
  return due ? Number(due[1]) : job.timestamp + (job.delay || 0);
}

type Log = (msg: string, extra?: Record<string, unknown>) => void;

/** Schedulers are upserted by every worker: idempotent, so several workers agree on one schedule. */
export async function installSchedules(rt: WorkerRuntime): Promise<void> {
  const everyMs = Math.round(rt.config.monitoring.healthCheck.intervalSeconds * 1000);
  await rt.queues.probes.upsertJobScheduler("probe-cycle", { every: everyMs }, { name: JOBS.probeCycle.name, data: {}, opts: { attempts: 1 } });
  await rt.queues.maintenance.upsertJobScheduler("maintenance", { every: 300_000 }, { name: JOBS.maintenance.name, data: {} });
  // As often as a copy can become due, but at most once a minute: hashing a few files is all most rounds do.
  const snapshotEveryMs = Math.min(60_000, Math.max(2000, rt.config.monitoring.selfHealing.configSnapshotAfterSeconds * 1000));
  await rt.queues.maintenance.upsertJobScheduler("config-snapshots", { every: snapshotEveryMs }, { name: JOBS.configSnapshots.name, data: {}, opts: { attempts: 1 } });
  await installBackupSchedules(rt);
}

export function startWorkers(rt: WorkerRuntime, log: Log): Worker[] {
  const connection = rt.redis;
  const prefix = rt.env.OPS_REDIS_PREFIX;
  // A worker that dies holding a job loses its lock after this; another worker then takes the job over.
  const lock = { lockDuration: rt.env.OPS_JOB_LOCK_SECONDS * 1000, stalledInterval: (rt.env.OPS_JOB_LOCK_SECONDS * 1000) / 2 };
  const probes = new Worker(
    "probes",
    async (job: Job) => {
      if (job.name === JOBS.probeCycle.name) return runProbeCycle(rt, scheduledTime(job));
      if (job.name === JOBS.probeShard.name) return runProbeShardJob(rt, job.data);
      throw new Error(`unknown job ${job.name} on queue probes`);
    },
    { connection, prefix, concurrency: 8, ...lock },
  );
  const healing = new Worker(
    "healing",
    async (job: Job) => {
      if (job.name === JOBS.ladder.name) return runLadderJob(rt, job.data);
      if (job.name === JOBS.restart.name) return runRestartJob(rt, job.data);
      if (job.name === JOBS.doctor.name) return runDoctorJob(rt, job.data);
      throw new Error(`unknown job ${job.name} on queue healing`);
    },
    { connection, prefix, concurrency: 4, ...lock },
  );
  const alerts = new Worker("alerts", async (job: Job) => runAlertSendJob(rt, job.data), { connection, prefix, concurrency: 4, ...lock });
  // Runs wait on targets for minutes; each holds a slot, so a handful of runs proceed side by side.
  const runbooks = new Worker("runbooks", async (job: Job) => runRunbookJob(rt, job.data), { connection, prefix, concurrency: 8, ...lock });
  const governance = new Worker("governance", async (job: Job) => runProposalCloseJob(rt, job.data), { connection, prefix, concurrency: 4, ...lock });
  // Backups are heavy (pg_dump, tar): one at a time per worker.
  const backups = new Worker(
    "backups",
    async (job: Job) => {
      if (job.name === JOBS.backupRun.name) return runBackupJob(rt, job.data, job.attemptsMade + 1, job.opts.attempts ?? 1);
      if (job.name === JOBS.backupCleanup.name) return runBackupCleanupJob(rt);
      throw new Error(`unknown job ${job.name} on queue backups`);
    },
    { connection, prefix, concurrency: 1, ...lock },
  );
  const maintenance = new Worker(
    "maintenance",
    async (job: Job) => job.name === JOBS.configSnapshots.name ? runConfigSnapshotsJob(rt) : ({
      partitions: await runMaintenance(rt),
      requeuedAlerts: await requeueDueAlerts(rt),
      redispatchedRuns: await redispatchStrandedRuns(rt),
      learnings: await runDetectionJob(rt),
      closedProposals: await closeDueProposals(rt),
      overdueBackups: await checkOverdueBackups(rt),
      // A verification killed mid-restore leaves its scratch database behind: swept once it is over an hour old.
      sweptScratchDatabases: await sweepScratchDatabases(rt.env.DATABASE_URL),
    }),
    { connection, prefix, concurrency: 1 },
  );
  for (const w of [probes, healing, alerts, runbooks, governance, backups, maintenance]) {
    w.on("failed", (job, err) => log(`job ${job?.name ?? "?"} ${job?.id ?? ""} failed: ${err.message}`));
    w.on("error", (err) => log(`worker error: ${err.message}`));
  }
  return [probes, healing, alerts, runbooks, governance, backups, maintenance];
}
