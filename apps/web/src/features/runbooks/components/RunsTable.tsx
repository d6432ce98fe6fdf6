import type { RunSummary } from "@ops/contract";
import { DASH, formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { runPath } from "../../../lib/routes.ts";
import { TargetLinks } from "../../../ui/TargetLinks.tsx";
import { formatElapsed, isActive, progressLabel, runElapsed } from "../runbooks.ts";
import { RunStatusBadge } from "./RunBadges.tsx";
import { ScrollBox } from "../../../ui/ScrollBox.tsx";

function Row({ run, now }: { run: RunSummary; now: number }) {
  const active = isActive(run.status);
  const elapsed = runElapsed(run, now);
  const at = run.startedAt ?? run.createdAt;
  return (
    <tr data-testid={`run-row-${run.id}`} data-status={run.status} className={`run-row run-row--${run.status}`}>
      <td className="cell-nowrap">
        <Link to={runPath(run.id)} className="inc-key">
          #{run.id}
        </Link>
      </td>
      <td className="run-title-cell">
        <Link to={runPath(run.id)} className="inc-title">
          {run.runbookTitle} → {run.procedureTitle}
        </Link>
        <span className="cell-note">
          v{run.runbookVersion}
          {run.incidentId != null && ` · incident #${run.incidentId}`}
        </span>
      </td>
      <td>
        <RunStatusBadge status={run.status} size="sm" warnings={run.warnings} />
        <span className="cell-note">{progressLabel(run)}</span>
      </td>
      <td>
        <TargetLinks names={run.targets} />
      </td>
      <td className="cell-clip" title={run.startedBy}>
        {run.startedBy}
      </td>
      <td className="cell-nowrap">
        <time dateTime={at} title={new Date(at).toString()}>
          {formatAgo(at, now)}
        </time>
        <span className="cell-note">{formatTimestamp(at, now, { withSeconds: false })}</span>
      </td>
      <td className={active ? "cell-nowrap inc-live" : "cell-nowrap"} data-testid="run-duration">
        {elapsed == null ? DASH : formatElapsed(elapsed)}
        {active && <span className="cell-note">ongoing</span>}
      </td>
    </tr>
  );
}

export function RunsTable({ runs, now }: { runs: readonly RunSummary[]; now: number }) {
  return (
    <ScrollBox label="Runs" className="table-wrap">
      <table className="table runs" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Runbook → procedure</th>
            <th scope="col">Status</th>
            <th scope="col">Targets</th>
            <th scope="col">Started by</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <Row key={r.id} run={r} now={now} />
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
