import { formatTimestamp } from "../../../lib/format.ts";
import { APPLY_LABEL, applyState, describeChange } from "../governance.ts";
import type { Proposal } from "../governance.ts";

/** What the proposal changes if it passes, in words, and whether it was applied. */
export function ChangeBox({ p, now }: { p: Proposal; now: number }) {
  const state = applyState(p);
  return (
    <div className={`gov-change gov-change--${state}`} data-testid="prop-change" data-kind={p.change?.kind ?? "none"}>
      <p className="gov-change__what">{describeChange(p.change)}</p>
      {p.change && (
        <p className="gov-change__status">
          <span className={`gov-apply gov-apply--${state}`} data-testid="prop-apply-status" data-status={state}>
            {APPLY_LABEL[state]}
          </span>
          {state === "applied" && p.appliedAt && <span className="muted"> at {formatTimestamp(p.appliedAt, now)}</span>}
          {state === "failed" && p.applyReason && (
            <span className="gov-change__reason" data-testid="prop-apply-reason">
              {" "}
              — {p.applyReason}
            </span>
          )}
        </p>
      )}
      {!p.change && (
        <span className="sr-only" data-testid="prop-apply-status" data-status={state}>
          {APPLY_LABEL[state]}
        </span>
      )}
    </div>
  );
}
