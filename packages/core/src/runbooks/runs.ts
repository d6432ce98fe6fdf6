import { fleetFileLabel, type OpsConfig } from "@ops/config";
import { columns, runbookRuns, runSteps, type DbHandle, type Row, type runLocks } from "@ops/db";
import {
  FINAL_RUN_STATUSES,
  applyDecision,
  can,
  planLength,
  checkConfirmation,
  mayRunProcedure,
  resolvePlan,
  runOutcome,
  validateParams,
  type FinishedStep,
  type FleetTarget,
  type HumanDecision,
  type ParamValues,
  type Plan,
  type Procedure,
  type RunbookDef,
} from "@ops/domain";
import type { BudgetRequirement, Plan as PlanView, ProcedureView, RunSummary, RunView, RunbookView, RunsQuery, StartRunBody, StepView } from "@ops/contract";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { actingUserId, requirePermission, type RequestContext } from "../identity/context.ts";
import { narrateIncident } from "../incidents/incidents.ts";
import { stageJob } from "../outbox.ts";
import { runJobId } from "../queues.ts";
import { budgetPolicyFor } from "../slo/alerts.ts";
import { recordRunbookChange } from "../delivery/delivery.ts";

type Sql = postgres.Sql | postgres.TransactionSql;

// The views are the API's answers: their shapes are the contract the dashboard reads.
export type { ProcedureView, RunbookView, RunSummary, RunView, StepView };

// ---------------------------------------------------------------------------------------------------------
// The catalogue

function procedureView(p: Procedure, config: OpsConfig, ctx: RequestContext): ProcedureView {
  const { steps: _steps, ...rest } = p;
  const allowed = can(ctx.actor.roles, "runbooks:run") && mayRunProcedure(ctx.actor.roles, p);
  return { ...rest, stepCount: planLength(p, fleetTargets(config)), allowed };
}

export function listRunbooks(config: OpsConfig, ctx: RequestContext): RunbookView[] {
  return config.runbooks.runbooks.map((r) => ({ ...r, procedures: r.procedures.map((p) => procedureView(p, config, ctx)) }));
}

export function getRunbook(config: OpsConfig, id: string, ctx: RequestContext): RunbookView {
  const r = config.runbooks.runbooks.find((x) => x.id === id);
  if (!r) throw notFound(`runbook "${id}"`, "runbook");
  return { ...r, procedures: r.procedures.map((p) => procedureView(p, config, ctx)) };
}

export function fleetTargets(config: OpsConfig): FleetTarget[] {
  return config.fleet.targets.map((t) => ({ name: t.name, kind: t.kind, enabled: t.enabled }));
}

// ---------------------------------------------------------------------------------------------------------
// Starting a run

/** What `POST /api/runs` carries; the parameters are checked here, against the procedure's types. */
export type RunRequest = Omit<StartRunBody, "params"> & { params: Record<string, unknown> };

type Prepared = { runbook: RunbookDef; procedure: Procedure; values: ParamValues; plan: Plan };

/** Everything a run needs checked before anything acts: role, parameters, the targets in the plan. */
export function prepareRun(config: OpsConfig, ctx: RequestContext, req: RunRequest): Prepared {
  requirePermission(ctx, "runbooks:run");
  const runbook = config.runbooks.runbooks.find((r) => r.id === req.runbook);
  if (!runbook) throw notFound(`runbook "${req.runbook}"`, "runbook");
  const procedure = runbook.procedures.find((p) => p.id === req.procedure);
  if (!procedure) throw notFound(`procedure "${req.procedure}" of runbook ${runbook.id}`, "procedure");
  if (!mayRunProcedure(ctx.actor.roles, procedure)) {
    throw new ServiceError(
      "FORBIDDEN",
      `${runbook.title} → ${procedure.title} needs the role ${procedure.role}${procedure.role === "admin" ? "" : " or admin"}`,
    );
  }
  const fleet = fleetTargets(config);
  const checked = validateParams(procedure.parameters, req.params, fleet);
  if (!checked.ok) {
    const first = checked.issues[0]!;
    throw new ServiceError("VALIDATION", checked.issues.map((i) => `${i.field}: ${i.message}`).join("; "), first.field);
  }
  const plan = resolvePlan(procedure, checked.values, fleet, config.runbooks.commands);
  for (const step of plan.steps) {
    if (step.target === null) continue;
    const t = config.fleet.targets.find((x) => x.name === step.target);
    if (!t)
      throw new ServiceError(
        "RULE_VIOLATION",
        `step ${step.index + 1} (${step.title}) names ${step.target}, which is not in ${fleetFileLabel(config.dir)}`,
        "procedure",
      );
    if (!t.enabled)
      throw new ServiceError(
        "RULE_VIOLATION",
        `step ${step.index + 1} (${step.title}) needs ${step.target}, which is not monitored (enabled: false in ${fleetFileLabel(config.dir)})`,
        "procedure",
      );
  }
  return { runbook, procedure, values: checked.values, plan };
}

