import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { targets } from "./targets.ts";

/** The watchdog's memory per target: what the ladder decides from. */
export const targetHealing = pgTable("target_healing", {
  target: text()
    .primaryKey()
    .references(() => targets.name, { onDelete: "cascade" }),
  paused: boolean().notNull().default(false),
  restarts: bigint({ mode: "number" })
    .array()
    .notNull()
    .default(sql`'{}'::bigint[]`),
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
  /** When each remembered crash happened: every exit or uptime reset, whoever restarted the process (the "5 in 600 s" rule). */
  crashes: bigint({ mode: "number" })
    .array()
    .notNull()
    .default(sql`'{}'::bigint[]`),
  /** A start or restart attempt in progress: the ladder waits for it to end healthy, failed or timed out. */
  startingSince: timestamp({ withTimezone: true }),
  startingAttemptKey: text(),
  startDeadline: timestamp({ withTimezone: true }),
  /** How the target's process last ended, as its driver saw it: {pid, code, signal, at, tail}; the doctor's first evidence. */
  lastExit: jsonb(),
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
    /** `start`: the console's own first start of a target it manages (no incident); `restart`: after a failure. */
    kind: text({ enum: ["start", "restart"] })
      .notNull()
      .default("restart"),
    driver: text().notNull(),
    /**
     * started: the row is committed, the driver about to act; starting: the driver acted, waiting for the
     * target; healthy / failed / timed-out: how the attempt ended; interrupted: the worker died mid-restart;
     * skipped: superseded before it acted. `succeeded` is the pre-2026-12 word for a spawned process.
     */
    status: text({ enum: ["started", "starting", "healthy", "failed", "timed-out", "interrupted", "skipped", "succeeded"] }).notNull(),
    exitCode: integer(),
    exitSignal: text(),
    /** The last lines the process wrote before it exited (redacted). */
    stderrTail: text(),
    endedAt: timestamp({ withTimezone: true }),
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
  /** The small supervisor process that waits for the program and records its exit; the program is its child. */
  supervisorPid: integer(),
  /** The kernel's start time of the pid (/proc/<pid>/stat field 22): a pid reused by another program is not ours. */
  procStart: text(),
  /** Where the supervisor writes the exit record. */
  statusFile: text(),
  exitCode: integer(),
  exitSignal: text(),
  exitedAt: timestamp({ withTimezone: true }),
  /** Set before the console stops the process on purpose: that exit is not a crash. */
  stopRequestedAt: timestamp({ withTimezone: true }),
  stopReason: text(),
});

/** Last-known-good copies of a target's own config file (openclaw.json), taken when it was healthy and validated. */
export const configVersions = pgTable(
  "config_versions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    target: text()
      .notNull()
      .references(() => targets.name, { onDelete: "cascade" }),
    version: integer().notNull(),
    path: text().notNull(),
    sha256: text().notNull(),
    content: text().notNull(),
    /** snapshot: taken while healthy and valid; broken: a file the console replaced by a restore (kept for the record). */
    kind: text({ enum: ["snapshot", "broken"] })
      .notNull()
      .default("snapshot"),
    validation: text(),
    takenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("config_versions_target_version_idx").on(t.target, t.version), index("config_versions_target_sha_idx").on(t.target, t.sha256)],
);
