import { bigint, bigserial, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { incidents } from "./incidents.ts";

/** The outbox: one row per alert and channel, kept whatever happens to the send. */
export const alerts = pgTable(
  "alerts",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    target: text().notNull(),
    kind: text().notNull(),
    level: text({ enum: ["warning", "error", "critical"] }).notNull(),
    channel: text().notNull(),
    status: text({ enum: ["pending", "sent", "failed", "suppressed"] }).notNull(),
    title: text().notNull(),
    message: text().notNull(),
    incidentId: bigint({ mode: "number" }).references(() => incidents.id, { onDelete: "set null" }),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }),
    lastError: text(),
    sentAt: timestamp({ withTimezone: true }),
    details: jsonb(),
    /** A follow-up names the alert it updates (a better diagnosis or a new state inside the cooldown). */
    followsId: bigint({ mode: "number" }),
  },
  (t) => [index("alerts_target_kind_idx").on(t.target, t.kind, t.at.desc()), index("alerts_at_idx").on(t.at.desc())],
);
