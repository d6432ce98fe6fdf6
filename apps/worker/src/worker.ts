import { Worker, type Job } from "bullmq";
import {
  JOBS,
  JOB_BY_NAME,
  QUEUE_NAMES,
  pruneIdempotencyKeys,
  pruneOutbox,
  sweepScratchDatabases,
  type JobName,
  type JobPayload,
  type QueueName,
} from "@ops/core";
import { requeueDueAlerts, runAlertSendJob } from "./jobs/alerts.ts";
import { runDoctorJob, runLadderJob, runRestartJob } from "./jobs/healing.ts";
import { runDetectionJob, runMaintenance } from "./jobs/maintenance.ts";
import { runProbeCycle } from "./jobs/probe-cycle.ts";
import { runProbeShardJob } from "./jobs/probe-shard.ts";
import { redispatchStrandedRuns, runRunbookJob } from "./jobs/runbooks.ts";
import { closeDueProposals, runProposalCloseJob } from "./jobs/governance.ts";
import { checkOverdueBackups, runBackupCleanupJob, runBackupJob } from "./jobs/backups.ts";
import { runConfigSnapshotsJob } from "./jobs/config-snapshots.ts";
import { runSloJob } from "./jobs/slo.ts";
import type { WorkerRuntime } from "./runtime.ts";
export { installSchedules } from "./schedules.ts";
import { pingDeadMansSwitch } from "./jobs/watchdog.ts";

/** When a scheduler's job was due: BullMQ names scheduler jobs `repeat:<scheduler>:<due millis>`. */
export function scheduledTime(job: Job): number {
  const due = /^repeat:.+:(\d+)$/.exec(job.id ?? "");
  return due ? Number(due[1]) : job.timestamp + (job.delay || 0);
}

type Log = (msg: string, extra?: Record<string, unknown>) => void;

type Handler<N extends JobName> = (rt: WorkerRuntime, data: JobPayload<N>, job: Job) => Promise<unknown>;

/** What each job of the catalog does: one entry per job, checked by the compiler against the catalog. */
function handlers(log: Log): { [N in JobName]: Handler<N> } {
  return {
    probeCycle: async (rt, _data, job) => {
      const cycle = await runProbeCycle(rt, scheduledTime(job));
      // After the shards are handed out: the ping says the previous cycles reported, so it stops when probing does.
      void pingDeadMansSwitch(rt, log).catch(() => {});
      return cycle;
    },
    probeShard: (rt, data) => runProbeShardJob(rt, data),
    ladder: (rt, data) => runLadderJob(rt, data),
    restart: (rt, data) => runRestartJob(rt, data),
    doctor: (rt, data) => runDoctorJob(rt, data),
    alertSend: (rt, data) => runAlertSendJob(rt, data),
    runbookRun: (rt, data) => runRunbookJob(rt, data),
    proposalClose: (rt, data) => runProposalCloseJob(rt, data),
    backupRun: (rt, data, job) => runBackupJob(rt, data, job.attemptsMade + 1, job.opts.attempts ?? 1),
    backupCleanup: (rt) => runBackupCleanupJob(rt),
    configSnapshots: (rt) => runConfigSnapshotsJob(rt),
    slo: (rt) => runSloJob(rt),
    maintenance: async (rt) => ({
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
  };
}

/**
 * Jobs per queue a worker process runs at once. Runs wait on targets for minutes, so several proceed side by
 * side; backups are heavy (pg_dump, tar): one at a time; maintenance: one at a time.
 */
const CONCURRENCY: Record<QueueName, number> = { probes: 8, healing: 4, alerts: 4, runbooks: 8, governance: 4, backups: 1, maintenance: 1 };

/** One BullMQ worker per queue; each job is dispatched by its catalog name, its payload parsed by the catalog's schema. */
export function startWorkers(rt: WorkerRuntime, log: Log): Worker[] {
  const connection = rt.redis;
  const prefix = rt.env.OPS_REDIS_PREFIX;
  // A worker that dies holding a job loses its lock after this; another worker then takes the job over.
  const lock = { lockDuration: rt.env.OPS_JOB_LOCK_SECONDS * 1000, stalledInterval: (rt.env.OPS_JOB_LOCK_SECONDS * 1000) / 2 };
  const table = handlers(log) as Record<JobName, (rt: WorkerRuntime, data: unknown, job: Job) => Promise<unknown>>;
  return QUEUE_NAMES.map((queue) => {
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const key = JOB_BY_NAME.get(job.name);
        if (!key || JOBS[key].queue !== queue) throw new Error(`unknown job ${job.name} on queue ${queue}`);
        return table[key](rt, JOBS[key].payload.parse(job.data), job);
      },
      { connection, prefix, concurrency: CONCURRENCY[queue], ...(queue === "maintenance" ? {} : lock) },
    );
    worker.on("failed", (job, err) => log(`job ${job?.name ?? "?"} ${job?.id ?? ""} failed: ${err.message}`));
    worker.on("error", (err) => log(`worker error: ${err.message}`));
    return worker;
  });
}
