import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { cancelRun, createRun, decideStep, getRun, getRunbook, listRunbooks, listRuns, planRun, runBudget } from "@ops/core";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import {
  ContinueRunBody,
  IdParams,
  RunPlanResponse,
  RunResponse,
  RunbookParams,
  RunbookResponse,
  RunbooksResponse,
  RunsQuery,
  RunsResponse,
  StartRunBody,
  errorResponses,
} from "@ops/contract";

const tags = ["runbooks"];

export async function runbookRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    "/api/runbooks",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "The runbook catalogue: versioned definitions, their procedures and parameters",
        response: { 200: RunbooksResponse, ...errorResponses },
      },
    },
    async (req) => ({ runbooks: listRunbooks(deps.config, ctxOf(req)) }),
  );

  r.get(
    "/api/runbooks/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One runbook", params: RunbookParams, response: { 200: RunbookResponse, ...errorResponses } },
    },
    async (req) => ({ runbook: getRunbook(deps.config, req.params.id, ctxOf(req)) }),
  );

  r.post(
    "/api/runs",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Start a run, or with dryRun get the resolved plan without acting",
        description:
          "Parameters are validated against the procedure's types; the procedure's role and confirmation apply. Targets the run acts on are held until it ends: a second run on one of them is refused with 409.",
        body: StartRunBody,
        response: { 200: RunPlanResponse, 201: RunResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      if (req.body.dryRun) {
        const plan = planRun(deps.config, ctx, req.body);
        return reply.code(200).send({ plan, budget: await runBudget(deps.db, plan) });
      }
      const run = await createRun(deps.db, deps.config, ctx, req.body, { dispatch: true, bus: deps.bus });
      // The run was staged for the workers in its own transaction: send it now if Redis answers.
      deps.outbox.kick();
      return reply.code(201).send({ run });
    },
  );

  r.get(
    "/api/runs",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "Runs, newest first", querystring: RunsQuery, response: { 200: RunsResponse, ...errorResponses } },
    },
    async (req) => ({ runs: await listRuns(deps.db, req.query) }),
  );

  r.get(
    "/api/runs/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One run with every step's state, output and timing", params: IdParams, response: { 200: RunResponse, ...errorResponses } },
    },
    async (req) => ({ run: await getRun(deps.db, req.params.id) }),
  );

  r.post(
    "/api/runs/:id/cancel",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Cancel a run (a running step that is acting finishes first; waits stop at once)",
        params: IdParams,
        response: { 200: RunResponse, ...errorResponses },
      },
    },
    async (req) => ({ run: (await cancelRun(deps.db, ctxOf(req), req.params.id, { bus: deps.bus })).run }),
  );

  r.post(
    "/api/runs/:id/continue",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Decide a step that waits for a person: done, retry (an interrupted step) or skip; the run then goes on",
        params: IdParams,
        body: ContinueRunBody,
        response: { 200: RunResponse, ...errorResponses },
      },
    },
    async (req) => {
      const run = await decideStep(deps.db, ctxOf(req), req.params.id, req.body.index, req.body.decision, { dispatch: true, bus: deps.bus });
      deps.outbox.kick();
      return { run };
    },
  );
}
