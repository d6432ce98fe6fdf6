import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAudit, listSecurityEvents } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { IdText, IsoTimestamp, errorResponses } from "@ops/contract";

const Paging = {
  from: IsoTimestamp.optional(),
  to: IsoTimestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: IdText.optional(),
};
const date = (s: string | undefined) => (s ? new Date(s) : undefined);

const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string().nullable() }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

const SecurityEvent = z.object({
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

export async function auditRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/audit",
    {
      config: { auth: "audit:read" },
      schema: {
        tags: ["audit"],
        summary: "The audit log, newest first",
        querystring: z.object({
          actor: z.string().max(320).optional(),
          action: z.string().max(120).optional(),
          targetType: z.string().max(60).optional(),
          targetId: z.string().max(200).optional(),
          ...Paging,
        }),
        response: { 200: z.object({ entries: z.array(AuditEntry) }), ...errorResponses },
      },
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
        querystring: z.object({ kind: z.string().max(60).optional(), email: z.string().max(320).optional(), ...Paging }),
        response: { 200: z.object({ events: z.array(SecurityEvent) }), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      return { events: await listSecurityEvents(deps.db, ctxOf(req), { ...q, from: date(q.from), to: date(q.to) }) };
    },
  );
}
