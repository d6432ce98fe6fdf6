import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

/** The case library: presets are inserted once and then belong to the on-call team to edit. */
export const cases = pgTable("cases", {
  id: text().primaryKey(),
  title: text().notNull(),
  errorCode: text().notNull(),
  signature: text(),
  keywords: text().array().notNull(),
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
    outcome: text({ enum: ["running", "fixed", "not-fixed", "no-match"] }).notNull(),
    detail: text(),
    incidentId: bigint({ mode: "number" }).references(() => incidents.id, { onDelete: "set null" }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("diagnoses_target_idx").on(t.target, t.at.desc())],
);
