import type { AuditEntry, SecurityEvent } from "@ops/contract";
import { auditLog, columns, securityEvents, type DbHandle, type Row } from "@ops/db";
import { requirePermission, type RequestContext } from "./context.ts";

// Both logs store the address as inet; the views read it as text without the mask.
const AUDIT_COLUMNS = `${columns(auditLog, { except: ["ip"] })}, host(ip) AS ip`;
const SECURITY_COLUMNS = `${columns(securityEvents, { except: ["ip"] })}, host(ip) AS ip`;
type AuditRow = Row<typeof auditLog>;
type SecurityRow = Row<typeof securityEvents>;

export type AuditFilter = {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  before?: number | undefined;
};

export async function listAudit(h: DbHandle, ctx: RequestContext, f: AuditFilter): Promise<AuditEntry[]> {
  requirePermission(ctx, "audit:read");
  const rows = await h.sql<AuditRow[]>`
    SELECT ${h.sql.unsafe(AUDIT_COLUMNS)}
    FROM audit_log
    WHERE (${f.actor ?? null}::text IS NULL OR actor_id = ${f.actor ?? null} OR actor_label ILIKE '%' || ${f.actor ?? ""} || '%')
      AND (${f.action ?? null}::text IS NULL OR action LIKE ${(f.action ?? "") + "%"})
      AND (${f.targetType ?? null}::text IS NULL OR target_type = ${f.targetType ?? null})
      AND (${f.targetId ?? null}::text IS NULL OR target_id = ${f.targetId ?? null})
      AND (${f.from ?? null}::timestamptz IS NULL OR at >= ${f.from ?? null})
      AND (${f.to ?? null}::timestamptz IS NULL OR at < ${f.to ?? null})
      AND (${f.before ?? null}::bigint IS NULL OR id < ${f.before ?? null})
    ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: { type: r.actorType, id: r.actorId, label: r.actorLabel },
    action: r.action,
    target: { type: r.targetType, id: r.targetId },
    ip: r.ip,
    userAgent: r.userAgent,
    requestId: r.requestId,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}

export type SecurityFilter = {
  kind?: string | undefined;
  email?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
  before?: number | undefined;
};

export async function listSecurityEvents(h: DbHandle, ctx: RequestContext, f: SecurityFilter): Promise<SecurityEvent[]> {
  requirePermission(ctx, "audit:read");
  const rows = await h.sql<SecurityRow[]>`
    SELECT ${h.sql.unsafe(SECURITY_COLUMNS)}
    FROM security_events
    WHERE (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null})
      AND (${f.email ?? null}::text IS NULL OR email = lower(${f.email ?? null}))
      AND (${f.from ?? null}::timestamptz IS NULL OR at >= ${f.from ?? null})
      AND (${f.to ?? null}::timestamptz IS NULL OR at < ${f.to ?? null})
      AND (${f.before ?? null}::bigint IS NULL OR id < ${f.before ?? null})
    ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
}
