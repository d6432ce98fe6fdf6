import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { targets } from "./targets.ts";

/** The watchdog's memory per target: what the ladder decides from. */
export const targetHealing = pgTable("target_healing", {
  target: text()
    .primaryKey()
    .references(() => targets.name, { onDelete: "cascade" }),
  paused: boolean().notNull().default(false),
  restarts: bigint({ mode: "number" }).array().notNull().default(sql`'{}'::bigint[]`),
  failingSince: timestamp({ withTimezone: true }),
  escalatedAt: timestamp({ withTimezone: true }),
  escalationReason: text(),
  nextRestartAt: timestamp({ withTimezone: true }),
  nextAttempt: integer(),
  restartingAt: timestamp({ withTimezone: true }),
  // Snapshots taken at each evaluation, so the board can show "restart 2/5" without the policy at hand.
  restartsInWindow: integer().notNull().default(0),
  maxAttempts: integer().notNull().default(5),
  driver: text().notNull().default("simulator"),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** One row per restart the watchdog decided; the unique key is what keeps a retried job from restarting twice. */
export const restarts = pgTable(
  "restarts",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    target: text()
      .notNull()
      .references(() => targets.name, { onDelete: "cascade" }),
    attemptKey: text().notNull(),
    attempt: integer().notNull(),
    driver: text().notNull(),
    status: text({ enum: ["started", "succeeded", "failed", "interrupted"] }).notNull(),
    reason: text().notNull(),
    output: text(),
    dueAt: timestamp({ withTimezone: true }).notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
    details: jsonb(),
  },
  (t) => [uniqueIndex("restarts_attempt_key_idx").on(t.attemptKey), index("restarts_target_idx").on(t.target, t.startedAt.desc())],
);

/** Processes the console runs itself (the `process` restart driver): which pid on which host. */
export const managedProcesses = pgTable("managed_processes", {
  target: text()
    .primaryKey()
    .references(() => targets.name, { onDelete: "cascade" }),
  pid: integer().notNull(),
  host: text().notNull(),
  startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  logFile: text().notNull(),
});
