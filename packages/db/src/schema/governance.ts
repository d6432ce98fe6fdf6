import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp } from "drizzle-orm/pg-core";

/** A proposal with what it was opened under: the eligible members and rules are copied in, so a later config change does not move its goalposts. */
export const proposals = pgTable(
  "proposals",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    title: text().notNull(),
    description: text().notNull(),
    category: text({ enum: ["operational", "tactical", "strategic", "emergency"] }).notNull(),
    threshold: text({ enum: ["simple", "supermajority", "unanimous"] }).notNull(),
    requires: text().array().notNull(),
    eligible: text().array().notNull(),
    ballotsVisible: boolean().notNull(),
    participationQuorum: real().notNull(),
    change: jsonb(),
    author: text().notNull(),
    status: text({ enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    outcome: text({ enum: ["passed", "rejected", "expired", "withdrawn"] }),
    outcomeReason: text(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deadline: timestamp({ withTimezone: true }).notNull(),
    closedAt: timestamp({ withTimezone: true }),
    applyStatus: text({ enum: ["applied", "failed"] }),
    applyReason: text(),
    appliedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("proposals_open_idx").on(t.status, t.deadline)],
);

/** One ballot per member per proposal: the primary key is what makes a thousand duplicate ballots count once. */
export const ballots = pgTable(
  "ballots",
  {
    proposalId: bigint({ mode: "number" })
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    member: text().notNull(),
    choice: text({ enum: ["yes", "no", "abstain"] }).notNull(),
    actor: text().notNull(),
    castAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    changes: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.member] })],
);

export const reviews = pgTable(
  "reviews",
  {
    proposalId: bigint({ mode: "number" })
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    duty: text().notNull(),
    member: text().notNull(),
    verdict: text({ enum: ["approve", "reject"] }).notNull(),
    note: text().notNull().default(""),
    actor: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.duty] })],
);

/** The governance log (seed: governance-events.log). Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE. */
export const governanceEvents = pgTable(
  "governance_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    proposalId: bigint({ mode: "number" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    kind: text().notNull(),
    member: text(),
    actor: text().notNull(),
    details: jsonb(),
  },
  (t) => [index("governance_events_proposal_idx").on(t.proposalId, t.id)],
);

/** Members added or removed by passed proposals, on top of the configured ones. */
export const governanceMembers = pgTable("governance_members", {
  member: text().primaryKey(),
  active: boolean().notNull(),
  proposalId: bigint({ mode: "number" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Settings changed at run time (by an admin or a passed proposal) over the config files: monitoring thresholds. */
export const settings = pgTable("settings", {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  updatedBy: text().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
