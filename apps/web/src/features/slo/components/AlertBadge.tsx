import type { SloStatus } from "@ops/contract";
import { ALERT_STATE_LABEL, alertStateOf } from "../slo.ts";

/** Page firing / Ticket firing / OK: words, with the colour as a second cue. */
export function AlertBadge({ status, testId }: { status: SloStatus; testId?: string }) {
  const state = alertStateOf(status);
  return (
    <span className={`badge badge--sm slo-alert slo-alert--${state}`} data-state={state} data-testid={testId}>
      <span className="badge__dot" aria-hidden="true" />
      {ALERT_STATE_LABEL[state]}
    </span>
  );
}
