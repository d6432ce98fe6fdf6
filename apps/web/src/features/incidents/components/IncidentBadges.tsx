import { STATUS_LABEL } from "../incidents.ts";
import type { IncidentStatus, Severity } from "../types.ts";

const SEVERITY_TITLE: Record<Severity, string> = {
  P1: "P1 · critical: MTTR target 4 h",
  P2: "P2 · major: MTTR target 8 h",
  P3: "P3 · minor: MTTR target 24 h",
  P4: "P4 · low: no MTTR target",
};

export function SeverityBadge({ severity, size = "md", testId }: { severity: Severity; size?: "sm" | "md" | "lg"; testId?: string }) {
  return (
    <span className={`sev sev--${severity} sev--${size}`} title={SEVERITY_TITLE[severity]} data-severity={severity} data-testid={testId}>
      {severity}
    </span>
  );
}

export function IncidentStatusBadge({ status, testId }: { status: IncidentStatus; testId?: string }) {
  return (
    <span className={`inc-status inc-status--${status}`} data-status={status} data-testid={testId}>
      {STATUS_LABEL[status]}
    </span>
  );
}
