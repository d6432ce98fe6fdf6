import { DASH, formatAgo, formatDuration, formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath } from "../../../lib/routes.ts";
import { TargetLinks } from "../../../ui/TargetLinks.tsx";
import { incidentElapsed, isResolved, mttrVsTarget } from "../incidents.ts";
import type { Incident } from "../types.ts";
import { IncidentStatusBadge, SeverityBadge } from "./IncidentBadges.tsx";
import { ScrollBox } from "../../../ui/ScrollBox.tsx";

function Row({ inc, now }: { inc: Incident; now: number }) {
  const elapsed = incidentElapsed(inc, now);
  const vs = mttrVsTarget(inc, now);
  const open = !isResolved(inc);
  return (
    <tr data-testid={`incident-row-${inc.key}`} data-status={inc.status} data-severity={inc.severity} className={`inc-row inc-row--${inc.status}`}>
      <td className="cell-nowrap">
        <Link to={incidentPath(inc.id)} className="inc-key">
          {inc.key}
        </Link>
      </td>
      <td>
        <SeverityBadge severity={inc.severity} size="sm" />
      </td>
      <td className="inc-title-cell">
        <Link to={incidentPath(inc.id)} className="inc-title">
          {inc.title}
        </Link>
        {inc.source === "manual" && <span className="cell-note">opened by hand</span>}
      </td>
      <td>
        <TargetLinks names={inc.targets} />
      </td>
      <td>
        <IncidentStatusBadge status={inc.status} />
      </td>
      <td className="cell-nowrap">
        <time dateTime={inc.startedAt} title={new Date(inc.startedAt).toString()}>
          {formatAgo(inc.startedAt, now)}
        </time>
        <span className="cell-note">{formatTimestamp(inc.startedAt, now, { withSeconds: false })}</span>
      </td>
      <td className={open ? "cell-nowrap inc-live" : "cell-nowrap"} data-testid="incident-duration">
        {elapsed == null ? DASH : formatDuration(elapsed)}
        {open && <span className="cell-note">ongoing</span>}
      </td>
      <td className="cell-nowrap">
        <span className={`vs vs--${vs.state}`} data-state={vs.state} data-testid="incident-mttr">
          {vs.text}
        </span>
      </td>
    </tr>
  );
}

export function IncidentTable({ incidents, now }: { incidents: readonly Incident[]; now: number }) {
  return (
    <ScrollBox label="Incidents" className="table-wrap">
      <table className="table incidents" data-testid="incidents-table">
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Sev</th>
            <th scope="col">Title</th>
            <th scope="col">Targets</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col" title="Time to resolve, against the target for the severity">
              MTTR vs target
            </th>
          </tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <Row key={i.id} inc={i} now={now} />
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
