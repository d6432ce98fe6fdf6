/** Runbooks: the catalogue (`GET /api/runbooks`), plans (`POST /api/runs` with dryRun) and runs (`/api/runs`). */

import { z } from "zod";
import { IdText } from "./common.ts";
import { BudgetPolicy } from "./slo.ts";
import { Status } from "./targets.ts";

export const ProcedureRole = z.enum(["oncall", "governance", "admin"]);
export type ProcedureRole = z.infer<typeof ProcedureRole>;

export const RunbookSeverity = z.enum(["low", "medium", "high", "critical", "variable"]);
export type RunbookSeverity = z.infer<typeof RunbookSeverity>;

export const TargetKind = z.enum(["agent", "service"]);
export type TargetKind = z.infer<typeof TargetKind>;

const ParamCommon = { name: z.string(), label: z.string(), description: z.string().optional(), required: z.boolean() };

/** A procedure's parameter as the catalogue shows it (the runbook file's format, with its defaults applied, is @ops/domain's). */
export const ParamSpec = z.discriminatedUnion("type", [
  z.object({ ...ParamCommon, type: z.literal("target"), kinds: z.array(TargetKind), default: z.string().optional() }),
  z.object({ ...ParamCommon, type: z.literal("enum"), values: z.array(z.string()), default: z.string().optional() }),
  z.object({ ...ParamCommon, type: z.literal("integer"), min: z.number().int(), max: z.number().int(), default: z.number().int().optional() }),
  z.object({ ...ParamCommon, type: z.literal("boolean"), default: z.boolean().optional() }),
  z.object({ ...ParamCommon, type: z.literal("text"), pattern: z.string(), maxLength: z.number().int(), default: z.string().optional() }),
  z.object({ ...ParamCommon, type: z.literal("backup"), default: z.string().optional() }),
]);
export type ParamSpec = z.infer<typeof ParamSpec>;

export type ParamType = ParamSpec["type"];

/** `typed`: the phrase may contain {{param}}; the server resolves it in plans. */
export const Confirmation = z.discriminatedUnion("type", [
  z.object({ type: z.literal("none") }),
  /** A deliberate second click. */
  z.object({ type: z.literal("confirm") }),
  /** The operator types this phrase exactly. */
  z.object({ type: z.literal("typed"), phrase: z.string() }),
]);
export type Confirmation = z.infer<typeof Confirmation>;

export const ProcedureView = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    role: ProcedureRole,
    confirmation: Confirmation,
    destructive: z.boolean(),
    suggestFor: z.array(Status).describe("the statuses of its target this procedure is the one to reach for"),
    parameters: z.array(ParamSpec),
    stepCount: z.number().int(),
    /** The caller may run it. */
    allowed: z.boolean().describe("whether the caller holds the role this procedure needs"),
  })
  .meta({ id: "RunbookProcedure" });
export type ProcedureView = z.infer<typeof ProcedureView>;

export const RunbookView = z
  .object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    description: z.string(),
    severity: RunbookSeverity,
    tags: z.array(z.string()),
    procedures: z.array(ProcedureView),
  })
  .meta({ id: "Runbook" });
export type RunbookView = z.infer<typeof RunbookView>;

/**
 * A step's action with its parameters resolved, e.g. {type:"restart-target", target:"steward"},
 * {type:"command", command, argv, timeoutSeconds}, {type:"manual", instructions}. Kept open: readers show
 * kinds they do not know as they come.
 */
export const ResolvedAction = z.object({ type: z.string() }).loose().describe("a typed action with its resolved fields");
export type ResolvedAction = z.infer<typeof ResolvedAction>;

export const PlanStep = z
  .object({
    index: z.number().int(),
    /** Stable key: the step id, with the loop item when expanded (`restart.steward`). */
    key: z.string(),
    title: z.string(),
    action: ResolvedAction,
    retrySafe: z.boolean().describe("whether a step interrupted by a worker crash may simply be repeated"),
    onFailure: z.enum(["stop", "continue"]),
    /** The target this step acts on or looks at, if any. */
    target: z.string().nullable(),
  })
  .meta({ id: "PlanStep" });
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z
  .object({ steps: z.array(PlanStep), targets: z.array(z.string()).describe("targets the run acts on and holds"), confirmationPhrase: z.string().nullable() })
  .meta({ id: "RunPlan" });
export type Plan = z.infer<typeof Plan>;

