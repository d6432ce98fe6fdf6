import type { DbHandle } from "@ops/db";
import { requirePermission, type RequestContext } from "./context.ts";

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

export async function listAudit(h: DbHandle, ctx: RequestContext, f: AuditFilter) {
  requirePermission(ctx, "audit:read");
  const rows = await h.sql<
    { id: string; at: Date; actorType: string; actorId: string | null; actorLabel: string; action: string; targetType: string; targetId: string | null; ip: string | null; userAgent: string | null; requestId: string | null; before: unknown; after: unknown }[]
  >`
    SELECT id, at, actor_type AS "actorType", actor_id AS "actorId", actor_label AS "actorLabel", action, target_type AS "targetType",
           target_id AS "targetId", host(ip) AS ip, user_agent AS "userAgent", request_id AS "requestId", before, after
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
    id: Number(r.id),
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

export type SecurityFilter = { kind?: string | undefined; email?: string | undefined; from?: Date | undefined; to?: Date | undefined; limit: number; before?: number | undefined };

export async function listSecurityEvents(h: DbHandle, ctx: RequestContext, f: SecurityFilter) {
  requirePermission(ctx, "audit:read");
  const rows = await h.sql<{ id: string; at: Date; kind: string; email: string | null; actorId: string | null; ip: string | null; userAgent: string | null; route: string | null; detail: string | null }[]>`
    SELECT id, at, kind, email, actor_id AS "actorId", host(ip) AS ip, user_agent AS "userAgent", route, detail
    FROM security_events
    WHERE (${f.kind ?? null}::text IS NULL OR kind = ${f.kind ?? null})
      AND (${f.email ?? null}::text IS NULL OR email = lower(${f.email ?? null}))
      AND (${f.from ?? null}::timestamptz IS NULL OR at >= ${f.from ?? null})
      AND (${f.to ?? null}::timestamptz IS NULL OR at < ${f.to ?? null})
      AND (${f.before ?? null}::bigint IS NULL OR id < ${f.before ?? null})
    ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), at: r.at.toISOString() }));
}
