import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { listAudit, listSecurityEvents } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { AuditList, AuditQuery, SecurityEventList, SecurityEventQuery, errorResponses } from "@ops/contract";

const date = (s: string | undefined) => (s ? new Date(s) : undefined);

export async function auditRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/audit",
    {
      config: { auth: "audit:read" },
      schema: { tags: ["audit"], summary: "The audit log, newest first", querystring: AuditQuery, response: { 200: AuditList, ...errorResponses } },
    },
    async (req) => {
      const q = req.query;
      return { entries: await listAudit(deps.db, ctxOf(req), { ...q, from: date(q.from), to: date(q.to) }) };
    },
  );
  r.get(
    "/api/security-events",
    {
      config: { auth: "audit:read" },
      schema: {
        tags: ["audit"],
        summary: "Failed logins, refused requests and ended sessions, newest first",
        querystring: SecurityEventQuery,
        response: { 200: SecurityEventList, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      return { events: await listSecurityEvents(deps.db, ctxOf(req), { ...q, from: date(q.from), to: date(q.to) }) };
    },
  );
}
