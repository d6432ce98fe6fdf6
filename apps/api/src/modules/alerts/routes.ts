import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAlerts, retryAlert } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { errorResponses } from "@ops/contract";

const Alert = z
  .object({
    id: z.number().int(),
    at: z.string(),
    target: z.string(),
    kind: z.string(),
    level: z.string(),
    channel: z.string(),
    status: z.enum(["pending", "sent", "failed", "suppressed"]),
    title: z.string(),
    message: z.string(),
    incidentId: z.number().int().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    followsId: z.number().int().nullable().describe("the alert this one updates (sent inside the cooldown because it says something new)"),
  })
  .meta({ id: "Alert" });

export async function alertRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/alerts",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["alerts"],
        summary: "The alert outbox: every alert per channel, with its delivery state",
        querystring: z.object({
          target: z.string().max(63).optional(),
          status: z.enum(["pending", "sent", "failed", "suppressed"]).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: { 200: z.object({ alerts: z.array(Alert) }), ...errorResponses },
      },
    },
    async (req) => ({ alerts: await listAlerts(deps.db, req.query) }),
  );
  r.post(
    "/api/alerts/:id/retry",
    {
      config: { auth: "incidents:write" },
      schema: { tags: ["alerts"], summary: "Send a failed alert again", params: z.object({ id: z.coerce.number().int().positive() }), response: { 200: z.object({ alert: Alert }), ...errorResponses } },
    },
    async (req) => {
      const alert = await retryAlert(deps.db, ctxOf(req), req.params.id);
      deps.outbox.kick();
      return { alert };
    },
  );
}
