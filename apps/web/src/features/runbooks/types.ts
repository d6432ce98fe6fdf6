import type { Confirmation, ParamSpec, ParamValues, Plan, PlanStep, ProcedureRole, ProcedureView, ResolvedAction, RunbookSeverity, RunbookView, RunStatus, RunSummary, RunView, StepStatus, StepView } from "@ops/contract";

// The shapes the API answers with are in @ops/contract (shared with packages/core); the lists below are
// the values the views offer and check against, and must stay within those types.
export type { Confirmation, ParamSpec, ParamType, ParamValue, ParamValues, Plan, PlanStep, ProcedureRole, ProcedureView, ResolvedAction, RunbookSeverity, RunbookView, RunStatus, RunSummary, RunView, StepStatus, StepView, TargetKind } from "@ops/contract";

export const PROCEDURE_ROLES = ["oncall", "governance", "admin"] as const satisfies readonly ProcedureRole[];

export const RUNBOOK_SEVERITIES = ["low", "medium", "high", "critical", "variable"] as const satisfies readonly RunbookSeverity[];

export const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "waiting-for-human"] as const satisfies readonly StepStatus[];

export const RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];

export type HumanDecision = "done" | "retry" | "skip";

export type StartRunBody = {
  runbook: string;
  procedure: string;
  params: ParamValues;
  dryRun?: boolean;
  confirm?: boolean;
  confirmation?: string;
  incidentId?: number;
};

/** The filters of `GET /api/runs`; all optional. */
export type RunFilter = { status?: RunStatus; runbook?: string; target?: string; incident?: number };

export function isRunStatus(v: unknown): v is RunStatus {
  return typeof v === "string" && (RUN_STATUSES as readonly string[]).includes(v);
}

export function isStepStatus(v: unknown): v is StepStatus {
  return typeof v === "string" && (STEP_STATUSES as readonly string[]).includes(v);
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** A payload we can show as a run: it needs at least a numeric id. */
export function isRunLike(v: unknown): v is RunSummary {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "number";
}

function normalizeParams(v: unknown): ParamValues {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return {};
  const out: ParamValues = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") out[k] = x;
  }
  return out;
}

/** Fills what a partial payload leaves out, so the views never crash on a missing field. */
export function normalizeRunSummary(raw: RunSummary): RunSummary {
  const r = raw as Partial<Record<keyof RunSummary, unknown>> & { id: number };
  const createdAt = str(r.createdAt) ?? str(r.startedAt) ?? new Date(0).toISOString();
  return {
    id: r.id,
    runbookId: str(r.runbookId) ?? "",
    runbookVersion: str(r.runbookVersion) ?? "",
    runbookTitle: str(r.runbookTitle) ?? str(r.runbookId) ?? "(runbook)",
    procedureId: str(r.procedureId) ?? "",
    procedureTitle: str(r.procedureTitle) ?? str(r.procedureId) ?? "(procedure)",
    status: isRunStatus(r.status) ? r.status : "queued",
    params: normalizeParams(r.params),
    startedBy: str(r.startedBy) ?? "unknown",
    incidentId: num(r.incidentId),
    targets: strings(r.targets),
    createdAt,
    startedAt: str(r.startedAt),
    finishedAt: str(r.finishedAt),
    stepCount: num(r.stepCount) ?? 0,
    doneSteps: num(r.doneSteps) ?? 0,
    currentStep: num(r.currentStep),
    error: str(r.error),
    warnings: strings(r.warnings),
    cancelRequested: r.cancelRequested === true,
  };
}

export function normalizeAction(v: unknown): ResolvedAction {
  if (typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string") return v as ResolvedAction;
  return { type: "unknown" };
}

export function normalizePlanStep(raw: unknown, at: number): PlanStep {
  const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const index = num(s.index) ?? at;
  return {
    index,
    key: str(s.key) ?? String(index),
    title: typeof s.title === "string" ? s.title : `Step ${index + 1}`,
    action: normalizeAction(s.action),
    retrySafe: s.retrySafe === true,
    onFailure: s.onFailure === "continue" ? "continue" : "stop",
    target: str(s.target),
  };
}

export function normalizeStep(raw: unknown, at: number): StepView {
  const s = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    ...normalizePlanStep(raw, at),
    status: isStepStatus(s.status) ? s.status : "pending",
    output: typeof s.output === "string" ? s.output : "",
    startedAt: str(s.startedAt),
    finishedAt: str(s.finishedAt),
    attempts: num(s.attempts) ?? 0,
    decidedBy: str(s.decidedBy),
  };
}

export function normalizeRun(raw: RunView): RunView {
  const steps = Array.isArray((raw as { steps?: unknown }).steps) ? (raw.steps as unknown[]) : [];
  return { ...normalizeRunSummary(raw), steps: steps.map(normalizeStep).sort((a, b) => a.index - b.index) };
}

export function normalizePlan(raw: unknown): Plan {
  const p = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const steps = Array.isArray(p.steps) ? p.steps : [];
  return {
    steps: steps.map(normalizePlanStep).sort((a, b) => a.index - b.index),
    targets: strings(p.targets),
    confirmationPhrase: typeof p.confirmationPhrase === "string" ? p.confirmationPhrase : null,
  };
}

function normalizeProcedure(raw: unknown): ProcedureView | null {
  if (typeof raw !== "object" || raw === null) return null;
  const p = raw as Record<string, unknown>;
  const id = str(p.id);
  if (!id) return null;
  const c = p.confirmation as { type?: unknown; phrase?: unknown } | undefined;
  const confirmation: Confirmation =
    c?.type === "none" ? { type: "none" } : c?.type === "typed" && typeof c.phrase === "string" ? { type: "typed", phrase: c.phrase } : { type: "confirm" };
  const role = (PROCEDURE_ROLES as readonly unknown[]).includes(p.role) ? (p.role as ProcedureRole) : "oncall";
  const parameters = Array.isArray(p.parameters)
    ? p.parameters.filter((x): x is ParamSpec => typeof x === "object" && x !== null && typeof (x as { name?: unknown }).name === "string" && typeof (x as { type?: unknown }).type === "string")
    : [];
  return {
    id,
    title: str(p.title) ?? id,
    description: typeof p.description === "string" ? p.description : "",
    role,
    confirmation,
    destructive: p.destructive === true,
    parameters,
    stepCount: num(p.stepCount) ?? 0,
    allowed: p.allowed === true,
  };
}

export function normalizeRunbook(raw: RunbookView): RunbookView {
  const r = raw as Partial<Record<keyof RunbookView, unknown>> & { id: string };
  return {
    id: r.id,
    version: str(r.version) ?? "0.0.0",
    title: str(r.title) ?? r.id,
    description: typeof r.description === "string" ? r.description : "",
    severity: (RUNBOOK_SEVERITIES as readonly unknown[]).includes(r.severity) ? (r.severity as RunbookSeverity) : "variable",
    tags: strings(r.tags),
    procedures: (Array.isArray(r.procedures) ? r.procedures : []).map(normalizeProcedure).filter((p): p is ProcedureView => p !== null),
  };
}

export function isRunbookLike(v: unknown): v is RunbookView {
  return typeof v === "object" && v !== null && typeof (v as { id?: unknown }).id === "string";
}