export function planRun(config: OpsConfig, ctx: RequestContext, req: RunRequest): PlanView {
  return prepareRun(config, ctx, req).plan;
}

/** What the error-budget policy asks of this plan now (the SLOs covering its targets; issue 16). */
export async function runBudget(h: DbHandle, plan: PlanView): Promise<BudgetRequirement> {
  const { required, sentence } = await budgetPolicyFor(h, plan);
  return { required, sentence };
}

/**
 * The policy enforced at the start: `approval` refuses until a governance member lifts it (PATCH /api/slos/:id);
 * `confirm` needs `budgetConfirmed: true`, the preview's extra checkbox.
 */
function checkBudget(budget: BudgetRequirement, confirmed: boolean | undefined): void {
  if (budget.required === "approval") {
    throw new ServiceError(
      "RULE_VIOLATION",
      `${budget.sentence ?? "the error-budget policy requires a governance approval"} Lifting the policy early is a governance decision (the SLO's page).`,
      "budget",
    );
  }
  if (budget.required === "confirm" && confirmed !== true) {
    throw new ServiceError("VALIDATION", `budgetConfirmed: ${budget.sentence ?? "the error-budget policy asks for an extra confirmation"}`, "budgetConfirmed");
  }
}

/**
 * Create a run: check everything, take the targets it acts on (refused if another unfinished run holds
 * one), store the plan, audit, and note it on the incident it was started for. Dispatching is separate.
 */
