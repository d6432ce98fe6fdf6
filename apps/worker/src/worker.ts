import { Worker, type Job } from "bullmq";
import { JOBS, pruneIdempotencyKeys, pruneOutbox, sweepScratchDatabases } from "@ops/core";
import { requeueDueAlerts, runAlertSendJob } from "./jobs/alerts.ts";
import { runDoctorJob, runLadderJob, runRestartJob } from "./jobs/healing.ts";
import { runDetectionJob, runMaintenance } from "./jobs/maintenance.ts";
import { runProbeCycle } from "./jobs/probe-cycle.ts";
import { runProbeShardJob } from "./jobs/probe-shard.ts";
import { redispatchStrandedRuns, runRunbookJob } from "./jobs/runbooks.ts";
import { closeDueProposals, runProposalCloseJob } from "./jobs/governance.ts";
import { checkOverdueBackups, runBackupCleanupJob, runBackupJob } from "./jobs/backups.ts";
import { runConfigSnapshotsJob } from "./jobs/config-snapshots.ts";
import type { WorkerRuntime } from "./runtime.ts";
export { installSchedules } from "./schedules.ts";
import { pingDeadMansSwitch } from "./jobs/watchdog.ts";

/** When a scheduler's job was due: BullMQ names scheduler jobs `repeat:<scheduler>:<due millis>`. */
export function scheduledTime(job: Job): number {
  const due = /^repeat:.+:(\d+)$/.exec(job.id ?? "");
  return due ? Number(due[1]) : job.timestamp + (job.delay || 0);
}

type Log = (msg: string, extra?: Record<string, unknown>) => void;

export function startWorkers(rt: WorkerRuntime, log: Log): Worker[] {
  const connection = rt.redis;
  const prefix = rt.env.OPS_REDIS_PREFIX;
  // A worker that dies holding a job loses its lock after this; another worker then takes the job over.
  const lock = { lockDuration: rt.env.OPS_JOB_LOCK_SECONDS * 1000, stalledInterval: (rt.env.OPS_JOB_LOCK_SECONDS * 1000) / 2 };
  const probes = new Worker(
    "probes",
    async (job: Job) => {
      if (job.name === JOBS.probeCycle.name) {
        const cycle = await runProbeCycle(rt, scheduledTime(job));
        // After the shards are handed out: the ping says the previous cycles reported, so it stops when probing does.
        void pingDeadMansSwitch(rt, log).catch(() => {});
        return cycle;
      }
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
      prunedOutbox: await pruneOutbox(rt.db.sql),
      prunedIdempotencyKeys: await pruneIdempotencyKeys(rt.db.sql),
    }),
    { connection, prefix, concurrency: 1 },
  );
  for (const w of [probes, healing, alerts, runbooks, governance, backups, maintenance]) {
    w.on("failed", (job, err) => log(`job ${job?.name ?? "?"} ${job?.id ?? ""} failed: ${err.message}`));
    w.on("error", (err) => log(`worker error: ${err.message}`));
  }
  return [probes, healing, alerts, runbooks, governance, backups, maintenance];
}
