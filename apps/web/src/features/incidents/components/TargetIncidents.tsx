import { actionErrorMessage } from "../../../lib/api.ts";
import { DASH, formatAgo, formatDuration } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath, incidentsPath } from "../../../lib/routes.ts";
import { incidentElapsed, isResolved } from "../incidents.ts";
import { useRecentIncidents } from "../queries.ts";
import { IncidentStatusBadge, SeverityBadge } from "./IncidentBadges.tsx";

const LIMIT = 5;

/** The target page's last few incidents, open or not. */
export function TargetIncidents({ target, now }: { target: string; now: number }) {
  const q = useRecentIncidents({ status: "all", target, limit: LIMIT });
  return (
    <section className="card" aria-labelledby="target-incidents-h" data-testid="target-incidents">
      <div className="card__head">
        <h2 id="target-incidents-h">Incidents</h2>
        <Link to={incidentsPath("all", target)} className="card__link">
          All for {target} →
        </Link>
      </div>
      {!q.data ? (
        q.isError ? (
          <p className="inline-error">Could not load incidents: {actionErrorMessage(q.error, "view incidents")}</p>
        ) : (
          <p className="muted">Loading incidents…</p>
        )
      ) : q.data.length === 0 ? (
        <p className="empty">No incidents recorded for this target.</p>
      ) : (
        <ul className="inc-mini">
          {q.data.map((i) => {
            const elapsed = incidentElapsed(i, now);
            return (
              <li key={i.id} className={`inc-mini__item inc-mini__item--${i.status}`} data-testid={`target-incident-${i.key}`} data-status={i.status}>
                <div className="inc-mini__line">
                  <Link to={incidentPath(i.id)} className="inc-key">
                    {i.key}
                  </Link>
                  <SeverityBadge severity={i.severity} size="sm" />
                  <IncidentStatusBadge status={i.status} />
                  <span className="inc-mini__when" title={new Date(i.startedAt).toString()}>
                    {formatAgo(i.startedAt, now)}
                  </span>
                </div>
                <Link to={incidentPath(i.id)} className="inc-mini__title">
                  {i.title}
                </Link>
                <span className="inc-mini__dur">
                  {isResolved(i) ? "lasted " : "open for "}
                  {elapsed == null ? DASH : formatDuration(elapsed)}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
