import { sql } from "drizzle-orm";
import { bigserial, boolean, index, inet, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const ROLE_VALUES = ["viewer", "oncall", "governance", "admin"] as const;

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    displayName: text().notNull(),
    passwordHash: text().notNull(),
    roles: text({ enum: ROLE_VALUES })
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    mustChangePassword: boolean().notNull().default(false),
    disabledAt: timestamp({ withTimezone: true }),
    lastLoginAt: timestamp({ withTimezone: true }),
    passwordChangedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_idx").on(sql`lower(${t.email})`)],
);

/** Sessions are stored by the SHA-256 of their token: a database leak does not hand out live sessions. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    ip: inet(),
    userAgent: text(),
  },
  // Looked up to end every live session of a user at once.
  (t) => [
    index("sessions_user_live_idx")
      .on(t.userId)
      .where(sql`${t.revokedAt} IS NULL`),
  ],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    prefix: text().notNull(),
    roles: text({ enum: ROLE_VALUES }).array().notNull(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
    /** The governance member this token votes as (an agent of the triad); set by an admin only. */
    member: text(),
  },
  (t) => [index("api_tokens_created_by_idx").on(t.createdBy)],
);

/** Append-only: a trigger in the migrations refuses UPDATE, DELETE and TRUNCATE. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorType: text({ enum: ["user", "token", "system"] }).notNull(),
    actorId: text(),
    actorLabel: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    ip: inet(),
    userAgent: text(),
    requestId: text(),
    before: jsonb(),
    after: jsonb(),
  },
  (t) => [
    index("audit_log_at_idx").on(t.at.desc()),
    index("audit_log_actor_idx").on(t.actorId, t.at.desc()),
    index("audit_log_target_idx").on(t.targetType, t.targetId),
    // An Idempotency-Key whose answer was lost looks for its request's audit row.
    index("audit_log_request_idx")
      .on(t.requestId)
      .where(sql`${t.requestId} IS NOT NULL`),
  ],
);

/** Failed logins, refused requests and ended sessions; append-only like the audit log. */
export const securityEvents = pgTable(
  "security_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    kind: text().notNull(),
    email: text(),
    actorId: text(),
    ip: inet(),
    userAgent: text(),
    route: text(),
    detail: text(),
  },
  (t) => [index("security_events_at_idx").on(t.at.desc()), index("security_events_kind_idx").on(t.kind, t.at.desc())],
);
