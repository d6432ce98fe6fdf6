import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  cancelRun,
  createRun,
  decideStep,
  getRun,
  getRunSummary,
  getRunbook,
  listRunbooks,
  listRuns,
  planRun,
  type RunView,
} from "@ops/core";
import { HUMAN_DECISIONS, ParamSpec, Procedure, RUNBOOK_SEVERITIES, RUN_STATUSES, STEP_STATUSES } from "@ops/domain";
import type { ApiDeps } from "../../deps.ts";
import { ctxOf } from "../../plugins/auth.ts";
import { IdParams, IdText, errorResponses } from "@ops/contract";

const ProcedureView = Procedure.omit({ steps: true, parameters: true })
  .extend({
    parameters: z.array(ParamSpec),
    stepCount: z.number().int(),
    allowed: z.boolean().describe("whether the caller holds the role this procedure needs"),
  })
  .meta({ id: "RunbookProcedure" });

const RunbookView = z
  .object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    description: z.string(),
    severity: z.enum(RUNBOOK_SEVERITIES),
    tags: z.array(z.string()),
    procedures: z.array(ProcedureView),
  })
  .meta({ id: "Runbook" });

const Action = z.object({ type: z.string() }).loose().describe("a typed action with its resolved fields");
const PlanStep = z
  .object({
    index: z.number().int(),
    key: z.string(),
    title: z.string(),
    action: Action,
    retrySafe: z.boolean().describe("whether a step interrupted by a worker crash may simply be repeated"),
    onFailure: z.enum(["stop", "continue"]),
    target: z.string().nullable(),
  })
  .meta({ id: "PlanStep" });
const Plan = z
  .object({ steps: z.array(PlanStep), targets: z.array(z.string()).describe("targets the run acts on and holds"), confirmationPhrase: z.string().nullable() })
  .meta({ id: "RunPlan" });

const Step = PlanStep.extend({
  status: z.enum(STEP_STATUSES),
  output: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number().int(),
  decidedBy: z.string().nullable(),
}).meta({ id: "RunStep" });

const RunSummary = z
  .object({
    id: z.number().int(),
    runbookId: z.string(),
    runbookVersion: z.string(),
    runbookTitle: z.string(),
    procedureId: z.string(),
    procedureTitle: z.string(),
    status: z.enum(RUN_STATUSES),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    startedBy: z.string(),
    incidentId: z.number().int().nullable(),
    targets: z.array(z.string()),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    stepCount: z.number().int(),
    doneSteps: z.number().int(),
    currentStep: z.number().int().nullable(),
    error: z.string().nullable(),
    warnings: z.array(z.string()).describe("one per step that failed with onFailure: continue; the run still succeeded"),
    cancelRequested: z.boolean(),
  })
  .meta({ id: "RunSummary" });
const Run = RunSummary.extend({ steps: z.array(Step) }).meta({ id: "Run" });

const ParamValue = z.union([z.string().max(2000), z.number(), z.boolean()]);
const tags = ["runbooks"];

export async function runbookRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The run was staged for the workers in its own transaction: send it now if Redis answers, and tell every dashboard. */
  const dispatched = async (run: RunView) => {
    deps.outbox.kick();
    await deps.bus.publish({ type: "run.updated", run: await getRunSummary(deps.db.sql, run.id), step: null });
  };

  r.get(
    "/api/runbooks",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "The runbook catalogue: versioned definitions, their procedures and parameters", response: { 200: z.object({ runbooks: z.array(RunbookView) }), ...errorResponses } },
    },
    async (req) => ({ runbooks: listRunbooks(deps.config, ctxOf(req)) }),
  );

  r.get(
    "/api/runbooks/:id",
    {
      config: { auth: "targets:read" },
      schema: { tags, summary: "One runbook", params: z.object({ id: z.string().min(1).max(63) }), response: { 200: z.object({ runbook: RunbookView }), ...errorResponses } },
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
        body: z.object({
          runbook: z.string().min(1).max(63),
          procedure: z.string().min(1).max(63),
          params: z.record(z.string().max(64), ParamValue).default({}),
          dryRun: z.boolean().optional(),
          confirm: z.boolean().optional(),
          confirmation: z.string().max(200).optional().describe("the typed confirmation phrase, for procedures that need one"),
          incidentId: z.number().int().positive().optional(),
        }),
        response: { 200: z.object({ plan: Plan }), 201: z.object({ run: Run }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const ctx = ctxOf(req);
      if (req.body.dryRun) return reply.code(200).send({ plan: planRun(deps.config, ctx, req.body) });
      const run = await createRun(deps.db, deps.config, ctx, req.body, { dispatch: true });
      await dispatched(run);
      return reply.code(201).send({ run: await getRun(deps.db, run.id) });
    },
  );

  r.get(
    "/api/runs",
    {
      config: { auth: "targets:read" },
      schema: {
        tags,
        summary: "Runs, newest first",
        querystring: z.object({
          status: z.enum(RUN_STATUSES).optional(),
          runbook: z.string().max(63).optional(),
          target: z.string().max(63).optional(),
          incident: IdText.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
          before: IdText.optional(),
        }),
        response: { 200: z.object({ runs: z.array(RunSummary) }), ...errorResponses },
      },
    },
    async (req) => ({ runs: await listRuns(deps.db, req.query) }),
  );

  r.get(
    "/api/runs/:id",
    { config: { auth: "targets:read" }, schema: { tags, summary: "One run with every step's state, output and timing", params: IdParams, response: { 200: z.object({ run: Run }), ...errorResponses } } },
    async (req) => ({ run: await getRun(deps.db, req.params.id) }),
  );

  r.post(
    "/api/runs/:id/cancel",
    {
      config: { auth: "runbooks:run" },
      schema: { tags, summary: "Cancel a run (a running step that is acting finishes first; waits stop at once)", params: IdParams, response: { 200: z.object({ run: Run }), ...errorResponses } },
    },
    async (req) => {
      const { run } = await cancelRun(deps.db, ctxOf(req), req.params.id);
      await deps.bus.publish({ type: "run.updated", run: await getRunSummary(deps.db.sql, run.id), step: null });
      return { run };
    },
  );

  r.post(
    "/api/runs/:id/continue",
    {
      config: { auth: "runbooks:run" },
      schema: {
        tags,
        summary: "Decide a step that waits for a person: done, retry (an interrupted step) or skip; the run then goes on",
        params: IdParams,
        body: z.object({ index: z.number().int().min(0).max(10_000), decision: z.enum(HUMAN_DECISIONS) }),
        response: { 200: z.object({ run: Run }), ...errorResponses },
      },
    },
    async (req) => {
      const run = await decideStep(deps.db, ctxOf(req), req.params.id, req.body.index, req.body.decision, { dispatch: true });
      await dispatched(run);
      return { run: await getRun(deps.db, run.id) };
    },
  );
}
