import { sql } from "drizzle-orm";
import { bigserial, boolean, index, jsonb, pgTable, real, text, timestamp, doublePrecision, smallint } from "drizzle-orm/pg-core";

export const TARGET_STATUSES = ["ok", "warning", "critical", "down", "unknown"] as const;

/** Targets as configured in fleet.json, synced at start; rows leaving the config are retired, not deleted. */
export const targets = pgTable("targets", {
  name: text().primaryKey(),
  displayName: text().notNull(),
  kind: text({ enum: ["agent", "service"] }).notNull(),
  check: text({ enum: ["openclaw", "http", "tcp"] }).notNull(),
  baseUrl: text().notNull(),
  enabled: boolean().notNull().default(true),
  position: smallint().notNull().default(0),
  config: jsonb().notNull(),
  retiredAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** The latest evaluation of each target: what the board shows. */
export const targetState = pgTable("target_state", {
  name: text()
    .primaryKey()
    .references(() => targets.name, { onDelete: "cascade" }),
  status: text({ enum: TARGET_STATUSES }).notNull().default("unknown"),
  reason: text().notNull().default("not probed yet"),
  findings: jsonb()
    .notNull()
    .default(sql`'[]'::jsonb`),
  latencyMs: real(),
  checkedAt: timestamp({ withTimezone: true }),
  since: timestamp({ withTimezone: true }),
  lastOkAt: timestamp({ withTimezone: true }),
  failingSince: timestamp({ withTimezone: true }),
  version: text(),
  uptimeMs: doublePrecision(),
  uptimeAt: timestamp({ withTimezone: true }),
  ready: boolean(),
  resources: jsonb()
    .notNull()
    .default(sql`'{}'::jsonb`),
});

/**
 * One row per probe. Range-partitioned by day in the migration (drizzle-kit cannot declare partitions),
 * so retention drops whole partitions and range scans touch only the days asked for.
 */
export const probeSamples = pgTable(
  "probe_samples",
  {
    target: text().notNull(),
    checkedAt: timestamp({ withTimezone: true }).notNull(),
    status: text({ enum: TARGET_STATUSES }).notNull(),
    latencyMs: real(),
    cpuPercent: real(),
    memoryPercent: real(),
    diskPercent: real(),
  },
  (t) => [index("probe_samples_target_checked_at_idx").on(t.target, t.checkedAt)],
);

export const statusEvents = pgTable(
  "status_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    target: text()
      .notNull()
      .references(() => targets.name, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull(),
    kind: text({ enum: ["status", "restart"] }).notNull(),
    fromStatus: text({ enum: TARGET_STATUSES }).notNull(),
    toStatus: text({ enum: TARGET_STATUSES }).notNull(),
    reason: text().notNull(),
  },
  (t) => [index("status_events_target_at_idx").on(t.target, t.at.desc()), index("status_events_at_idx").on(t.at.desc())],
);
