import { HistoryBody } from "../../../app/QueryState.tsx";
import { Table, TimeCell } from "../../../app/Table.tsx";
import { DASH } from "../../../lib/format.ts";
import { RESTART_STATUS_LABEL, restartDuration } from "../healing.ts";
import { useRestarts } from "../queries.ts";

const HEADS = ["Time", "Attempt", "Driver", "Status", "Reason", "Output", "Duration"];

export function RestartHistory({ target, now }: { target: string; now: number }) {
  const q = useRestarts(target);
  return (
    <HistoryBody query={q} what="restarts" action="view restarts" empty="No restarts recorded." emptyTestId="restart-history-empty">
      {(restarts) => (
        <Table heads={HEADS} testId="restart-history" className="table--log restarts" wrapClassName="restarts-wrap">
          {restarts.map((r) => (
            <tr key={r.id} data-testid="restart-row" data-status={r.status}>
              <TimeCell iso={r.startedAt} now={now} />
              <td className="cell-nowrap">#{r.attempt}</td>
              <td className="cell-nowrap">
                <code>{r.driver || DASH}</code>
              </td>
              <td>
                <span className={`badge badge--sm restart-status restart-status--${r.status}`}>{RESTART_STATUS_LABEL[r.status] ?? r.status}</span>
              </td>
              <td className="restarts__reason">{r.reason || DASH}</td>
              <td>
                {r.output ? (
                  <code className="restarts__output" title={r.output}>
                    {r.output}
                  </code>
                ) : (
                  <span className="muted">{DASH}</span>
                )}
              </td>
              <td className="cell-nowrap">{restartDuration(r, now)}</td>
            </tr>
          ))}
        </Table>
      )}
    </HistoryBody>
  );
}
