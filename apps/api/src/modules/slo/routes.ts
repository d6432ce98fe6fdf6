import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createSlo, deleteSlo, getSlo, listSlos, updateSlo } from "@ops/core";
import { IdParams, SloBody, SloDefinition, SloList, SloPatch, SloView, errorResponses } from "@ops/contract";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";

const tags = ["slos"];
const SloAnswer = z.object({ slo: SloDefinition });

export async function sloRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/slos",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "SLOs with their budget, burn rates and alerts", response: { 200: SloList, ...errorResponses } },
    },
    async () => ({ slos: await listSlos(deps.db) }),
  );

  r.get(
    "/api/slos/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One SLO with its status and hourly burn-down", params: IdParams, response: { 200: SloView, ...errorResponses } },
    },
    async (req) => getSlo(deps.db, req.params.id),
  );

  r.post(
    "/api/slos",
    {
      config: { auth: "slos:write" },
      schema: { tags, summary: "Create an SLO (governance or admin)", body: SloBody, response: { 201: SloAnswer, ...errorResponses } },
    },
    async (req, reply) => reply.code(201).send({ slo: await createSlo(deps.db, ctxOf(req), req.body) }),
  );

  r.patch(
    "/api/slos/:id",
    {
      config: { auth: "slos:write" },
      schema: {
        tags,
        summary: "Change an SLO at the version read; policyLiftedUntil lifts its error-budget policy early",
        params: IdParams,
        body: SloPatch,
        response: { 200: SloAnswer, ...errorResponses },
      },
    },
    async (req) => ({ slo: await updateSlo(deps.db, ctxOf(req), req.params.id, req.body) }),
  );

  r.delete(
    "/api/slos/:id",
    {
      config: { auth: "slos:write" },
      schema: { tags, summary: "Delete an SLO", params: IdParams, response: { 204: z.null(), ...errorResponses } },
    },
    async (req, reply) => {
      await deleteSlo(deps.db, ctxOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
}
