import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getTarget, invalid, listSamples, listTargets } from "@ops/core";
import { isRangeProblem, resolveSampleRange } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { SamplesQuery, TargetNameParams, TargetResponse, TargetSamples, TargetsResponse, errorResponses } from "@ops/contract";

export async function targetRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/targets",
    {
      config: { auth: "targets:read" },
      schema: { tags: ["targets"], summary: "Every target with its current status", response: { 200: TargetsResponse, ...errorResponses } },
    },
    async () => ({ targets: await listTargets(deps.db) }),
  );

  r.get(
    "/api/targets/:name",
    {
      config: { auth: "targets:read" },
      schema: { tags: ["targets"], summary: "One target", params: TargetNameParams, response: { 200: TargetResponse, ...errorResponses } },
    },
    async (req) => ({ target: await getTarget(deps.db, req.params.name) }),
  );

  r.get(
    "/api/targets/:name/samples",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["targets"],
        summary: "Probe samples of one target, downsampled to at most ~500 points",
        params: TargetNameParams,
        querystring: SamplesQuery,
        response: { 200: TargetSamples, ...errorResponses },
      },
    },
    async (req) => {
      const range = resolveSampleRange(req.query, Date.now(), deps.config.monitoring.retention.samplesDays + 1);
      if (isRangeProblem(range)) throw invalid(range.field, range.message);
      return listSamples(deps.db, req.params.name, range.from, range.to);
    },
  );
}