export async function createRun(h: DbHandle, config: OpsConfig, ctx: RequestContext, req: RunRequest, opts: RunVerbOptions = {}): Promise<RunView> {
  const { runbook, procedure, values, plan } = prepareRun(config, ctx, req);
  const confirmation = checkConfirmation(procedure, plan.confirmationPhrase, req.confirmation, req.confirm);
  if (!confirmation.ok) throw new ServiceError("VALIDATION", `confirmation: ${confirmation.message}`, "confirmation");
  checkBudget(await runBudget(h, plan), req.budgetConfirmed);
  const id = await h.sql
    .begin(async (tx) => {
      if (req.incidentId !== undefined) {
        const [inc] = await tx`SELECT 1 FROM incidents WHERE id = ${req.incidentId}`;
        if (!inc) throw notFound(`incident ${req.incidentId}`, "incidentId");
      }
      // Lock the targets in a fixed order so two runs asking for overlapping sets cannot deadlock.
      const targets = [...plan.targets].sort();
      if (targets.length) {
        const held = await tx<Held[]>`
        SELECT l.target, l.run_id AS "runId", r.runbook_title || ' → ' || r.procedure_title AS title, r.started_by AS "startedBy"
        FROM run_locks l JOIN runbook_runs r ON r.id = l.run_id WHERE l.target = ANY(${targets}) ORDER BY l.target`;
        if (held.length) throw conflictMessage(held);
      }
      const [run] = await tx<Pick<Row<typeof runbookRuns>, "id">[]>`
      INSERT INTO runbook_runs (runbook_id, runbook_version, runbook_title, procedure_id, procedure_title, params, procedure, targets,
        started_by_user, started_by, incident_id)
      VALUES (${runbook.id}, ${runbook.version}, ${runbook.title}, ${procedure.id}, ${procedure.title}, ${tx.json(values)}, ${tx.json(procedure)},
        ${plan.targets}::text[], ${actingUserId(ctx.actor)}, ${ctx.actor.label}, ${req.incidentId ?? null})
      RETURNING id`;
      const runId = run!.id;
      if (targets.length) {
        const taken = await tx`
        INSERT INTO run_locks (target, run_id) SELECT unnest(${targets}::text[]), ${runId} ON CONFLICT (target) DO NOTHING RETURNING target`;
        if (taken.length !== targets.length)
          throw new ServiceError("CONFLICT", "another run took one of these targets at the same moment; try again", "procedure");
      }
      const rows = plan.steps.map((s) => ({
        idx: s.index,
        key: s.key,
        title: s.title,
        action: s.action,
        retry_safe: s.retrySafe,
        on_failure: s.onFailure,
        target: s.target,
      }));
      await tx`
      INSERT INTO run_steps (run_id, idx, key, title, action, retry_safe, on_failure, target)
      SELECT ${runId}, x.idx, x.key, x.title, x.action, x.retry_safe, x.on_failure, x.target
      FROM jsonb_to_recordset(${tx.json(rows)}) AS x(idx int, key text, title text, action jsonb, retry_safe boolean, on_failure text, target text)`;
      await writeAudit(tx, ctx, {
        action: "runbook.run.start",
        targetType: "run",
        targetId: String(runId),
        after: {
          runbook: runbook.id,
          version: runbook.version,
          procedure: procedure.id,
          params: values,
          targets: plan.targets,
          incidentId: req.incidentId ?? null,
          steps: plan.steps.length,
        },
      });
      if (opts.dispatch) await stageRunDispatch(tx, runId);
      return runId;
    })
    .catch((err: unknown) => {
      // Two runs inserting the same lock at once: the loser sees the unique violation.
      if ((err as { code?: string }).code === "23505")
        throw new ServiceError("CONFLICT", "another run took one of these targets at the same moment; try again", "procedure");
      throw err;
    });
  if (req.incidentId !== undefined) {
    await narrateIncident(h, req.incidentId, "runbook", ctx.actor.label, `runbook run #${id} started: ${runbook.title} → ${procedure.title}`, { runId: id });
  }
  if (opts.bus) await publishRun(opts.bus, h.sql, id, null);
  return getRun(h, id);
}

type Held = Pick<Row<typeof runLocks>, "target" | "runId"> & { title: string; startedBy: string };

function conflictMessage(held: Held[]): ServiceError {
  const byRun = new Map<number, { title: string; startedBy: string; targets: string[] }>();
  for (const r of held) {
    const e = byRun.get(r.runId) ?? { title: r.title, startedBy: r.startedBy, targets: [] };
    e.targets.push(r.target);
    byRun.set(r.runId, e);
  }
  const parts = [...byRun].map(
    ([id, e]) => `${e.targets.join(", ")} ${e.targets.length > 1 ? "are" : "is"} being acted on by run #${id} (${e.title}, started by ${e.startedBy})`,
  );
  return new ServiceError("CONFLICT", `${parts.join("; ")}; wait for it to finish or cancel it`, "procedure");
}

/** Which unfinished run holds a target, if any (the watchdog leaves such targets alone). */
export async function runHolding(sql: Sql, target: string): Promise<number | null> {
  const [row] = await sql<Pick<Row<typeof runLocks>, "runId">[]>`SELECT run_id AS "runId" FROM run_locks WHERE target = ${target}`;
  return row ? row.runId : null;
}

// ---------------------------------------------------------------------------------------------------------
// Reading runs

/** The columns of a run its summary shows. */
const SUMMARY_COLUMNS = [
  "id",
  "runbookId",
  "runbookVersion",
  "runbookTitle",
  "procedureId",
  "procedureTitle",
  "status",
  "params",
  "startedBy",
  "incidentId",
  "targets",
  "createdAt",
  "startedAt",
  "finishedAt",
  "error",
  "warnings",
  "cancelRequestedAt",
] as const satisfies readonly (keyof Row<typeof runbookRuns>)[];

