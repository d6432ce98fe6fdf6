import type { SecurityEventKind } from "@ops/contract";
import { redact } from "@ops/domain";
import type postgres from "postgres";
import type { RequestContext } from "./context.ts";

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
};

type Sql = postgres.Sql | postgres.TransactionSql;

/**
 * The one audit writer. Call it inside the transaction that makes the change, so there is no change
 * without its record. before/after are redacted here, whatever the caller passes.
 */
export async function writeAudit(tx: Sql, ctx: RequestContext, e: AuditEntry): Promise<void> {
  const before = e.before === undefined ? null : tx.json(redact(e.before) as never);
  const after = e.after === undefined ? null : tx.json(redact(e.after) as never);
  await tx`
    INSERT INTO audit_log (actor_type, actor_id, actor_label, action, target_type, target_id, ip, user_agent, request_id, before, after)
    VALUES (${ctx.actor.type}, ${ctx.actor.id}, ${ctx.actor.label}, ${e.action}, ${e.targetType}, ${e.targetId}, ${ctx.ip}, ${ctx.userAgent},
            ${ctx.requestId}, ${before}, ${after})`;
}

/** The security log's kinds: the contract's list, which the dashboard's filter offers too. */
export type { SecurityEventKind };

export type SecurityEvent = {
  kind: SecurityEventKind;
  email?: string | null;
  actorId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  route?: string | null;
  detail?: string | null;
};

export async function recordSecurityEvent(sql: Sql, e: SecurityEvent): Promise<void> {
  await sql`
    INSERT INTO security_events (kind, email, actor_id, ip, user_agent, route, detail)
    VALUES (${e.kind}, ${e.email ?? null}, ${e.actorId ?? null}, ${e.ip ?? null}, ${e.userAgent?.slice(0, 300) ?? null}, ${e.route ?? null}, ${e.detail ?? null})`;
}
