import type { RunSummary, RunView, StepView } from "@ops/contract";

export const NOW = Date.parse("2026-11-23T14:00:00.000Z");
export const at = (ms: number) => new Date(NOW + ms).toISOString();

export function run(id: number, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    runbookId: "restart-agent",
    runbookVersion: "1.0.0",
    runbookTitle: "Restart an agent",
    procedureId: "restart",
    procedureTitle: "Restart and verify",
    status: "running",
    params: { agent: "steward" },
    startedBy: "Ada",
    incidentId: null,
    targets: ["steward"],
    createdAt: at(-70_000),
    startedAt: at(-65_000),
    finishedAt: null,
    stepCount: 3,
    doneSteps: 1,
    currentStep: 1,
    error: null,
    warnings: [],
    cancelRequested: false,
    ...patch,
  };
}

export function step(index: number, patch: Partial<StepView> = {}): StepView {
  return {
    index,
    key: `s${index}`,
    title: `step ${index}`,
    action: { type: "restart-target", target: "steward" },
    retrySafe: false,
    onFailure: "stop",
    target: "steward",
    status: "pending",
    output: "",
    startedAt: null,
    finishedAt: null,
    attempts: 0,
    decidedBy: null,
    ...patch,
  };
}

export const detail = (id: number, steps: StepView[], patch: Partial<RunSummary> = {}): RunView => ({ ...run(id, patch), steps });
