import type { RunbookSeverity, RunStatus, StepStatus } from "@ops/contract";
import { RUN_STATUS_LABEL, SEVERITY_LABEL, STEP_STATUS_LABEL, warningsLabel } from "../runbooks.ts";

export function RunStatusBadge({
  status,
  testId,
  size = "md",
  warnings,
}: {
  status: RunStatus;
  testId?: string;
  size?: "sm" | "md" | "lg";
  warnings?: readonly string[];
}) {
  const w = warningsLabel(warnings);
  return (
    <span
      className={`badge badge--${size} run-status run-status--${status}${w ? " run-status--warned" : ""}`}
      data-status={status}
      data-warnings={warnings?.length ?? 0}
      data-testid={testId}
      title={w ? warnings!.join("\n") : undefined}
    >
      <span className="badge__dot run-status__dot" aria-hidden="true" />
      {RUN_STATUS_LABEL[status]}
      {w && <span className="run-status__warn"> · {w}</span>}
    </span>
  );
}

const SEVERITY_TITLE: Record<RunbookSeverity, string> = {
  low: "Low risk",
  medium: "Medium risk",
  high: "High risk",
  critical: "Critical: acts on the whole fleet or its data",
  variable: "Depends on the procedure",
};

export function RunbookSeverityBadge({ severity, testId }: { severity: RunbookSeverity; testId?: string }) {
  return (
    <span className={`rb-sev rb-sev--${severity}`} title={SEVERITY_TITLE[severity]} data-severity={severity} data-testid={testId}>
      {SEVERITY_LABEL[severity]}
    </span>
  );
}

const STEP_ICON: Record<StepStatus, string> = {
  pending: "○",
  running: "",
  succeeded: "✓",
  failed: "✕",
  skipped: "–",
  "waiting-for-human": "!",
};

/** Green tick, red cross, a spinner, grey for pending and skipped, amber when a person is needed. */
export function StepIcon({ status }: { status: StepStatus }) {
  return (
    <span className={`step-icon step-icon--${status}`} role="img" aria-label={STEP_STATUS_LABEL[status]} title={STEP_STATUS_LABEL[status]}>
      {status === "running" ? <span className="spinner" aria-hidden="true" /> : <span aria-hidden="true">{STEP_ICON[status]}</span>}
    </span>
  );
}
