import { COUNT_ORDER, STATUS_LABEL } from "../../../lib/target-status.ts";
import type { StatusCounts as Counts } from "../../../lib/target-status.ts";

export function StatusCounts({ counts }: { counts: Counts }) {
  return (
    <ul className="counts" aria-label="Targets per status">
      {COUNT_ORDER.map((s) => (
        <li
          key={s}
          className={`pill pill--${s}${counts[s] === 0 ? " pill--zero" : ""}`}
          data-testid={`count-${s}`}
          data-count={counts[s]}
          title={`${counts[s]} monitored target${counts[s] === 1 ? "" : "s"} ${STATUS_LABEL[s].toLowerCase()}`}
        >
          <span className="pill__n">{counts[s]}</span> {s}
        </li>
      ))}
      {counts.disabled > 0 && (
        <li className="pill pill--off" data-testid="count-disabled" data-count={counts.disabled} title="Disabled in the fleet file">
          <span className="pill__n">{counts.disabled}</span> not monitored
        </li>
      )}
    </ul>
  );
}
