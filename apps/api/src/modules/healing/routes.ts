import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { healingAction, listRestarts, setHealingPaused } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { HealingActionBody, HealingPausedBody, RestartsQuery, RestartsResponse, TargetNameParams, TargetResponse, errorResponses } from "@ops/contract";

export async function healingRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/restarts",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["self-healing"],
        summary: "Restarts decided by the watchdog, newest first",
        querystring: RestartsQuery,
        response: { 200: RestartsResponse, ...errorResponses },
      },
    },
    async (req) => ({ restarts: await listRestarts(deps.db, req.query) }),
  );

  r.post(
    "/api/targets/:name/healing",
    {
      config: { auth: "healing:control" },
      schema: {
        tags: ["self-healing"],
        summary: "Pause or resume auto-healing for a target",
        params: TargetNameParams,
        body: HealingPausedBody,
        response: { 200: TargetResponse, ...errorResponses },
      },
    },
    async (req) => ({ target: await setHealingPaused(deps.db, ctxOf(req), req.params.name, req.body.paused, { bus: deps.bus }) }),
  );

  r.post(
    "/api/targets/:name/healing/actions",
    {
      config: { auth: "healing:control" },
      schema: {
        tags: ["self-healing"],
        summary: "Act on a target's ladder: retry (one restart now, even while escalated) or reset (forget restarts, crashes and the escalation)",
        params: TargetNameParams,
        body: HealingActionBody,
        response: { 200: TargetResponse, ...errorResponses },
      },
    },
    async (req) => {
      const { job, target } = await healingAction(deps.db, ctxOf(req), req.params.name, req.body.action, { bus: deps.bus });
      if (job) deps.outbox.kick();
      return { target };
    },
  );
}
