import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { z } from "zod";

/** Every job the workers run, with its payload schema: enqueue() refuses a payload that does not parse. */
export const JOBS = {
  probeCycle: {
    queue: "probes",
    name: "probe-cycle",
    payload: z.object({}).loose(),
  },
  probeShard: {
    queue: "probes",
    name: "probe-shard",
    payload: z.object({
      slot: z.number().int().nonnegative(),
      shard: z.number().int().nonnegative(),
      scheduledAt: z.number().int().positive(),
      targets: z.array(z.string()).min(1),
    }),
  },
  ladder: {
    queue: "healing",
    name: "ladder",
    payload: z.object({ target: z.string().min(1) }),
  },
  restart: {
    queue: "healing",
    name: "restart",
    payload: z.object({
      target: z.string().min(1),
      attempt: z.number().int().nonnegative(),
      attemptKey: z.string().min(1),
      dueAt: z.number().int().positive(),
      /** start: the console's own first start of a target it runs (no incident, not counted); restart: after a failure. */
      kind: z.enum(["start", "restart"]).default("restart"),
      /** A person's "retry now": allowed while the target is escalated. */
      by: z.string().min(1).max(200).optional(),
    }),
  },
  doctor: {
    queue: "healing",
    name: "doctor",
    payload: z.object({ target: z.string().min(1) }),
  },
  alertSend: {
    queue: "alerts",
    name: "alert-send",
    payload: z.object({ id: z.number().int().positive() }),
  },
  runbookRun: {
    queue: "runbooks",
    name: "runbook-run",
    payload: z.object({ runId: z.number().int().positive() }),
  },
  backupRun: {
    queue: "backups",
    name: "backup-run",
    payload: z.object({ type: z.enum(["database", "redis", "workspace", "agent-state", "full"]), trigger: z.string().min(1).max(200) }),
  },
  backupCleanup: {
    queue: "backups",
    name: "backup-cleanup",
    payload: z.object({}).loose(),
  },
  proposalClose: {
    queue: "governance",
    name: "proposal-close",
    payload: z.object({ proposalId: z.number().int().positive() }),
  },
  maintenance: {
    queue: "maintenance",
    name: "maintenance",
    payload: z.object({}).loose(),
  },
  configSnapshots: {
    queue: "maintenance",
    name: "config-snapshots",
    payload: z.object({}).loose(),
  },
} as const;
export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;
export const QUEUE_NAMES = ["probes", "healing", "alerts", "runbooks", "governance", "backups", "maintenance"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export type Queues = Record<QueueName, Queue> & { close: () => Promise<void> };

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const make = (name: QueueName) => {
    const queue = new Queue(name, {
      connection,
      prefix,
      defaultJobOptions: { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
    });
    // Connection errors surface through the commands that fail (and /readyz); not as a stack trace per retry.
    queue.on("error", () => {});
    return queue;
  };
  const queues = { probes: make("probes"), healing: make("healing"), alerts: make("alerts"), runbooks: make("runbooks"), governance: make("governance"), backups: make("backups"), maintenance: make("maintenance") };
  return { ...queues, close: async () => void (await Promise.all(Object.values(queues).map((q) => q.close()))) };
}

export async function enqueue<N extends JobName>(queues: Queues, job: N, payload: JobPayload<N>, opts: JobsOptions = {}) {
  const def = JOBS[job];
  const data = def.payload.parse(payload);
  return queues[def.queue].add(def.name, data, opts);
}

export function metricsKey(prefix: string, name: string): string {
  return `${prefix}:metrics:${name}`;
}

/**
 * Hand a run to the workers. Each hand-over gets its own job id (run-<id>-<n>), so a run resumed after a
 * person's decision is a new job, while a repeated call for the same hand-over is not.
 */
export async function dispatchRun(queues: Queues, runId: number, dispatch: number) {
  return enqueue(queues, "runbookRun", { runId }, runJobOptions(runId, dispatch));
}

export function runJobOptions(runId: number, dispatch: number) {
  return { jobId: `run-${runId}-${dispatch}`, attempts: 3, backoff: { type: "fixed" as const, delay: 2000 }, removeOnComplete: { count: 2000 }, removeOnFail: { count: 2000 } };
}

export function proposalCloseOptions(proposalId: number) {
  return { jobId: `proposal-${proposalId}-close`, attempts: 5, backoff: { type: "exponential" as const, delay: 1000 }, removeOnComplete: { count: 2000 }, removeOnFail: { count: 2000 } };
}

/**
 * Close a proposal at its deadline: a delayed job. If no worker runs at that moment the job waits in Redis
 * and runs when one starts; votes after the deadline are refused by the database's clock meanwhile.
 */
export async function scheduleProposalClose(queues: Queues, proposalId: number, deadline: Date) {
  return enqueue(queues, "proposalClose", { proposalId }, { ...proposalCloseOptions(proposalId), delay: Math.max(0, deadline.getTime() - Date.now()) });
}
