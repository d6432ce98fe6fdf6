import type { Tally } from "@ops/contract";
import { TALLY_KINDS, tallyBars } from "../governance.ts";
import type { TallyKind } from "../governance.ts";

const LABEL: Record<TallyKind, string> = { yes: "Yes", no: "No", abstain: "Abstain", missing: "Not voted" };

/** One bar per kind of ballot, as shares of the eligible members; the yes bar marks the yes needed. */
export function TallyBars({ tally, needed }: { tally: Tally; needed: number }) {
  const { bars, neededAt } = tallyBars(tally, needed);
  return (
    <div className="gov-tally" data-testid="tally">
      {TALLY_KINDS.map((kind) => (
        <div key={kind} className={`gov-tally__row gov-tally__row--${kind}`} data-testid={`tally-${kind}`} data-count={bars[kind].count}>
          <span className="gov-tally__label">{LABEL[kind]}</span>
          <div
            className="gov-tally__track"
            role="meter"
            aria-label={`${LABEL[kind]}: ${bars[kind].count} of ${tally.eligible}`}
            aria-valuemin={0}
            aria-valuemax={tally.eligible}
            aria-valuenow={bars[kind].count}
          >
            <div className="gov-tally__fill" style={{ width: `${bars[kind].percent}%` }} />
            {kind === "yes" && (
              <span
                className="gov-tally__need"
                style={{ left: `${neededAt}%` }}
                title={`${needed} yes needed`}
                data-testid="tally-needed"
                data-needed={needed}
              />
            )}
          </div>
          <span className="gov-tally__n">{bars[kind].count}</span>
        </div>
      ))}
      <p className="gov-tally__legend muted">
        The line on the yes bar marks the {needed} yes needed of {tally.eligible}; abstaining and not voting count as not-yes.
      </p>
    </div>
  );
}
