import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { getTarget, listRestarts, setHealingPaused } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { Target, errorResponses } from "../../schemas.ts";

const Restart = z
  .object({
    id: z.number().int(),
    target: z.string(),
    attempt: z.number().int(),
    driver: z.string(),
    status: z.enum(["started", "succeeded", "failed", "interrupted"]),
    reason: z.string(),
    output: z.string().nullable(),
    dueAt: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "Restart" });

export async function healingRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    "/api/restarts",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["self-healing"],
        summary: "Restarts decided by the watchdog, newest first",
        querystring: z.object({ target: z.string().min(1).max(63).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }),
        response: { 200: z.object({ restarts: z.array(Restart) }), ...errorResponses },
      },
    },
    async (req) => ({ restarts: (await listRestarts(deps.db, req.query)) as z.infer<typeof Restart>[] }),
  );

  r.post(
    "/api/targets/:name/healing",
    {
      config: { auth: "healing:control" },
      schema: {
        tags: ["self-healing"],
        summary: "Pause or resume auto-healing for a target",
        params: z.object({ name: z.string().min(1).max(63) }),
        body: z.object({ paused: z.boolean() }),
        response: { 200: z.object({ target: Target }), ...errorResponses },
      },
    },
    async (req) => {
      await setHealingPaused(deps.db, ctxOf(req), req.params.name, req.body.paused);
      const target = await getTarget(deps.db, req.params.name);
      await deps.bus.publish({ type: "target.update", targets: [target] });
      return { target };
    },
  );
}