/** A run as stored, with the counts its summary shows. */
type RunRow = Pick<Row<typeof runbookRuns>, (typeof SUMMARY_COLUMNS)[number]> & { stepCount: number; doneSteps: number; currentStep: number | null };

const RUN_COLUMNS = `${columns(runbookRuns, { alias: "r", only: SUMMARY_COLUMNS })},
  (SELECT count(*)::int FROM run_steps s WHERE s.run_id = r.id) AS "stepCount",
  (SELECT count(*)::int FROM run_steps s WHERE s.run_id = r.id AND s.status IN ('succeeded', 'failed', 'skipped')) AS "doneSteps",
  (SELECT min(s.idx) FROM run_steps s WHERE s.run_id = r.id AND s.status IN ('running', 'waiting-for-human', 'pending')) AS "currentStep"`;

function toSummary(r: RunRow): RunSummary {
  const { cancelRequestedAt, ...rest } = r;
  return {
    ...rest,
    params: r.params as ParamValues,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    currentStep: FINAL_RUN_STATUSES.includes(r.status) ? null : r.currentStep,
    cancelRequested: cancelRequestedAt !== null,
  };
}

/** A step as stored; `idx` is the view's `index`. */
type StepRow = Omit<Row<typeof runSteps>, "runId">;

function toStepView({ idx, action, startedAt, finishedAt, ...s }: StepRow): StepView {
  return { index: idx, ...s, action: action as StepView["action"], startedAt: startedAt?.toISOString() ?? null, finishedAt: finishedAt?.toISOString() ?? null };
}

const STEP_COLUMNS = columns(runSteps, { except: ["runId"] });

export async function getRunSummary(sql: Sql, id: number): Promise<RunSummary> {
  const [row] = await sql.unsafe<RunRow[]>(`SELECT ${RUN_COLUMNS} FROM runbook_runs r WHERE r.id = $1`, [id]);
  if (!row) throw notFound(`run ${id}`, "id");
  return toSummary(row);
}

export async function getStep(sql: Sql, runId: number, index: number): Promise<StepView> {
  const [row] = await sql.unsafe<StepRow[]>(`SELECT ${STEP_COLUMNS} FROM run_steps WHERE run_id = $1 AND idx = $2`, [runId, index]);
  if (!row) throw notFound(`step ${index} of run ${runId}`, "index");
  return toStepView(row);
}

export async function getRun(h: DbHandle, id: number): Promise<RunView> {
  const summary = await getRunSummary(h.sql, id);
  const steps = await h.sql.unsafe<StepRow[]>(`SELECT ${STEP_COLUMNS} FROM run_steps WHERE run_id = $1 ORDER BY idx`, [id]);
  return { ...summary, steps: steps.map(toStepView) };
}

/**
 * Tell every dashboard a run moved: its summary, and the step that changed (null when only the run did).
 * Call after the change committed; the verbs below and the executor all send their frames through here.
 */
export async function publishRun(bus: FramePublisher, sql: Sql, runId: number, index: number | null): Promise<void> {
  const run = await getRunSummary(sql, runId);
  const step = index === null ? null : await getStep(sql, runId, index);
  await bus.publish({ type: "run.updated", run, step });
}

/** The filters and paging of `GET /api/runs`. */
export type RunFilter = RunsQuery;

export async function listRuns(h: DbHandle, f: RunFilter): Promise<RunSummary[]> {
  const rows = await h.sql.unsafe<RunRow[]>(
    `SELECT ${RUN_COLUMNS} FROM runbook_runs r
     WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.runbook_id = $2)
       AND ($3::text IS NULL OR $3 = ANY(r.targets) OR EXISTS (SELECT 1 FROM run_steps s WHERE s.run_id = r.id AND s.target = $3))
       AND ($4::bigint IS NULL OR r.incident_id = $4) AND ($5::bigint IS NULL OR r.id < $5)
     ORDER BY r.id DESC LIMIT $6`,
    [f.status ?? null, f.runbook ?? null, f.target ?? null, f.incident ?? null, f.before ?? null, f.limit],
  );
  return rows.map(toSummary);
}

