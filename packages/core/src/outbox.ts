import type { JobsOptions } from "bullmq";
import type postgres from "postgres";
import { randomUUID } from "node:crypto";
import { JOBS, jobOptions, type JobName, type JobPayload, type Queues } from "./queues.ts";
import { withTimeout } from "./timeout.ts";

type Sql = postgres.Sql | postgres.TransactionSql;
type Log = (msg: string) => void;

/**
 * Stage a job in the caller's transaction: it reaches the workers when the relay next runs (at once when
 * Redis answers), and not at all if the transaction rolls back. Options come from the job catalog; the job id
 * (the catalog's rule, the caller's, or a random one fixed now) makes a relay that enqueues twice enqueue once.
 * `runAt` delays it (a proposal's deadline): the relay computes the delay when it enqueues.
 */
export async function stageJob<N extends JobName>(sql: Sql, job: N, payload: JobPayload<N>, opts: { jobId?: string } = {}, runAt?: Date): Promise<number> {
  const data = JOBS[job].payload.parse(payload) as JobPayload<N>;
  const jobOpts = jobOptions(job, data, opts);
  const stored = { ...jobOpts, jobId: jobOpts.jobId ?? `${JOBS[job].name}-${randomUUID()}` };
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO job_outbox (job, payload, opts, run_at) VALUES (${job}, ${sql.json(data as never)}, ${sql.json(stored as never)}, ${runAt ?? new Date()})
    RETURNING id`;
  return Number(row!.id);
}

type OutboxRow = { id: string; job: string; payload: unknown; opts: JobsOptions; runAt: Date };

/**
 * Hand staged jobs to Redis. Rows are claimed with a lease (so relays in several processes never send one
 * twice at once, and a relay that dies mid-pass leaves its rows to another after 30 s), enqueued with a
 * deadline (a Redis that does not answer ends the pass instead of hanging it), and marked sent.
 */
export async function relayOutbox(
  sql: postgres.Sql,
  queues: Queues,
  opts: { limit?: number; enqueueTimeoutMs?: number } = {},
): Promise<{ sent: number; failed: number; error: string | null }> {
  const rows = await sql<OutboxRow[]>`
    UPDATE job_outbox SET lease_until = now() + interval '30 seconds', attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM job_outbox WHERE sent_at IS NULL AND (lease_until IS NULL OR lease_until < now())
      ORDER BY id LIMIT ${opts.limit ?? 100} FOR UPDATE SKIP LOCKED)
    RETURNING id, job, payload, opts, run_at AS "runAt"`;
  if (rows.length === 0) return { sent: 0, failed: 0, error: null };
  const sent: number[] = [];
  let error: string | null = null;
  for (const row of rows) {
    const def = JOBS[row.job as JobName];
    if (!def) {
      // A job name this version does not know (a newer process staged it): leave it for that version.
      await sql`UPDATE job_outbox SET last_error = ${`unknown job ${row.job}`}, lease_until = now() + interval '5 minutes' WHERE id = ${row.id}`;
      continue;
    }
    try {
      const delay = Math.max(0, row.runAt.getTime() - Date.now());
      await withTimeout(opts.enqueueTimeoutMs ?? 3000, queues[def.queue].add(def.name, row.payload, { ...row.opts, delay }), "Redis");
      sent.push(Number(row.id));
    } catch (err) {
      error = (err as Error).message;
      break;
    }
  }
  if (sent.length) await sql`UPDATE job_outbox SET sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = ANY(${sent})`;
  const unsent = rows.map((r) => Number(r.id)).filter((id) => !sent.includes(id));
  // Not sent: free them for the next pass (soon), with the reason kept for operators.
  if (unsent.length && error) await sql`UPDATE job_outbox SET lease_until = NULL, last_error = ${error} WHERE id = ANY(${unsent})`;
  return { sent: sent.length, failed: error ? unsent.length : 0, error };
}

/** Sent rows are kept a day for operators to look at, then deleted (maintenance). */
export async function pruneOutbox(sql: postgres.Sql): Promise<number> {
  const rows = await sql`DELETE FROM job_outbox WHERE sent_at < now() - interval '1 day' RETURNING id`;
  return rows.length;
}

export async function outboxBacklog(sql: postgres.Sql): Promise<{ unsent: number; oldestAt: Date | null }> {
  const [row] = await sql<{ unsent: number; oldestAt: Date | null }[]>`
    SELECT count(*)::int AS unsent, min(created_at) AS "oldestAt" FROM job_outbox WHERE sent_at IS NULL`;
  return row ?? { unsent: 0, oldestAt: null };
}

/**
 * The relay loop of one process: a pass every second, at once after kick() (a request that staged work),
 * backing off to 10 s while Redis does not answer. One pass at a time.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly queues: Queues,
    private readonly log: Log = () => {},
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Run a pass now (or right after the one in progress). Never throws, never waits. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.failures > 0) return; // backing off: Redis is away; the timer retries
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), ms);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    this.timer = null;
    if (this.running) return;
    this.running = (async () => {
      try {
        for (;;) {
          this.again = false;
          const r = await relayOutbox(this.sql, this.queues);
          if (r.error) {
            if (this.failures === 0) this.log(`outbox: could not enqueue ${r.failed} job(s): ${r.error}; they wait in PostgreSQL and go when Redis answers`);
            this.failures++;
            break;
          }
          if (this.failures > 0) this.log(`outbox: Redis answers again; ${r.sent} waiting job(s) sent`);
          this.failures = 0;
          if (r.sent < 100 && !this.again) break;
        }
      } catch (err) {
        // PostgreSQL away: nothing can be staged either; try again on the timer.
        if (this.failures === 0) this.log(`outbox: cannot read the outbox: ${(err as Error).message}`);
        this.failures++;
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(this.failures ? Math.min(10_000, this.everyMs * 2 ** Math.min(this.failures, 4)) : this.everyMs);
  }
}
