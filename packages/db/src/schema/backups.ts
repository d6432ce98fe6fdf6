import { bigint, boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** The index of backups; the files and their manifests on disk are the backups themselves. */
export const backups = pgTable(
  "backups",
  {
    id: text().primaryKey(),
    type: text({ enum: ["database", "redis", "workspace", "agent-state", "full"] }).notNull(),
    status: text({ enum: ["running", "succeeded", "failed", "deleted"] }).notNull(),
    trigger: text().notNull(),
    path: text().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    finishedAt: timestamp({ withTimezone: true }),
    size: bigint({ mode: "number" }),
    sha256: text(),
    manifest: jsonb(),
    error: text(),
    verifiedAt: timestamp({ withTimezone: true }),
    verifyOk: boolean(),
    verifyDetail: text(),
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("backups_type_idx").on(t.type, t.startedAt.desc())],
);
