import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { z } from "zod";

export const QUEUE_NAMES = ["probes", "healing", "alerts", "runbooks", "governance", "backups", "maintenance"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** How a job is retried and how many finished ones Redis keeps: stated once per job, here. */
export type JobPolicy = {
  attempts: number;
  backoff?: { type: "fixed" | "exponential"; delay: number };
  keepCompleted: number;
  keepFailed: number;
};

type JobDef<S extends z.ZodType = z.ZodType> = {
  queue: QueueName;
  name: string;
  payload: S;
  policy: JobPolicy;
  /**
   * The job id from the payload, when one payload must run once (BullMQ drops a job whose id exists). Jobs
   * without one take an id from the caller (a slot, a dispatch number) or a random one.
   */
  jobId?: (payload: z.infer<S>) => string;
};

const job = <S extends z.ZodType>(def: JobDef<S>) => def;
const ONCE: JobPolicy = { attempts: 1, keepCompleted: 1000, keepFailed: 5000 };

/**
 * The job catalog: every job the workers run, with its payload schema, retry policy, retention and job-id
 * rule. enqueue() and stageJob() are the only doors (lint forbids queues.*.add elsewhere); the worker
 * dispatches by this catalog's names.
 */
export const JOBS = {
  probeCycle: job({ queue: "probes", name: "probe-cycle", payload: z.object({}).loose(), policy: ONCE }),
  probeShard: job({
    queue: "probes",
    name: "probe-shard",
    payload: z.object({
      slot: z.number().int().nonnegative(),
      shard: z.number().int().nonnegative(),
      scheduledAt: z.number().int().positive(),
      targets: z.array(z.string()).min(1),
    }),
    // A cycle enqueued twice (two schedulers racing, a retried job) still probes each shard once.
    policy: { attempts: 1, keepCompleted: 2000, keepFailed: 2000 },
    jobId: (p) => `probe-${p.slot}-${p.shard}`,
  }),
  ladder: job({
    queue: "healing",
    name: "ladder",
    payload: z.object({ target: z.string().min(1) }),
    policy: { attempts: 1, keepCompleted: 1000, keepFailed: 1000 },
  }),
  restart: job({
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
    policy: { attempts: 1, keepCompleted: 1000, keepFailed: 1000 },
    // BullMQ job ids may not contain ':'; attempt keys do.
    jobId: (p) => `restart-${p.attemptKey.replaceAll(":", "-")}`,
  }),
  doctor: job({
    queue: "healing",
    name: "doctor",
    payload: z.object({ target: z.string().min(1) }),
    policy: { attempts: 1, keepCompleted: 500, keepFailed: 5000 },
  }),
  alertSend: job({
    queue: "alerts",
    name: "alert-send",
    payload: z.object({ id: z.number().int().positive() }),
    policy: { attempts: 1, keepCompleted: 2000, keepFailed: 2000 },
  }),
  runbookRun: job({
    queue: "runbooks",
    name: "runbook-run",
    payload: z.object({ runId: z.number().int().positive() }),
    policy: { attempts: 3, backoff: { type: "fixed", delay: 2000 }, keepCompleted: 2000, keepFailed: 2000 },
  }),
  backupRun: job({
    queue: "backups",
    name: "backup-run",
    payload: z.object({ type: z.enum(["database", "redis", "workspace", "agent-state", "full"]), trigger: z.string().min(1).max(200) }),
    policy: { attempts: 3, backoff: { type: "exponential", delay: 30_000 }, keepCompleted: 500, keepFailed: 500 },
  }),
  backupCleanup: job({ queue: "backups", name: "backup-cleanup", payload: z.object({}).loose(), policy: ONCE }),
  proposalClose: job({
    queue: "governance",
    name: "proposal-close",
    payload: z.object({ proposalId: z.number().int().positive() }),
    policy: { attempts: 5, backoff: { type: "exponential", delay: 1000 }, keepCompleted: 2000, keepFailed: 2000 },
    jobId: (p) => `proposal-${p.proposalId}-close`,
  }),
  maintenance: job({ queue: "maintenance", name: "maintenance", payload: z.object({}).loose(), policy: ONCE }),
  configSnapshots: job({ queue: "maintenance", name: "config-snapshots", payload: z.object({}).loose(), policy: ONCE }),
  slo: job({ queue: "maintenance", name: "slo", payload: z.object({}).loose(), policy: ONCE }),
} as const;
export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

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
  const queues = {
    probes: make("probes"),
    healing: make("healing"),
    alerts: make("alerts"),
    runbooks: make("runbooks"),
    governance: make("governance"),
    backups: make("backups"),
    maintenance: make("maintenance"),
  };
  return { ...queues, close: async () => void (await Promise.all(Object.values(queues).map((q) => q.close()))) };
}

/** What a call site may say about one job: its id (when the catalog has no rule) and a delay. Policy is the catalog's. */
export type EnqueueOptions = { jobId?: string; delay?: number };

/** BullMQ options for one job: the catalog's policy, the catalog's job id (or the caller's), the caller's delay. */
export function jobOptions<N extends JobName>(job: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): JobsOptions & { jobId?: string } {
  const def: JobDef = JOBS[job];
  const jobId = def.jobId ? def.jobId(payload) : opts.jobId;
  return {
    attempts: def.policy.attempts,
    ...(def.policy.backoff ? { backoff: def.policy.backoff } : {}),
    removeOnComplete: { count: def.policy.keepCompleted },
    removeOnFail: { count: def.policy.keepFailed },
    ...(jobId ? { jobId } : {}),
    ...(opts.delay ? { delay: Math.max(0, opts.delay) } : {}),
  };
}

/** The one door to the queues: the payload is checked against the catalog, the options come from it. */
export async function enqueue<N extends JobName>(queues: Queues, job: N, payload: JobPayload<N>, opts: EnqueueOptions = {}) {
  const def = JOBS[job];
  const data = def.payload.parse(payload) as JobPayload<N>;
  return queues[def.queue].add(def.name, data, jobOptions(job, data, opts));
}

/** A scheduler's job template (name, data, policy) for upsertJobScheduler. */
export function schedulerTemplate<N extends JobName>(job: N, payload: JobPayload<N>) {
  const { jobId: _none, delay: _never, ...opts } = jobOptions(job, payload);
  return { name: JOBS[job].name, data: JOBS[job].payload.parse(payload) as JobPayload<N>, opts };
}

/** The catalog key of a BullMQ job name (the worker dispatches by it). */
export const JOB_BY_NAME: ReadonlyMap<string, JobName> = new Map((Object.keys(JOBS) as JobName[]).map((k) => [JOBS[k].name, k]));

export function metricsKey(prefix: string, name: string): string {
  return `${prefix}:metrics:${name}`;
}

/**
 * Hand a run to the workers. Each hand-over gets its own job id (run-<id>-<n>), so a run resumed after a
 * person's decision is a new job, while a repeated call for the same hand-over is not.
 */
export async function dispatchRun(queues: Queues, runId: number, dispatch: number) {
  return enqueue(queues, "runbookRun", { runId }, { jobId: runJobId(runId, dispatch) });
}

export function runJobId(runId: number, dispatch: number): string {
  return `run-${runId}-${dispatch}`;
}

/**
 * Close a proposal at its deadline: a delayed job. If no worker runs at that moment the job waits in Redis
 * and runs when one starts; votes after the deadline are refused by the database's clock meanwhile.
 */
export async function scheduleProposalClose(queues: Queues, proposalId: number, deadline: Date) {
  return enqueue(queues, "proposalClose", { proposalId }, { delay: deadline.getTime() - Date.now() });
}
