import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listEvents } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { IdText, StatusEvent, errorResponses } from "@ops/contract";

export async function eventRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/events",
    {
      config: { auth: "events:read" },
      schema: {
        tags: ["events"],
        summary: "Status events (transitions and restarts), newest first",
        querystring: z.object({
          target: z.string().min(1).max(63).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
          before: IdText.optional().describe("return events with an id below this (paging)"),
        }),
        response: { 200: z.object({ events: z.array(StatusEvent) }), ...errorResponses },
      },
    },
    async (req) => ({ events: await listEvents(deps.db, req.query) }),
  );
}
