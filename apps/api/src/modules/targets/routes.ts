import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { getTarget, invalid, listSamples } from "@ops/core";
import { isRangeProblem, resolveSampleRange } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import {
  SamplesQuery,
  TargetNameParams,
  TargetResponse,
  TargetSamples,
  TargetsPage,
  TargetsQuery,
  TargetsResponse,
  TargetsSummary,
  errorResponses,
} from "@ops/contract";
import { isFiltered, queryTargets, summarize } from "../../fleet/fleet.ts";

export async function targetRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/targets",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["targets"],
        summary: "Every target with its current status; with any parameter, one filtered page",
        description:
          "Answered from the fleet the API holds in memory (fed by the live bus). Without parameters: every target, in config order. " +
          "With status, kind, q, limit, cursor or offset: a TargetsPage (targets, nextCursor, total, version).",
        querystring: TargetsQuery,
        response: { 200: TargetsPage.or(TargetsResponse), ...errorResponses },
      },
    },
    async (req, reply) => {
      if (!isFiltered(req.query)) {
        // Built once per fleet version and sent as it is: no serialising 10,000 targets per request (the schema documents it; the body was built from TargetViews).
        // A large fleet is gzipped once per version (the compress plugin leaves a body that says its encoding alone).
        if (/\bgzip\b/.test(req.headers["accept-encoding"] ?? "")) {
          const gz = await deps.fleet.listJsonGzip();
          if (gz.length >= 1024) {
            void reply.header("content-encoding", "gzip").header("vary", "accept-encoding");
            return reply.type("application/json; charset=utf-8").send(gz as unknown as TargetsResponse);
          }
        }
        const body = await deps.fleet.listJson();
        return reply.type("application/json; charset=utf-8").send(body as unknown as TargetsResponse);
      }
      const { targets, version } = await deps.fleet.current();
      return queryTargets(targets, req.query, version);
    },
  );

  r.get(
    "/api/targets/summary",
    {
      config: { auth: "targets:read" },
      schema: {
        tags: ["targets"],
        summary: "Counts by status and the targets with a problem (agents first, worst first)",
        response: { 200: TargetsSummary, ...errorResponses },
      },
    },
    async () => {
      const { targets, version } = await deps.fleet.current();
      return summarize(targets, version);
    },
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
