import type { ReactNode } from "react";
import { IncidentActions } from "../../features/incidents/components/IncidentActions.tsx";
import { IncidentStatusBadge, SeverityBadge } from "../../features/incidents/components/IncidentBadges.tsx";
import { IncidentTimeline, NoteForm } from "../../features/incidents/components/IncidentTimeline.tsx";
import { incidentElapsed, isResolved, mttdText, mttrVsTarget, startedFromOf } from "../../features/incidents/incidents.ts";
import { useIncident } from "../../features/incidents/queries.ts";
import type { Incident, TimelineEntry } from "../../features/incidents/types.ts";
import { IncidentLearnings } from "../../features/learnings/components/IncidentLearnings.tsx";
import { IncidentPostmortem } from "../../features/postmortems/components/IncidentPostmortem.tsx";
import { IncidentRuns } from "../../features/runbooks/components/IncidentRuns.tsx";
import { errorMessage } from "../../lib/api.ts";
import { useNow } from "../../lib/clock.ts";
import { DASH, formatAgo, formatDuration, formatTimestamp } from "../../lib/format.ts";
import { Link } from "../../lib/router.tsx";
import { useCan } from "../../lib/session.ts";
import { Forbidden } from "../../ui/Forbidden.tsx";
import { RecordLoadState } from "../../ui/RecordLoadState.tsx";
import { RunRunbookLink } from "../../ui/RunRunbookLink.tsx";
import { TargetLinks } from "../../ui/TargetLinks.tsx";

function BackLink() {
  return (
    <Link to="/incidents" className="back" data-testid="back-link">
      ← Incidents
    </Link>
  );
}

function When({ iso, now, by, testId }: { iso: string | null; now: number; by?: string | null; testId?: string }) {
  if (!iso) return <dd data-testid={testId}>{DASH}</dd>;
  return (
    <dd data-testid={testId}>
      <time dateTime={iso} title={new Date(iso).toString()}>
        {formatTimestamp(iso, now)}
      </time>{" "}
      <span className="muted">({formatAgo(iso, now)})</span>
      {by && <span className="inc-facts__by"> by {by}</span>}
    </dd>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="inc-facts__item">
      <dt>{label}</dt>
      {children}
    </div>
  );
}

function Facts({ inc, timeline, now }: { inc: Incident; timeline: readonly TimelineEntry[]; now: number }) {
  const vs = mttrVsTarget(inc, now);
  const elapsed = incidentElapsed(inc, now);
  const mttd = mttdText(inc, startedFromOf(timeline), now);
  return (
    <dl className="inc-facts">
      <Fact label="Started">
        <When iso={inc.startedAt} now={now} testId="incident-started" />
      </Fact>
      <Fact label="Detected">
        <When iso={inc.detectedAt} now={now} />
      </Fact>
      <Fact label="Acknowledged">
        <When iso={inc.acknowledgedAt} now={now} by={inc.acknowledgedBy} testId="incident-acknowledged" />
      </Fact>
      <Fact label="Resolved">
        <When iso={inc.resolvedAt} now={now} by={inc.resolvedBy} testId="incident-resolved" />
      </Fact>
      <Fact label="MTTD">
        <dd data-testid="incident-mttd" data-state={mttd.state}>
          {mttd.text}
          {mttd.basis && <span className="muted"> · {mttd.basis}</span>}
        </dd>
      </Fact>
      <Fact label={isResolved(inc) ? "MTTR" : "Open for"}>
        <dd data-testid="incident-mttr">
          {isResolved(inc) ? (
            <span className={`vs vs--${vs.state}`} data-state={vs.state}>
              {vs.text}
              {vs.state === "met" && " ✓"}
              {vs.state === "missed" && " · missed"}
            </span>
          ) : (
            <>
              <span className="inc-live">{elapsed == null ? DASH : formatDuration(elapsed)}</span>{" "}
              <span className={`vs vs--${vs.state}`} data-state={vs.state}>
                ({vs.text})
              </span>
            </>
          )}
        </dd>
      </Fact>
    </dl>
  );
}

export function IncidentPage({ id }: { id: number }) {
  return useCan("targets:read") ? <IncidentView id={id} /> : <Forbidden action="view incidents" />;
}

function IncidentView({ id }: { id: number }) {
  const q = useIncident(id);
  const canWrite = useCan("incidents:write");
  const now = useNow();

  if (!q.data) {
    const testIds = { notFound: "incident-not-found", error: "incident-error" };
    return <RecordLoadState query={q} noun="incident" action="view incidents" testIds={testIds} back={<BackLink />} loading={`Loading incident ${id}…`} />;
  }

  const { incident: inc, timeline } = q.data;
  return (
    <div className="target incident" data-testid="incident-page" data-status={inc.status} data-severity={inc.severity}>
      <BackLink />
      <header className={`record-head inc-head inc-head--${inc.severity}${isResolved(inc) ? " inc-head--resolved" : ""}`}>
        <div className="inc-head__main">
          <div className="inc-head__badges">
            <span className="inc-head__key" data-testid="incident-key">
              {inc.key}
            </span>
            <SeverityBadge severity={inc.severity} size="lg" testId="incident-severity-badge" />
            <IncidentStatusBadge status={inc.status} testId="incident-status" />
            <span className="tag tag--source" title={inc.source === "ladder" ? "Opened automatically when the target went down" : "Opened by a person"}>
              {inc.source === "ladder" ? "watchdog" : "manual"}
            </span>
          </div>
          <h1 data-testid="incident-title-text">{inc.title}</h1>
          <div className="inc-head__targets">
            <span className="muted">Targets</span> <TargetLinks names={inc.targets} max={12} />
          </div>
          {inc.summary && (
            <p className="inc-head__summary" data-testid="incident-summary-text">
              {inc.summary}
            </p>
          )}
          {q.isError && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last known state.</p>}
        </div>
        <div className="inc-head__side">
          {canWrite && <IncidentActions inc={inc} />}
          <RunRunbookLink incident={inc.id} agent={inc.targets[0] ?? null} testId="incident-run-runbook" className="btn btn--md" />
        </div>
      </header>

      <div className="target-grid">
        <div className="target-grid__main">
          <section className="card" aria-labelledby="timeline-h">
            <div className="card__head">
              <h2 id="timeline-h">Timeline</h2>
              <span className="muted">
                oldest first · {timeline.length} entr{timeline.length === 1 ? "y" : "ies"}
              </span>
            </div>
            <IncidentTimeline inc={inc} timeline={timeline} now={now} />
            {canWrite && <NoteForm id={inc.id} />}
          </section>
        </div>
        <aside className="target-grid__side">
          <section className="card" aria-labelledby="times-h">
            <h2 id="times-h">Times</h2>
            <Facts inc={inc} timeline={timeline} now={now} />
          </section>
          <IncidentPostmortem incidentId={inc.id} />
          <IncidentRuns incidentId={inc.id} now={now} />
          <IncidentLearnings incidentId={inc.id} />
        </aside>
      </div>
    </div>
  );
}
