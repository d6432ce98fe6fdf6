import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** SLO definitions: from the UI, from config (keyed by name) or promoted from a learning. */
export const slos = pgTable(
  "slos",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    name: text().notNull(),
    description: text(),
    kind: text({ enum: ["availability", "latency"] }).notNull(),
    /** SloSelector of the contract: named targets, or a group that follows the fleet. */
    selector: jsonb().notNull(),
    objectivePercent: doublePrecision().notNull(),
    /** Latency SLOs: one of the rollups' bounds (LATENCY_BOUNDS_MS). */
    thresholdMs: integer(),
    windowDays: smallint().notNull(),
    policy: text({ enum: ["none", "confirm", "approval"] })
      .notNull()
      .default("none"),
    policyLiftedUntil: timestamp({ withTimezone: true }),
    source: text({ enum: ["ui", "config", "learning"] }).notNull(),
    learningId: text(),
    version: integer().notNull().default(1),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("slos_name_idx").on(t.name)],
);

const rollupCounts = {
  valid: integer().notNull(),
  good: integer().notNull(),
  /** Good probes answered in at most 100, 250, 500, 1000, 2500 and 5000 ms (LATENCY_BOUNDS_MS). */
  under100: integer().notNull(),
  under250: integer().notNull(),
  under500: integer().notNull(),
  under1000: integer().notNull(),
  under2500: integer().notNull(),
  under5000: integer().notNull(),
};

/**
 * Probe counts per target and 5-minute bucket, rebuilt from probe_samples for the recent buckets on every pass
 * (overwritten, so a pass run twice or a late sample changes nothing wrongly). The burn-rate windows (≤ 3 d)
 * read these; kept a few days.
 */
export const sampleRollups = pgTable(
  "sample_rollups",
  { target: text().notNull(), bucket: timestamp({ withTimezone: true }).notNull(), ...rollupCounts },
  (t) => [primaryKey({ columns: [t.target, t.bucket] }), index("sample_rollups_bucket_idx").on(t.bucket)],
);

/** The same counts per target and hour, built from the 5-minute rollups: a 30-day budget reads 720 rows a target. */
export const sampleRollupsHourly = pgTable(
  "sample_rollups_hourly",
  { target: text().notNull(), hour: timestamp({ withTimezone: true }).notNull(), ...rollupCounts },
  (t) => [primaryKey({ columns: [t.target, t.hour] }), index("sample_rollups_hourly_hour_idx").on(t.hour)],
);

/** How far each rollup level is complete: the next pass rebuilds from a little before this. */
export const rollupProgress = pgTable("rollup_progress", {
  level: text({ enum: ["5m", "1h"] }).primaryKey(),
  upTo: timestamp({ withTimezone: true }).notNull(),
});

/** The state of each SLO's burn-rate alert rules: an episode fires once and resolves once. */
export const sloAlertState = pgTable(
  "slo_alert_state",
  {
    sloId: bigint({ mode: "number" })
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    rule: text({ enum: ["page-fast", "page-slow", "ticket"] }).notNull(),
    firing: boolean().notNull().default(false),
    since: timestamp({ withTimezone: true }),
    lastNotifiedAt: timestamp({ withTimezone: true }),
    /** The incident a page opened, while it fires. */
    incidentId: bigint({ mode: "number" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.sloId, t.rule] })],
);

/** Changes for the delivery (DORA) metrics: CI deploys, versions the probes saw, governance and runbook changes. */
export const deployments = pgTable(
  "deployments",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    service: text().notNull(),
    version: text().notNull(),
    commitAt: timestamp({ withTimezone: true }),
    deployedAt: timestamp({ withTimezone: true }).notNull(),
    result: text({ enum: ["succeeded", "failed", "rolled_back"] }).notNull(),
    source: text({ enum: ["api", "probe", "governance", "runbook"] }).notNull(),
    recordedBy: text().notNull(),
    /** The targets a change touched when they are not just `service` (a runbook run's); empty: the whole fleet. */
    targets: text().array(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("deployments_deployed_at_idx").on(t.deployedAt.desc()),
    index("deployments_service_idx").on(t.service, t.deployedAt.desc()),
    // A version the probes saw is recorded once per service, however many probe passes see it.
    uniqueIndex("deployments_probe_version_idx")
      .on(t.service, t.version)
      .where(sql`${t.source} = 'probe'`),
  ],
);

/**
 * Per-SLO counts (its targets summed, its own good events: good probes, or good probes under its threshold),
 * per 5-minute bucket (kept a few days, for the burn windows) and per hour (for the budget window), written by
 * the rollup pass from the per-target rollups so one SLO over 10,000 targets reads ~1,600 rows, not millions.
 */
export const sloRollups = pgTable(
  "slo_rollups",
  {
    sloId: bigint({ mode: "number" })
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    bucket: timestamp({ withTimezone: true }).notNull(),
    valid: integer().notNull(),
    good: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sloId, t.bucket] }), index("slo_rollups_bucket_idx").on(t.bucket)],
);

export const sloRollupsHourly = pgTable(
  "slo_rollups_hourly",
  {
    sloId: bigint({ mode: "number" })
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    hour: timestamp({ withTimezone: true }).notNull(),
    valid: integer().notNull(),
    good: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sloId, t.hour] }), index("slo_rollups_hourly_hour_idx").on(t.hour)],
);

/**
 * Which definition an SLO's rollups were built for (`key`: kind, threshold, window and its targets): a read
 * whose SLO has another key (new, edited, or a group whose members changed) computes from the per-target
 * rollups until the next pass rebuilds the SLO's own.
 */
export const sloRollupState = pgTable("slo_rollup_state", {
  sloId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => slos.id, { onDelete: "cascade" }),
  key: text().notNull(),
  builtAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * The latest status of every SLO (SLI, budget, burn rates, targets), written by the worker's minute job; the
 * SLO list and GET /metrics read one row per SLO instead of recomputing. `version` and `key` say which
 * definition it was computed for; alerts and the policy are joined in at read time.
 */
export const sloStatus = pgTable("slo_status", {
  sloId: bigint({ mode: "number" })
    .primaryKey()
    .references(() => slos.id, { onDelete: "cascade" }),
  version: integer().notNull(),
  key: text().notNull(),
  status: jsonb().notNull(),
  computedAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Per-SLO counts per UTC day, summed from its hourly rows by the rollup pass, with `badHours`: the sum over the
 * day's hours of each hour's bad share (spent budget in hours; spending adds up across buckets). A 30-day status
 * reads ≤ 30 of these and the hours at the window's two ends instead of 720 hourly rows.
 */
export const sloRollupsDaily = pgTable(
  "slo_rollups_daily",
  {
    sloId: bigint({ mode: "number" })
      .notNull()
      .references(() => slos.id, { onDelete: "cascade" }),
    day: timestamp({ withTimezone: true }).notNull(),
    valid: bigint({ mode: "number" }).notNull(),
    good: bigint({ mode: "number" }).notNull(),
    badHours: doublePrecision().notNull(),
  },
  (t) => [primaryKey({ columns: [t.sloId, t.day] })],
);
