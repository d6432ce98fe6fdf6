import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, bigint, uniqueIndex } from "drizzle-orm/pg-core";

export const incidents = pgTable(
  "incidents",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    title: text().notNull(),
    severity: text({ enum: ["P1", "P2", "P3", "P4"] }).notNull(),
    status: text({ enum: ["open", "acknowledged", "mitigated", "resolved"] })
      .notNull()
      .default("open"),
    source: text({ enum: ["ladder", "manual"] }).notNull(),
    /** The target a watchdog-opened incident is about; null for manual incidents. */
    target: text(),
    targets: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    summary: text(),
    /** The normalised error of a watchdog incident: recurrences are the same target with the same signature. */
    signature: text(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    detectedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedBy: text(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: text(),
  },
  (t) => [
    // At most one open watchdog incident per target: the race between two workers ends at this index.
    uniqueIndex("incidents_open_target_idx")
      .on(t.target)
      .where(sql`${t.resolvedAt} IS NULL AND ${t.target} IS NOT NULL`),
    index("incidents_started_idx").on(t.startedAt.desc()),
  ],
);

/** Gap-free numbers (incident keys): taken under the row lock in the transaction that uses them. */
export const counters = pgTable("counters", {
  name: text().primaryKey(),
  value: bigint({ mode: "number" }).notNull(),
});

export const incidentEvents = pgTable(
  "incident_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    incidentId: bigint({ mode: "number" })
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    kind: text().notNull(),
    actor: text().notNull(),
    message: text().notNull(),
    details: jsonb(),
  },
  (t) => [index("incident_events_incident_idx").on(t.incidentId, t.at)],
);
