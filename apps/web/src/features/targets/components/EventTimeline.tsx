import { errorMessage } from "../../../lib/api.ts";
import { formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { isStatus } from "../../../lib/targets.ts";
import type { StatusEventView } from "@ops/contract";
import { StatusBadge } from "../../../ui/StatusBadge.tsx";
import { useEvents } from "../queries.ts";

function Change({ event }: { event: StatusEventView }) {
  const from = isStatus(event.from) ? event.from : null;
  const to = isStatus(event.to) ? event.to : null;
  if (!from && !to) return null;
  return (
    <span className="event__change">
      {from && <StatusBadge status={from} size="sm" />}
      {from && to && (
        <span className="event__arrow" aria-label="to">
          →
        </span>
      )}
      {to && <StatusBadge status={to} size="sm" />}
    </span>
  );
}

export function EventTimeline({ target, now }: { target: string; now: number }) {
  const q = useEvents({ target, limit: 50 });
  if (q.isPending) return <p className="muted">Loading events…</p>;
  if (q.isError) return <p className="inline-error">Could not load events: {errorMessage(q.error)}</p>;
  if (q.data.length === 0) return <p className="empty">No status changes recorded yet.</p>;
  return (
    <ol className="timeline" data-testid="event-timeline">
      {q.data.map((e) => (
        <li key={e.id} className={`event event--${e.kind}`} data-kind={e.kind} data-testid="event">
          <time className="event__time" dateTime={e.at} title={new Date(e.at).toString()}>
            {formatTimestamp(e.at, now)}
            <span className="event__ago">{formatAgo(e.at, now)}</span>
          </time>
          <div className="event__body">
            <div className="event__line">
              {e.kind === "restart" && <span className="tag tag--restart">↻ restart</span>}
              <Change event={e} />
            </div>
            {e.reason && <p className="event__reason">{e.reason}</p>}
          </div>
        </li>
      ))}
    </ol>
  );
}
