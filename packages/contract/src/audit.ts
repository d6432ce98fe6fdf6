/** The audit log (`GET /api/audit`) and the security log (`GET /api/security-events`), newest first. */
import { z } from "zod";
import { IdText, IsoTimestamp } from "./common.ts";

/** Who did it: a person, an API token, or a part of the system ("doctor", "watchdog"). */
export const AuditActor = z.object({ type: z.enum(["user", "token", "system"]), id: z.string().nullable(), label: z.string() });
export type AuditActor = z.infer<typeof AuditActor>;

export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: AuditActor,
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  before: z.unknown().describe("the record before the change, secrets redacted"),
  after: z.unknown().describe("the record after the change, secrets redacted"),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** The security log's kinds (failed logins, refused requests, ended sessions). */
export const SECURITY_EVENT_KINDS = [
  "login.failed",
  "login.rate_limited",
  "auth.unauthenticated",
  "auth.forbidden",
  "csrf.rejected",
  "ws.rejected",
  "session.revoked",
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export const SecurityEvent = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.string(),
  email: z.string().nullable(),
  actorId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  route: z.string().nullable(),
  detail: z.string().nullable(),
});
export type SecurityEvent = z.infer<typeof SecurityEvent>;

/** Time window and paging shared by both logs. */
const LogPaging = {
  from: IsoTimestamp.optional(),
  to: IsoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: IdText.optional(),
};

export const AuditQuery = z.object({
  actor: z.string().max(320).optional(),
  action: z.string().max(120).optional(),
  targetType: z.string().max(60).optional(),
  targetId: z.string().max(200).optional(),
  ...LogPaging,
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const SecurityEventQuery = z.object({ kind: z.string().max(60).optional(), email: z.string().max(320).optional(), ...LogPaging });
export type SecurityEventQuery = z.infer<typeof SecurityEventQuery>;

export const AuditList = z.object({ entries: z.array(AuditEntry) });
export type AuditList = z.infer<typeof AuditList>;

export const SecurityEventList = z.object({ events: z.array(SecurityEvent) });
export type SecurityEventList = z.infer<typeof SecurityEventList>;
