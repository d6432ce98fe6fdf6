import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { getTarget, invalid, listSamples, listTargets } from "@ops/core";
import { isRangeProblem, resolveSampleRange } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { DateText, Status, Target, errorResponses } from "@ops/contract";

const NameParams = z.object({ name: z.string().min(1).max(63) });

const SamplesResponse = z.object({
  target: z.string(),
  from: z.string(),
  to: z.string(),
  bucketMs: z.number().int(),
  points: z.array(
    z.object({ t: z.string(), latencyMs: z.number().nullable(), maxLatencyMs: z.number().nullable(), status: Status, count: z.number().int() }),
  ),
});

export async function targetRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/targets",
    { config: { auth: "targets:read" }, schema: { tags: ["targets"], summary: "Every target with its current status", response: { 200: z.object({ targets: z.array(Target) }), ...errorResponses } } },
    async () => ({ targets: await listTargets(deps.db) }),
  );

  r.get(
    "/api/targets/:name",
    { config: { auth: "targets:read" }, schema: { tags: ["targets"], summary: "One target", params: NameParams, response: { 200: z.object({ target: Target }), ...errorResponses } } },
    async (req) => ({ target: await getTarget(deps.db, req.params.name) }),
  );

  r.get(
    "/api/targets/:name/samples",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["targets"],
        summary: "Probe samples of one target, downsampled to at most ~500 points",
        params: NameParams,
        querystring: z.object({
          from: DateText.optional().describe("ISO 8601; default: an hour before `to`"),
          to: DateText.optional().describe("ISO 8601; default: now"),
        }),
        response: { 200: SamplesResponse, ...errorResponses },
      },
    },
    async (req) => {
      const range = resolveSampleRange(req.query, Date.now(), deps.config.monitoring.retention.samplesDays + 1);
      if (isRangeProblem(range)) throw invalid(range.field, range.message);
      return listSamples(deps.db, req.params.name, range.from, range.to);
    },
  );
}
