import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { getTarget, healingAction, listRestarts, setHealingPaused } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { Target, errorResponses } from "@ops/contract";

const Restart = z
  .object({
    id: z.number().int(),
    target: z.string(),
    attempt: z.number().int(),
    kind: z.enum(["start", "restart"]).describe("start: the console's own first start of a target it runs; restart: after a failure"),
    driver: z.string(),
    status: z
      .enum(["started", "starting", "healthy", "failed", "timed-out", "interrupted", "skipped", "succeeded"])
      .describe("starting: the driver acted, waiting for the target; healthy / failed / timed-out: how the attempt ended"),
    reason: z.string(),
    output: z.string().nullable(),
    exitCode: z.number().int().nullable(),
    exitSignal: z.string().nullable(),
    stderrTail: z.string().nullable().describe("the process's last lines before it exited (redacted)"),
    dueAt: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable().describe("when the driver finished acting"),
    endedAt: z.string().nullable().describe("when the attempt ended: healthy, failed or timed out"),
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

  r.post(
    "/api/targets/:name/healing/actions",
    {
      config: { auth: "healing:control" },
      schema: {
        tags: ["self-healing"],
        summary: "Act on a target's ladder: retry (one restart now, even while escalated) or reset (forget restarts, crashes and the escalation)",
        params: z.object({ name: z.string().min(1).max(63) }),
        body: z.object({ action: z.enum(["retry", "reset"]) }).strict(),
        response: { 200: z.object({ target: Target }), ...errorResponses },
      },
    },
    async (req) => {
      const job = await healingAction(deps.db, ctxOf(req), req.params.name, req.body.action);
      if (job) deps.outbox.kick();
      const target = await getTarget(deps.db, req.params.name);
      await deps.bus.publish({ type: "target.update", targets: [target] });
      return { target };
    },
  );
}
