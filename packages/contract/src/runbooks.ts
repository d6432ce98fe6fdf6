/** Runbooks: the catalogue (`GET /api/runbooks`), plans (`POST /api/runs/plan`) and runs (`/api/runs`). */

export type ProcedureRole = "oncall" | "governance" | "admin";
export type RunbookSeverity = "low" | "medium" | "high" | "critical" | "variable";
export type TargetKind = "agent" | "service";

type ParamCommon = { name: string; label: string; description?: string | undefined; required: boolean };

export type ParamSpec =
  | (ParamCommon & { type: "target"; kinds: TargetKind[]; default?: string | undefined })
  | (ParamCommon & { type: "enum"; values: string[]; default?: string | undefined })
  | (ParamCommon & { type: "integer"; min: number; max: number; default?: number | undefined })
  | (ParamCommon & { type: "boolean"; default?: boolean | undefined })
  | (ParamCommon & { type: "text"; pattern: string; maxLength: number; default?: string | undefined })
  | (ParamCommon & { type: "backup"; default?: string | undefined });

export type ParamType = ParamSpec["type"];

/** `typed`: the phrase may contain {{param}}; the server resolves it in plans. */
export type Confirmation = { type: "none" } | { type: "confirm" } | { type: "typed"; phrase: string };

export type ProcedureView = {
  id: string;
  title: string;
  description: string;
  role: ProcedureRole;
  confirmation: Confirmation;
  destructive: boolean;
  parameters: ParamSpec[];
  stepCount: number;
  /** The caller may run it. */
  allowed: boolean;
};

export type RunbookView = {
  id: string;
  version: string;
  title: string;
  description: string;
  severity: RunbookSeverity;
  tags: string[];
  procedures: ProcedureView[];
};

/**
 * A step's action with its parameters resolved, e.g. {type:"restart-target", target:"steward"},
 * {type:"command", command, argv, timeoutSeconds}, {type:"manual", instructions}. Kept open: readers show
 * kinds they do not know as they come.
 */
export type ResolvedAction = { type: string; [k: string]: unknown };

export type PlanStep = {
  index: number;
  /** Stable key: the step id, with the loop item when expanded (`restart.steward`). */
  key: string;
  title: string;
  action: ResolvedAction;
  retrySafe: boolean;
  onFailure: "stop" | "continue";
  /** The target this step acts on or looks at, if any. */
  target: string | null;
};

export type Plan = { steps: PlanStep[]; targets: string[]; confirmationPhrase: string | null };

export type StepStatus = "pending" | "running" | "succeeded" | "failed" | "skipped" | "waiting-for-human";
export type RunStatus = "queued" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";

export type StepView = PlanStep & {
  status: StepStatus;
  output: string;
  startedAt: string | null;
  finishedAt: string | null;
  attempts: number;
  decidedBy: string | null;
};

export type ParamValue = string | number | boolean;
export type ParamValues = Record<string, ParamValue>;

export type RunSummary = {
  id: number;
  runbookId: string;
  runbookVersion: string;
  runbookTitle: string;
  procedureId: string;
  procedureTitle: string;
  status: RunStatus;
  params: ParamValues;
  /** A label: display name or email. */
  startedBy: string;
  incidentId: number | null;
  targets: string[];
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  stepCount: number;
  doneSteps: number;
  currentStep: number | null;
  error: string | null;
  /**
   * One line per step that failed but said `onFailure: continue`, e.g. "step 1 'Check health' failed
   * (continued): connection refused". Such a run still ends succeeded; only a failing step without
   * `continue` fails it.
   */
  warnings: string[];
  cancelRequested: boolean;
};

export type RunView = RunSummary & { steps: StepView[] };
