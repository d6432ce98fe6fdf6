import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp } from "drizzle-orm/pg-core";

/**
 * The transactional outbox: work a request hands to the workers is written in the same transaction as the
 * rows it concerns, and a relay (in every API and worker process) enqueues it once Redis answers. A Redis
 * outage delays work; it never blocks a request or loses what was acknowledged.
 */
export const jobOutbox = pgTable(
  "job_outbox",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    /** A key of JOBS (packages/core/src/queues.ts). */
    job: text().notNull(),
    payload: jsonb().notNull(),
    /** BullMQ options; jobId always set, so a relay that enqueues twice enqueues once. */
    opts: jsonb().notNull(),
    /** When the job is due (a delayed job keeps its due time however late the relay is). */
    runAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** A relay's claim: another relay takes the row over once the lease has passed. */
    leaseUntil: timestamp({ withTimezone: true }),
    sentAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    lastError: text(),
  },
  (t) => [
    index("job_outbox_unsent_idx")
      .on(t.id)
      .where(sql`sent_at IS NULL`),
  ],
);

/**
 * Idempotency-Key: a creating POST sent again with the same key by the same caller gets the first answer
 * back (for 24 h) instead of creating a second resource.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    /** Who sent it: a user id or a token id; keys of different callers never meet. */
    caller: text().notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    /** sha256 of the body: the same key with another body is refused (422). */
    requestHash: text().notNull(),
    /**
     * The first request's id. Its audit row carries the same id and is written in the transaction that makes
     * the change, so a claim whose answer was never stored can still tell "carried out" from "never ran".
     */
    requestId: text(),
    /** null while the first request is in progress. */
    statusCode: smallint(),
    response: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** An in-progress claim older than this is abandoned (its process died): the key can be used again. */
    leaseUntil: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index("idempotency_keys_created_at_idx").on(t.createdAt)],
);
