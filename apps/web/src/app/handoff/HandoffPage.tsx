import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { IncidentStatusBadge, SeverityBadge } from "../../features/incidents/components/IncidentBadges.tsx";
import { incidentElapsed, sortWorstFirst } from "../../features/incidents/incidents.ts";
import { LearningList } from "../../features/learnings/components/LearningList.tsx";
import { PromotionDone } from "../../features/learnings/components/PromotionDone.tsx";
import { formatUtc } from "../../features/postmortems/postmortems.ts";
import { RunStatusBadge } from "../../features/runbooks/components/RunBadges.tsx";
import { progressLabel } from "../../features/runbooks/runbooks.ts";
import { RESTART_STATUS_LABEL } from "../../features/targets/healing.ts";
import { useNow } from "../../lib/clock.ts";
import { formatDuration, formatTimestamp } from "../../lib/format.ts";
import { handoffKey } from "../../lib/query-keys.ts";
import { Link } from "../../lib/router.tsx";
import { incidentPath, learningsPath, promotionPath, promotionsPath, runPath, runsPath, targetPath } from "../../lib/routes.ts";
import { useCan } from "../../lib/session.ts";
import { Forbidden } from "../../ui/Forbidden.tsx";
import { QueryBody, TimeAgo } from "../../ui/QueryState.tsx";
import { Table } from "../../ui/Table.tsx";
import type { Handoff, PromotionView } from "@ops/contract";
import { countText, tickChecklist } from "./handoff.ts";
import { useHandoff } from "./queries.ts";

export function HandoffPage() {
  return useCan("targets:read") ? <HandoffView /> : <Forbidden action="view the on-call handoff" />;
}

function Card({ id, title, count, link, empty, children }: { id: string; title: string; count: number; link?: ReactNode; empty: string; children: ReactNode }) {
  return (
    <section className="card handoff-card" aria-labelledby={`${id}-h`} data-testid={id} data-count={count}>
      <div className="card__head">
        <h2 id={`${id}-h`}>
          {title} <span className="tabs__n">{count}</span>
        </h2>
        {link}
      </div>
      {count === 0 ? (
        <p className="empty" data-testid={`${id}-empty`}>
          {empty}
        </p>
      ) : (
        children
      )}
    </section>
  );
}

function restartLabel(status: string): string {
  return (RESTART_STATUS_LABEL as Record<string, string>)[status] ?? status;
}

const RESTART_HEADS = ["Target", "Attempt", "Status", "Started", "Reason"];

