import { actionErrorMessage, errorMessage } from "../../../lib/api.ts";
import { DASH, formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { RESTART_STATUS_LABEL, restartDuration } from "../healing.ts";
import { useRestarts } from "../queries.ts";

export function RestartHistory({ target, now }: { target: string; now: number }) {
  const q = useRestarts(target);
  if (!q.data) {
    if (q.isError) return <p className="inline-error">Could not load restarts: {actionErrorMessage(q.error, "view restarts")}</p>;
    return <p className="muted">Loading restarts…</p>;
  }
  if (q.data.length === 0) {
    return (
      <p className="empty" data-testid="restart-history-empty">
        No restarts recorded.
      </p>
    );
  }
  return (
    <>
      {q.isError && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last known list.</p>}
      <div className="table-wrap restarts-wrap">
        <table className="table table--log restarts" data-testid="restart-history">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Attempt</th>
              <th scope="col">Driver</th>
              <th scope="col">Status</th>
              <th scope="col">Reason</th>
              <th scope="col">Output</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {q.data.map((r) => (
              <tr key={r.id} data-testid="restart-row" data-status={r.status}>
                <td className="cell-nowrap">
                  <time dateTime={r.startedAt} title={new Date(r.startedAt).toString()}>
                    {formatTimestamp(r.startedAt, now)}
                  </time>
                  <span className="cell-note">{formatAgo(r.startedAt, now)}</span>
                </td>
                <td className="cell-nowrap">#{r.attempt}</td>
                <td className="cell-nowrap">
                  <code>{r.driver || DASH}</code>
                </td>
                <td>
                  <span className={`badge badge--sm restart-status restart-status--${r.status}`}>
                    {RESTART_STATUS_LABEL[r.status] ?? r.status}
                  </span>
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
          </tbody>
        </table>
      </div>
    </>
  );
}
