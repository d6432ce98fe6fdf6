import { sql, type SQL } from "drizzle-orm";
import { bigint, bigserial, boolean, customType, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * Learnings (LRN, OPS, FEAT). `doc` is the entry as its markdown reads (fields and sections in order), so
 * export gives back what was imported; the other columns are read from it for filters and search.
 */
export const learnings = pgTable(
  "learnings",
  {
    id: text().primaryKey(),
    // Insertion order: export writes entries in the order they were logged or imported.
    ord: bigserial({ mode: "number" }).notNull(),
    type: text({ enum: ["LRN", "OPS", "FEAT"] }).notNull(),
    heading: text().notNull(),
    doc: jsonb().notNull(),
    priority: text({ enum: ["low", "medium", "high", "critical"] }).notNull(),
    status: text().notNull(),
    area: text().notNull(),
    category: text(),
    severity: text(),
    summary: text().notNull(),
    patternKey: text(),
    recurrenceCount: integer().notNull().default(1),
    firstSeen: date(),
    lastSeen: date(),
    seeAlso: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    loggedAt: timestamp({ withTimezone: true }),
    source: text().notNull(),
    evidence: jsonb(),
    incidentIds: bigint({ mode: "number" })
      .array()
      .notNull()
      .default(sql`'{}'::bigint[]`),
    promotedKind: text(),
    promotionId: bigint({ mode: "number" }),
    version: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedBy: text().notNull(),
    search: tsvector().generatedAlwaysAs(
      (): SQL => sql`to_tsvector('english', coalesce(id, '') || ' ' || coalesce(heading, '') || ' ' || coalesce(doc::text, ''))`,
    ),
  },
  (t) => [
    index("learnings_search_idx").using("gin", t.search),
    index("learnings_pattern_idx").on(t.patternKey),
    index("learnings_status_idx").on(t.status, t.priority),
    index("learnings_incidents_idx").using("gin", t.incidentIds),
  ],
);

/** What a learning became: a runbook draft, a postmortem, an automation-backlog item, a capacity note, a handoff item, an SLO. */
export const promotions = pgTable(
  "promotions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    kind: text({ enum: ["runbook-draft", "postmortem", "automation", "capacity", "handoff", "slo"] }).notNull(),
    learningId: text()
      .notNull()
      .references(() => learnings.id, { onDelete: "cascade" }),
    title: text().notNull(),
    body: text().notNull(),
    payload: jsonb(),
    done: boolean().notNull().default(false),
    postmortemId: bigint({ mode: "number" }),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("promotions_kind_idx").on(t.kind, t.done)],
);

export const postmortems = pgTable(
  "postmortems",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    opsId: text().notNull(),
    incidentId: bigint({ mode: "number" }).references(() => incidents.id, { onDelete: "set null" }),
    learningId: text(),
    title: text().notNull(),
    status: text({ enum: ["draft", "in_review", "published"] })
      .notNull()
      .default("draft"),
    summary: text().notNull().default(""),
    timeline: jsonb().notNull(),
    usersAffected: text().notNull().default(""),
    rootCause: text().notNull().default(""),
    mitigation: text().notNull().default(""),
    prevention: text().notNull().default(""),
    actionItems: jsonb().notNull(),
    metadata: jsonb().notNull(),
    // Optimistic concurrency: every save names the version it edited; a stale one is refused, not merged.
    version: integer().notNull().default(1),
    createdBy: text().notNull(),
    updatedBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp({ withTimezone: true }),
    publishedBy: text(),
  },
  (t) => [uniqueIndex("postmortems_incident_idx").on(t.incidentId), uniqueIndex("postmortems_ops_idx").on(t.opsId)],
);
