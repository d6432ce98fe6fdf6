import { useMemo } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { formatAgo } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { runPath, runsPath } from "../../../lib/routes.ts";
import { useRecentRuns } from "../queries.ts";
import { formatElapsed, progressLabel, runElapsed, sortRuns } from "../runbooks.ts";
import { RunStatusBadge } from "./RunBadges.tsx";

const LIMIT = 20;

/** The incident page's "Runbook runs": what was run for this incident, active runs first. */
export function IncidentRuns({ incidentId, now }: { incidentId: number; now: number }) {
  const q = useRecentRuns({ incident: incidentId, limit: LIMIT });
  const runs = useMemo(() => (q.data ? sortRuns(q.data) : undefined), [q.data]);
  return (
    <section className="card" aria-labelledby="incident-runs-h" data-testid="incident-runs">
      <div className="card__head">
        <h2 id="incident-runs-h">Runbook runs</h2>
        <Link to={runsPath({ incident: incidentId })} className="card__link">
          All runs →
        </Link>
      </div>
      {!runs ? (
        q.isError ? (
          <p className="inline-error">Could not load runs: {actionErrorMessage(q.error, "view runbook runs")}</p>
        ) : (
          <p className="muted">Loading runs…</p>
        )
      ) : runs.length === 0 ? (
        <p className="empty" data-testid="incident-runs-empty">
          No runbook has been run for this incident.
        </p>
      ) : (
        <ul className="inc-mini">
          {runs.map((r) => {
            const elapsed = runElapsed(r, now);
            return (
              <li key={r.id} className="inc-mini__item" data-testid={`incident-runs-${r.id}`} data-status={r.status}>
                <div className="inc-mini__line">
                  <Link to={runPath(r.id)} className="inc-key">
                    #{r.id}
                  </Link>
                  <RunStatusBadge status={r.status} size="sm" warnings={r.warnings} />
                  <span className="inc-mini__when" title={new Date(r.createdAt).toString()}>
                    {formatAgo(r.startedAt ?? r.createdAt, now)}
                  </span>
                </div>
                <Link to={runPath(r.id)} className="inc-mini__title">
                  {r.runbookTitle} → {r.procedureTitle}
                </Link>
                <span className="inc-mini__dur">
                  {progressLabel(r)} · {elapsed == null ? "—" : formatElapsed(elapsed)} · by {r.startedBy}
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
