import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./identity.ts";
import { incidents } from "./incidents.ts";

/**
 * One row per runbook run. The definition and the resolved plan are copied in, so the record replays what
 * ran even after the runbook file has moved on to a newer version.
 */
export const runbookRuns = pgTable(
  "runbook_runs",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    runbookId: text().notNull(),
    runbookVersion: text().notNull(),
    runbookTitle: text().notNull(),
    procedureId: text().notNull(),
    procedureTitle: text().notNull(),
    status: text({ enum: ["queued", "running", "waiting", "succeeded", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    params: jsonb().notNull(),
    procedure: jsonb().notNull(),
    targets: text().array().notNull(),
    startedByUser: uuid().references(() => users.id, { onDelete: "set null" }),
    startedBy: text().notNull(),
    incidentId: bigint({ mode: "number" }).references(() => incidents.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    cancelRequestedAt: timestamp({ withTimezone: true }),
    cancelledBy: text(),
    error: text(),
    /** Steps that failed with `onFailure: continue`: the run succeeded, with these as warnings. */
    warnings: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    // Each executor that takes the run over bumps the epoch; a step only moves under the current epoch,
    // so an executor that lost the run (stalled, then revived) cannot act on it any more.
    epoch: integer().notNull().default(0),
    // How many times the run was handed to a worker: part of the job id, so a resumed run gets a new job.
    dispatches: integer().notNull().default(0),
  },
  (t) => [
    index("runbook_runs_created_idx").on(t.createdAt.desc()),
    index("runbook_runs_incident_idx").on(t.incidentId),
    index("runbook_runs_status_idx").on(t.status),
  ],
);

export const runSteps = pgTable(
  "run_steps",
  {
    runId: bigint({ mode: "number" })
      .notNull()
      .references(() => runbookRuns.id, { onDelete: "cascade" }),
    idx: integer().notNull(),
    key: text().notNull(),
    title: text().notNull(),
    action: jsonb().notNull(),
    retrySafe: boolean().notNull(),
    onFailure: text({ enum: ["stop", "continue"] }).notNull(),
    target: text(),
    status: text({ enum: ["pending", "running", "succeeded", "failed", "skipped", "waiting-for-human"] })
      .notNull()
      .default("pending"),
    output: text().notNull().default(""),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    decidedBy: text(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.idx] })],
);

/** A target held by an unfinished run: the primary key is what refuses a second run on the same target. */
export const runLocks = pgTable("run_locks", {
  target: text().primaryKey(),
  runId: bigint({ mode: "number" })
    .notNull()
    .references(() => runbookRuns.id, { onDelete: "cascade" }),
  acquiredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
