import { Link } from "../../../lib/router.tsx";
import { incidentPath } from "../../../lib/routes.ts";
import { countLabel, isResolved, sortWorstFirst } from "../incidents.ts";
import type { Incident } from "../types.ts";

const SHOWN = 4;

/** The board's one-line "2 open incidents: INC-7 P3 beta down · …"; nothing when all is quiet. */
export function OpenIncidentsBanner({ incidents }: { incidents: readonly Incident[] | undefined }) {
  const open = sortWorstFirst((incidents ?? []).filter((i) => !isResolved(i)));
  if (open.length === 0) return null;
  const worst = open[0]!.severity;
  const rest = open.length - SHOWN;
  return (
    <div className={`inc-strip inc-strip--${worst}`} role="status" data-testid="open-incidents" data-count={open.length}>
      <Link to="/incidents" className="inc-strip__count">
        {countLabel(open.length)}:
      </Link>
      <ul className="inc-strip__list">
        {open.slice(0, SHOWN).map((i) => (
          <li key={i.id}>
            <Link
              to={incidentPath(i.id)}
              className="inc-strip__item"
              title={`${i.key} ${i.severity} ${i.title} (${i.status})`}
              data-testid={`open-incident-${i.key}`}
            >
              <span className="inc-strip__key">{i.key}</span>
              <span className={`sev sev--${i.severity} sev--sm`}>{i.severity}</span>
              <span className="inc-strip__title">{i.title}</span>
              {i.status !== "open" && <span className="inc-strip__state">{i.status}</span>}
            </Link>
          </li>
        ))}
      </ul>
      {rest > 0 && (
        <Link to="/incidents" className="inc-strip__more">
          +{rest} more
        </Link>
      )}
    </div>
  );
}

/** The tile's "INC-7" link: the worst open incident naming this target. */
export function IncidentBadge({ name, incidents }: { name: string; incidents: readonly Incident[] | undefined }) {
  const worst = incidents?.[0];
  if (!worst) return null;
  const more = incidents.length - 1;
  const title = incidents.map((i) => `${i.key} ${i.severity} ${i.title} (${i.status})`).join("\n");
  return (
    <Link
      to={incidentPath(worst.id)}
      className={`inc-badge sev--${worst.severity}`}
      title={title}
      data-testid={`incident-badge-${name}`}
      data-severity={worst.severity}
    >
      {worst.key}
      {more > 0 && <span className="inc-badge__more">+{more}</span>}
    </Link>
  );
}