function Body({ h, now }: { h: Handoff; now: number }) {
  const qc = useQueryClient();
  const tick = (p: PromotionView) => qc.setQueryData<Handoff>(handoffKey, (cur) => (cur ? tickChecklist(cur, p) : cur));
  return (
    <div className="handoff-grid">
      <Card
        id="handoff-incidents"
        title="Open incidents"
        count={h.openIncidents.length}
        empty="No open incidents."
        link={
          <Link to="/incidents" className="card__link">
            All incidents →
          </Link>
        }
      >
        <ul className="inc-mini">
          {sortWorstFirst(h.openIncidents).map((inc) => {
            const elapsed = incidentElapsed(inc, now);
            return (
              <li key={inc.id} className="inc-mini__item" data-testid={`handoff-incident-${inc.id}`}>
                <div className="inc-mini__line">
                  <Link to={incidentPath(inc.id)} className="inc-key">
                    {inc.key}
                  </Link>
                  <SeverityBadge severity={inc.severity} size="sm" />
                  <IncidentStatusBadge status={inc.status} />
                  <span className="inc-mini__when">open {elapsed == null ? "—" : formatDuration(elapsed)}</span>
                </div>
                <Link to={incidentPath(inc.id)} className="inc-mini__title">
                  {inc.title}
                </Link>
                {inc.acknowledgedBy && <span className="inc-mini__dur">acknowledged by {inc.acknowledgedBy}</span>}
              </li>
            );
          })}
        </ul>
      </Card>

      <Card
        id="handoff-checklist"
        title="Handoff checklist"
        count={h.checklist.length}
        empty="Nothing on the handoff checklist."
        link={
          <Link to={promotionsPath("handoff")} className="card__link">
            All items →
          </Link>
        }
      >
        <ul className="handoff-checklist">
          {h.checklist.map((p) => (
            <li key={p.id} className={p.done ? "handoff-check handoff-check--done" : "handoff-check"} data-testid={`handoff-check-${p.id}`}>
              <PromotionDone promotion={p} label="" onDone={tick} />
              <Link to={promotionPath(p.id)}>{p.title}</Link>
              <span className="muted"> · from {p.learningId}</span>
            </li>
          ))}
        </ul>
      </Card>

      <Card
        id="handoff-runs"
        title="Unfinished runbook runs"
        count={h.runs.length}
        empty="No runbook run is unfinished."
        link={
          <Link to={runsPath()} className="card__link">
            All runs →
          </Link>
        }
      >
        <ul className="inc-mini">
          {h.runs.map((r) => (
            <li key={r.id} className="inc-mini__item" data-testid={`handoff-run-${r.id}`}>
              <div className="inc-mini__line">
                <Link to={runPath(r.id)} className="inc-key">
                  #{r.id}
                </Link>
                <RunStatusBadge status={r.status} size="sm" />
                <span className="inc-mini__when">
                  <TimeAgo iso={r.startedAt ?? r.createdAt} now={now} />
                </span>
              </div>
              <Link to={runPath(r.id)} className="inc-mini__title">
                {r.runbookTitle} → {r.procedureTitle}
              </Link>
              <span className="inc-mini__dur">
                {progressLabel(r)} · by {r.startedBy}
                {r.incidentId != null && ` · incident #${r.incidentId}`}
              </span>
            </li>
          ))}
        </ul>
      </Card>

      <Card
        id="handoff-learnings"
        title="Open high-priority learnings"
        count={h.learnings.length}
        empty="No pending high or critical learnings."
        link={
          <Link to={learningsPath()} className="card__link">
            All learnings →
          </Link>
        }
      >
        <LearningList learnings={h.learnings} testId="handoff-learning" />
      </Card>

      <Card id="handoff-restarts" title="Restarts in the last 24 h" count={h.restarts.length} empty="No restarts in the last 24 hours.">
        <Table heads={RESTART_HEADS}>
          {h.restarts.map((r) => (
            <tr key={r.id} data-testid={`handoff-restart-${r.id}`}>
              <td className="cell-nowrap">
                <Link to={targetPath(r.target)}>{r.target}</Link>
              </td>
              <td className="cell-nowrap">#{r.attempt}</td>
              <td className="cell-nowrap">
                <span className={`badge badge--sm restart-status restart-status--${r.status}`}>{restartLabel(r.status)}</span>
              </td>
              <td className="cell-nowrap">
                <time dateTime={r.startedAt} title={new Date(r.startedAt).toString()}>
                  {formatTimestamp(r.startedAt, now, { withSeconds: false })}
                </time>
              </td>
              <td className="restarts__reason">{r.reason}</td>
            </tr>
          ))}
        </Table>
      </Card>
    </div>
  );
}

function HandoffView() {
  const q = useHandoff();
  const now = useNow();
  const h = q.data;
  return (
    <div className="page handoff" data-testid="handoff-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>On-call handoff</h1>
          <p className="muted">
            What the next on-call needs to know
            {h &&
              ` — ${countText(h.openIncidents.length, "open incident", "open incidents")}, ${countText(h.runs.length, "unfinished run", "unfinished runs")}`}
            . {q.dataUpdatedAt > 0 && <span className="handoff__printed">As of {formatUtc(new Date(q.dataUpdatedAt).toISOString())}.</span>}
          </p>
        </div>
        <button type="button" className="btn btn--lg handoff__print" onClick={() => window.print()} data-testid="handoff-print">
          Print
        </button>
      </header>
      <QueryBody query={q} what="the handoff" action="view the on-call handoff" errorTestId="handoff-error" empty={null}>
        {(data) => <Body h={data} now={now} />}
      </QueryBody>
    </div>
  );
}