// ---------------------------------------------------------------------------------------------------------
// People acting on a run

async function lockRun(tx: postgres.TransactionSql, id: number) {
  const [run] = await tx<(Pick<Row<typeof runbookRuns>, "status" | "incidentId"> & { procedure: Procedure; title: string })[]>`
    SELECT status, procedure, incident_id AS "incidentId", runbook_title || ' → ' || procedure_title AS title FROM runbook_runs WHERE id = ${id} FOR UPDATE`;
  if (!run) throw notFound(`run ${id}`, "id");
  return run;
}

/**
 * Close a run: final status, its warnings (one per step that failed and said `continue`, see `runOutcome`),
 * pending steps skipped, targets released. Runs inside the caller's transaction; returns the warnings.
 */
export async function closeRun(tx: postgres.TransactionSql, id: number, status: "succeeded" | "failed" | "cancelled", error: string | null): Promise<string[]> {
  const steps = await tx<FinishedStep[]>`
    SELECT idx AS index, status, on_failure AS "onFailure", title, output FROM run_steps WHERE run_id = ${id} ORDER BY idx`;
  const { warnings } = runOutcome(steps);
  await tx`UPDATE run_steps SET status = 'skipped', output = CASE WHEN output = '' THEN ${`not run: the run ${status === "cancelled" ? "was cancelled" : "stopped"}`} ELSE output END
           WHERE run_id = ${id} AND status IN ('pending', 'waiting-for-human')`;
  await tx`UPDATE runbook_runs SET status = ${status}, finished_at = now(), error = ${error}, warnings = ${warnings}::text[] WHERE id = ${id}`;
  await tx`DELETE FROM run_locks WHERE run_id = ${id}`;
  await recordRunbookChange(tx, id, status); // a config-changing run is a delivery (DORA) change
  return warnings;
}

export type CancelOutcome = { run: RunView; immediate: boolean };

/**
 * Cancel: a queued or waiting run ends at once; a running one is asked to stop, and its executor stops
 * at the next step boundary or inside a wait. A step already acting (a restart in flight) finishes first.
 */
export async function cancelRun(h: DbHandle, ctx: RequestContext, id: number, opts: Pick<RunVerbOptions, "bus"> = {}): Promise<CancelOutcome> {
  requirePermission(ctx, "runbooks:run");
  const result = await h.sql.begin(async (tx) => {
    const run = await lockRun(tx, id);
    if (!mayRunProcedure(ctx.actor.roles, run.procedure)) throw new ServiceError("FORBIDDEN", `cancelling this run needs the role ${run.procedure.role}`);
    if (FINAL_RUN_STATUSES.includes(run.status))
      throw new ServiceError("CONFLICT", `run #${id} has already ${run.status === "cancelled" ? "been cancelled" : run.status}`, "id");
    await tx`UPDATE runbook_runs SET cancel_requested_at = coalesce(cancel_requested_at, now()), cancelled_by = ${ctx.actor.label} WHERE id = ${id}`;
    const immediate = run.status === "queued" || run.status === "waiting";
    if (immediate) await closeRun(tx, id, "cancelled", `cancelled by ${ctx.actor.label}`);
    await writeAudit(tx, ctx, {
      action: "runbook.run.cancel",
      targetType: "run",
      targetId: String(id),
      before: { status: run.status },
      after: { status: immediate ? "cancelled" : "cancelling" },
    });
    return { immediate, incidentId: run.incidentId, title: run.title };
  });
  if (result.immediate && result.incidentId !== null) {
    await narrateIncident(h, result.incidentId, "runbook", ctx.actor.label, `runbook run #${id} cancelled: ${result.title}`, { runId: id });
  }
  if (opts.bus) await publishRun(opts.bus, h.sql, id, null);
  return { run: await getRun(h, id), immediate: result.immediate };
}

