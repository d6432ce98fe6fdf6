import { useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { DASH, formatAgo, formatUntil } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { HistoryBody } from "../../../ui/QueryState.tsx";
import { ACTIONS_HEAD, Table, TimeCell } from "../../../ui/Table.tsx";
import { useAlerts, useRetryAlert } from "../queries.ts";
import type { AlertView } from "@ops/contract";

const STATUS_LABEL: Record<AlertView["status"], string> = { pending: "Pending", sent: "Sent", failed: "Failed", suppressed: "Suppressed" };

function RetryButton({ alert, target }: { alert: AlertView; target: string }) {
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

function AlertRow({ a, now, target, canRetry }: { a: AlertView; now: number; target: string; canRetry: boolean }) {
  return (
    <tr data-testid="alert-row" data-status={a.status} data-level={a.level}>
      <TimeCell iso={a.at} now={now} />
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
            <span className="muted">#{a.id}</span>{" "}
            {a.followsId != null && (
              <span className="tag" data-testid="alert-follows">
                update to #{a.followsId}
              </span>
            )}{" "}
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

  const heads = ["Time", "Level", "Channel", "Status", "Message", "Attempts", "Last error", ...(canRetry ? [ACTIONS_HEAD] : [])];

  return (
    <section className="card" aria-labelledby="alerts-h" data-testid="alerts">
      <div className="card__head">
        <h2 id="alerts-h">Alerts</h2>
        <span className="muted">newest first</span>
      </div>
      <HistoryBody query={q} what="alerts" action="view alerts" empty="No alerts sent for this target." emptyTestId="alerts-empty">
        {(alerts) => (
          <Table heads={heads} testId="alerts-table" className="table--log alerts-table" wrapClassName="alerts-wrap">
            {alerts.map((a) => (
              <AlertRow key={a.id} a={a} now={now} target={target} canRetry={canRetry} />
            ))}
          </Table>
        )}
      </HistoryBody>
    </section>
  );
}
