import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { listAlerts, retryAlert } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { AlertAnswer, AlertList, AlertListQuery, IdParams, errorResponses } from "@ops/contract";

export async function alertRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/alerts",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["alerts"],
        summary: "The alert outbox: every alert per channel, with its delivery state",
        querystring: AlertListQuery,
        response: { 200: AlertList, ...errorResponses },
      },
    },
    async (req) => ({ alerts: await listAlerts(deps.db, req.query) }),
  );
  r.post(
    "/api/alerts/:id/retry",
    {
      config: { auth: "incidents:write" },
      schema: { tags: ["alerts"], summary: "Send a failed alert again", params: IdParams, response: { 200: AlertAnswer, ...errorResponses } },
    },
    async (req) => {
      const alert = await retryAlert(deps.db, ctxOf(req), req.params.id);
      deps.outbox.kick();
      return { alert };
    },
  );
}