/** A person's decision on the step a run waits for; the run is queued again (dispatched with `opts.dispatch`). */
export async function decideStep(
  h: DbHandle,
  ctx: RequestContext,
  id: number,
  index: number,
  decision: HumanDecision,
  opts: RunVerbOptions = {},
): Promise<RunView> {
  requirePermission(ctx, "runbooks:run");
  await h.sql.begin(async (tx) => {
    const run = await lockRun(tx, id);
    if (!mayRunProcedure(ctx.actor.roles, run.procedure)) throw new ServiceError("FORBIDDEN", `continuing this run needs the role ${run.procedure.role}`);
    if (run.status !== "waiting") throw new ServiceError("CONFLICT", `run #${id} is ${run.status}, not waiting for a person`, "id");
    const [step] = await tx<(Pick<Row<typeof runSteps>, "status" | "title"> & { action: { type: string } })[]>`
      SELECT status, action, title FROM run_steps WHERE run_id = ${id} AND idx = ${index} FOR UPDATE`;
    if (!step) throw notFound(`step ${index} of run ${id}`, "index");
    if (step.status !== "waiting-for-human") throw new ServiceError("CONFLICT", `step ${index + 1} is ${step.status}, not waiting for a person`, "index");
    const next = applyDecision(step.action.type === "manual", decision);
    if (typeof next !== "string") throw new ServiceError("RULE_VIOLATION", next.error, "decision");
    const note = `${decision === "done" ? "marked done" : decision === "skip" ? "skipped" : "to be retried"} by ${ctx.actor.label}`;
    await tx`
      UPDATE run_steps SET status = ${next}, decided_by = ${ctx.actor.label},
        output = CASE WHEN output = '' THEN ${note} ELSE output || E'\n' || ${note} END,
        finished_at = CASE WHEN ${next} = 'pending' THEN NULL ELSE now() END
      WHERE run_id = ${id} AND idx = ${index}`;
    await tx`UPDATE runbook_runs SET status = 'queued' WHERE id = ${id}`;
    await writeAudit(tx, ctx, { action: "runbook.run.continue", targetType: "run", targetId: String(id), after: { step: index, title: step.title, decision } });
    if (opts.dispatch) await stageRunDispatch(tx, id);
  });
  if (opts.bus) await publishRun(opts.bus, h.sql, id, null);
  return getRun(h, id);
}

export type RunVerbOptions = {
  /**
   * Hand the run to the workers through the outbox, in the same transaction as the change (the relay
   * enqueues it when Redis answers). Without it the caller dispatches (tests, the worker's own re-dispatch).
   */
  dispatch?: boolean;
  /** Where the verb tells every dashboard about the run once its change committed (`run.updated`). */
  bus?: FramePublisher;
};

async function stageRunDispatch(tx: postgres.TransactionSql, runId: number): Promise<void> {
  const [row] = await tx<
    Pick<Row<typeof runbookRuns>, "dispatches">[]
  >`UPDATE runbook_runs SET dispatches = dispatches + 1 WHERE id = ${runId} RETURNING dispatches`;
  await stageJob(tx, "runbookRun", { runId }, { jobId: runJobId(runId, row!.dispatches) });
}

/** Count a dispatch; the number makes the job id unique per hand-over (queued → worker). */
export async function nextDispatch(sql: Sql, id: number): Promise<number> {
  const [row] = await sql<
    Pick<Row<typeof runbookRuns>, "dispatches">[]
  >`UPDATE runbook_runs SET dispatches = dispatches + 1 WHERE id = ${id} RETURNING dispatches`;
  if (!row) throw notFound(`run ${id}`, "id");
  return row.dispatches;
}

/** Runs that are queued but whose job may have been lost (Redis down when they were created). */
export async function strandedRunIds(sql: Sql, olderThanMs = 60_000): Promise<{ id: number; dispatches: number }[]> {
  return sql<Pick<Row<typeof runbookRuns>, "id" | "dispatches">[]>`
    SELECT id, dispatches FROM runbook_runs r WHERE status = 'queued' AND created_at < now() - make_interval(secs => ${olderThanMs / 1000})
      -- a hand-over still waiting in the outbox is not lost: the relay sends it when Redis answers
      AND NOT EXISTS (SELECT 1 FROM job_outbox o WHERE o.sent_at IS NULL AND o.job = 'runbookRun' AND (o.payload->>'runId')::bigint = r.id)`;
}
