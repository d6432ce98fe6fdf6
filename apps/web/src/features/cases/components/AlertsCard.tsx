import { useState } from "react";
import { Link } from "../../../app/router.tsx";
import { incidentPath } from "../../../app/routes.ts";
import { actionErrorMessage, errorMessage } from "../../../lib/api.ts";
import { DASH, formatAgo, formatTimestamp, formatUntil } from "../../../lib/format.ts";
import { useCan } from "../../auth/session.ts";
import { useAlerts, useRetryAlert } from "../queries.ts";
import type { Alert } from "../types.ts";

const STATUS_LABEL: Record<Alert["status"], string> = { pending: "Pending", sent: "Sent", failed: "Failed", suppressed: "Suppressed" };

function RetryButton({ alert, target }: { alert: Alert; target: string }) {
  const retry = useRetryAlert(target);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="alert-retry">
      <button
        type="button"
        className="btn btn--sm"
        disabled={retry.isPending}
        onClick={() => {
          setError(null);
          retry.mutate(alert.id, { onError: (e) => setError(actionErrorMessage(e, "retry alerts")) });
        }}
        data-testid="alert-retry"
      >
        {retry.isPending ? "Retrying…" : "Retry"}
      </button>
      {error && (
        <span className="inline-error" role="alert" data-testid="alert-retry-error">
          {error}
        </span>
      )}
    </span>
  );
}

function AlertRow({ a, now, target, canRetry }: { a: Alert; now: number; target: string; canRetry: boolean }) {
  return (
    <tr data-testid="alert-row" data-status={a.status} data-level={a.level}>
      <td className="cell-nowrap">
        <time dateTime={a.at} title={new Date(a.at).toString()}>
          {formatTimestamp(a.at, now)}
        </time>
        <span className="cell-note">{formatAgo(a.at, now)}</span>
      </td>
      <td>
        <span className={`badge badge--sm alert-level alert-level--${a.level}`}>{a.level}</span>
      </td>
      <td className="cell-nowrap">
        <code>{a.channel || DASH}</code>
      </td>
      <td className="cell-nowrap">
        <span className={`badge badge--sm alert-status alert-status--${a.status}`} data-testid="alert-status">
          {STATUS_LABEL[a.status] ?? a.status}
        </span>
        {a.status === "pending" && a.nextAttemptAt && <span className="cell-note">next {formatUntil(a.nextAttemptAt, now)}</span>}
        {a.status === "sent" && a.sentAt && <span className="cell-note">{formatAgo(a.sentAt, now)}</span>}
      </td>
      <td className="alerts__msg">
        <details>
          <summary>
            {a.title || a.kind}
            {a.incidentId != null && (
              <>
                {" "}
                · <Link to={incidentPath(a.incidentId)}>INC-{a.incidentId}</Link>
              </>
            )}
          </summary>
          <pre className="code-block alerts__pre" data-testid="alert-message">
            {a.message || "(empty message)"}
          </pre>
        </details>
      </td>
      <td className="cell-nowrap">{a.attempts}</td>
      <td className="alerts__err">{a.lastError ? <code title={a.lastError}>{a.lastError}</code> : <span className="muted">{DASH}</span>}</td>
      {canRetry && <td className="cell-nowrap">{a.status === "failed" && <RetryButton alert={a} target={target} />}</td>}
    </tr>
  );
}

export function AlertsCard({ target, now }: { target: string; now: number }) {
  const q = useAlerts(target);
  const canRetry = useCan("incidents:write");

  let body;
  if (!q.data) {
    body = q.isError ? (
      <p className="inline-error">Could not load alerts: {actionErrorMessage(q.error, "view alerts")}</p>
    ) : (
      <p className="muted">Loading alerts…</p>
    );
  } else if (q.data.length === 0) {
    body = (
      <p className="empty" data-testid="alerts-empty">
        No alerts sent for this target.
      </p>
    );
  } else {
    body = (
      <>
        {q.isError && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last known list.</p>}
        <div className="table-wrap alerts-wrap">
          <table className="table table--log alerts-table" data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Channel</th>
                <th scope="col">Status</th>
                <th scope="col">Message</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                {canRetry && (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {q.data.map((a) => (
                <AlertRow key={a.id} a={a} now={now} target={target} canRetry={canRetry} />
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  return (
    <section className="card" aria-labelledby="alerts-h" data-testid="alerts">
      <div className="card__head">
        <h2 id="alerts-h">Alerts</h2>
        <span className="muted">newest first</span>
      </div>
      {body}
    </section>
  );
}
