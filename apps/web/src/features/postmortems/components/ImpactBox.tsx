import { DASH } from "../../../lib/format.ts";
import { budgetText, durationText } from "../postmortems.ts";
import type { Impact } from "@ops/contract";

/** What the API worked out from the incident: read-only. */
export function ImpactBox({ impact }: { impact: Impact }) {
  return (
    <dl className="kv pm-impact" data-testid="pm-impact">
      <dt>Duration</dt>
      <dd data-testid="pm-impact-duration">{durationText(impact.durationMinutes)}</dd>
      <dt>Error budget</dt>
      <dd data-testid="pm-impact-budget">{budgetText(impact)}</dd>
      <dt>Monthly budget</dt>
      <dd>
        {impact.budgetMinutes} min at {impact.sloTarget} %
      </dd>
      <dt>Severity</dt>
      <dd data-testid="pm-impact-severity">{impact.severity ?? DASH}</dd>
    </dl>
  );
}
