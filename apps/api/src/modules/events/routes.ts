import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { listEvents } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { EventsQuery, EventsResponse, errorResponses } from "@ops/contract";

export async function eventRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/api/events",
    {
      config: { auth: "events:read" },
      schema: {
        tags: ["events"],
        summary: "Status events (transitions and restarts), newest first",
        querystring: EventsQuery,
        response: { 200: EventsResponse, ...errorResponses },
      },
    },
    async (req) => ({ events: await listEvents(deps.db, req.query) }),
  );
}
