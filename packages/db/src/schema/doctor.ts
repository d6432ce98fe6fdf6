import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

/** The case library: presets are inserted once and then belong to the on-call team to edit. */
export const cases = pgTable("cases", {
  id: text().primaryKey(),
  title: text().notNull(),
  errorCode: text().notNull(),
  signature: text(),
  keywords: text().array().notNull(),
  /** Terms the evidence must contain for a keyword match to count (a case's distinguishing words). */
  requires: text()
    .array()
    .notNull()
    .default(sql`'{}'::text[]`),
  /** Exit codes that point at this case (78: EX_CONFIG). */
  exitCodes: integer()
    .array()
    .notNull()
    .default(sql`'{}'::int[]`),
  /** Set when the team edits a preset: the shipped presets are refreshed only while this is false. */
  customised: boolean().notNull().default(false),
  solution: text().notNull(),
  actions: jsonb().notNull(),
  attempts: integer().notNull().default(0),
  successes: integer().notNull().default(0),
  builtin: boolean().notNull().default(false),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const diagnoses = pgTable(
  "diagnoses",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    target: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    signature: text(),
    evidence: text().notNull(),
    caseId: text().references(() => cases.id, { onDelete: "set null" }),
    confidence: real(),
    actions: jsonb(),
    /** unsure: cases matched but none clearly enough to act on. */
    outcome: text({ enum: ["running", "fixed", "not-fixed", "no-match", "unsure"] }).notNull(),
    candidates: jsonb(),
    detail: text(),
    incidentId: bigint({ mode: "number" }).references(() => incidents.id, { onDelete: "set null" }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("diagnoses_target_idx").on(t.target, t.at.desc())],
);