export const StepStatus = z.enum(["pending", "running", "succeeded", "failed", "skipped", "waiting-for-human"]);
export type StepStatus = z.infer<typeof StepStatus>;
export const RunStatus = z.enum(["queued", "running", "waiting", "succeeded", "failed", "cancelled"]);
export type RunStatus = z.infer<typeof RunStatus>;

export const StepView = PlanStep.extend({
  status: StepStatus,
  output: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  attempts: z.number().int(),
  decidedBy: z.string().nullable(),
}).meta({ id: "RunStep" });
export type StepView = z.infer<typeof StepView>;

export const ParamValue = z.union([z.string(), z.number(), z.boolean()]);
export type ParamValue = z.infer<typeof ParamValue>;
export const ParamValues = z.record(z.string(), ParamValue);
export type ParamValues = z.infer<typeof ParamValues>;

export const RunSummary = z
  .object({
    id: z.number().int(),
    runbookId: z.string(),
    runbookVersion: z.string(),
    runbookTitle: z.string(),
    procedureId: z.string(),
    procedureTitle: z.string(),
    status: RunStatus,
    params: ParamValues,
    /** A label: display name or email. */
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
    /**
     * One line per step that failed but said `onFailure: continue`, e.g. "step 1 'Check health' failed
     * (continued): connection refused". Such a run still ends succeeded; only a failing step without
     * `continue` fails it.
     */
    warnings: z.array(z.string()).describe("one per step that failed with onFailure: continue; the run still succeeded"),
    cancelRequested: z.boolean(),
  })
  .meta({ id: "RunSummary" });
export type RunSummary = z.infer<typeof RunSummary>;

export const RunView = RunSummary.extend({ steps: z.array(StepView) }).meta({ id: "Run" });
export type RunView = z.infer<typeof RunView>;

/** What a person decides on a step that waits for them: done, retry (an interrupted step) or skip. */
export const HumanDecision = z.enum(["done", "retry", "skip"]);
export type HumanDecision = z.infer<typeof HumanDecision>;

// ---------------------------------------------------------------------------------------------------------
// Requests

/** `GET /api/runbooks/:id` */
export const RunbookParams = z.object({ id: z.string().min(1).max(63) });
export type RunbookParams = z.infer<typeof RunbookParams>;

/** `POST /api/runs`: start a run, or with dryRun get its plan. */
export const StartRunBody = z.object({
  runbook: z.string().min(1).max(63),
  procedure: z.string().min(1).max(63),
  params: z.record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()])).default({}),
  dryRun: z.boolean().optional(),
  confirm: z.boolean().optional(),
  confirmation: z.string().max(200).optional().describe("the typed confirmation phrase, for procedures that need one"),
  incidentId: z.number().int().positive().optional(),
  budgetConfirmed: z.boolean().optional().describe("the error-budget policy's extra confirmation, when the plan's budget says confirm"),
});
export type StartRunBody = z.infer<typeof StartRunBody>;

/** What the error-budget policy asks of a run now: nothing, an extra confirmation, or a governance lift first (`approval`). */
export const BudgetRequirement = z
  .object({ required: BudgetPolicy, sentence: z.string().nullable().describe("why, naming the SLO and its budget: shown in the run's preview") })
  .meta({ id: "BudgetRequirement" });
export type BudgetRequirement = z.infer<typeof BudgetRequirement>;

/** `GET /api/runs`: filters and paging (newest first; `before` is the last id of the previous page). */
export const RunsQuery = z.object({
  status: RunStatus.optional(),
  runbook: z.string().max(63).optional(),
  target: z.string().max(63).optional(),
  incident: IdText.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: IdText.optional(),
});
export type RunsQuery = z.infer<typeof RunsQuery>;

/** `POST /api/runs/:id/continue` */
export const ContinueRunBody = z.object({ index: z.number().int().min(0).max(10_000), decision: HumanDecision });
export type ContinueRunBody = z.infer<typeof ContinueRunBody>;

// ---------------------------------------------------------------------------------------------------------
// Answers

export const RunbooksResponse = z.object({ runbooks: z.array(RunbookView) });
export type RunbooksResponse = z.infer<typeof RunbooksResponse>;
export const RunbookResponse = z.object({ runbook: RunbookView });
export type RunbookResponse = z.infer<typeof RunbookResponse>;
export const RunPlanResponse = z.object({ plan: Plan, budget: BudgetRequirement });
export type RunPlanResponse = z.infer<typeof RunPlanResponse>;
export const RunResponse = z.object({ run: RunView });
export type RunResponse = z.infer<typeof RunResponse>;
export const RunsResponse = z.object({ runs: z.array(RunSummary) });
export type RunsResponse = z.infer<typeof RunsResponse>;
