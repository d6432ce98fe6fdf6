import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { EMPTY_SECURITY_FILTER, isFilterEmpty, SECURITY_KINDS } from "../audit.ts";
import type { SecurityEvent, SecurityFilter } from "../audit.ts";
import { useSecurityLog } from "../queries.ts";
import { LoadMore, LogTable } from "./LogTable.tsx";

const KIND_TONE: Record<string, string> = {
  "login.failed": "warning",
  "login.rate_limited": "critical",
  "auth.unauthenticated": "unknown",
  "auth.forbidden": "warning",
  "csrf.rejected": "down",
  "ws.rejected": "unknown",
  "session.revoked": "info",
};

function SecurityDetail({ event: e }: { event: SecurityEvent }) {
  return (
    <div className="audit-detail">
      <dl className="kv kv--compact">
        <dt>Detail</dt>
        <dd>{e.detail ?? "—"}</dd>
        <dt>Route</dt>
        <dd>
          <code>{e.route ?? "—"}</code>
        </dd>
        <dt>User agent</dt>
        <dd>{e.userAgent ?? "—"}</dd>
        <dt>Actor id</dt>
        <dd>
          <code>{e.actorId ?? "—"}</code>
        </dd>
        <dt>Event id</dt>
        <dd>
          <code>{String(e.id)}</code>
        </dd>
      </dl>
    </div>
  );
}

export function SecurityLogTab() {
  const [draft, setDraft] = useState<SecurityFilter>(EMPTY_SECURITY_FILTER);
  const [filter, setFilter] = useState<SecurityFilter>(EMPTY_SECURITY_FILTER);
  const log = useSecurityLog(filter);
  const now = useNow();
  const events = useMemo(() => log.data?.pages.flat() ?? [], [log.data]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilter({ ...draft });
  };
  const reset = () => {
    setDraft(EMPTY_SECURITY_FILTER);
    setFilter(EMPTY_SECURITY_FILTER);
  };
  const field = (key: keyof SecurityFilter) => ({
    id: `security-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    "data-testid": `security-filter-${key}`,
  });

  return (
    <div className="log" role="tabpanel" id="panel-security" aria-labelledby="tab-security">
      <form className="filters" onSubmit={apply} data-testid="security-filters">
        <div className="field">
          <label htmlFor="security-kind">Kind</label>
          <select {...field("kind")}>
            <option value="">Any kind</option>
            {SECURITY_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="security-email">Email</label>
          <input type="search" placeholder="attempted or actual" autoComplete="off" {...field("email")} />
        </div>
        <div className="field">
          <label htmlFor="security-from">From</label>
          <input type="datetime-local" {...field("from")} />
        </div>
        <div className="field">
          <label htmlFor="security-to">To</label>
          <input type="datetime-local" {...field("to")} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="btn btn--primary" data-testid="security-apply">
            Apply
          </button>
          {!(isFilterEmpty(draft) && isFilterEmpty(filter)) && (
            <button type="button" className="btn" onClick={reset}>
              Clear
            </button>
          )}
        </div>
      </form>

      {log.isError && (
        <p className="inline-error" role="alert">
          {actionErrorMessage(log.error, "read the security log")}
        </p>
      )}
      {!log.data ? (
        !log.isError && <p className="muted">Loading security log…</p>
      ) : events.length === 0 ? (
        <p className="empty">{isFilterEmpty(filter) ? "No security events recorded." : "No events match these filters."}</p>
      ) : (
        <>
          <LogTable<SecurityEvent>
            rows={events}
            testId="security-table"
            rowTestId="security-row"
            detail={(e) => <SecurityDetail event={e} />}
            columns={[
              { head: "Time", className: "cell-time", cell: (e) => <time dateTime={e.at} title={e.at}>{formatTimestamp(e.at, now)}</time> },
              { head: "Kind", cell: (e) => <span className={`kind kind--${KIND_TONE[e.kind] ?? "unknown"}`}>{e.kind}</span> },
              { head: "Email", cell: (e) => e.email ?? <span className="muted">—</span> },
              { head: "IP", className: "cell-mono", cell: (e) => e.ip ?? <span className="muted">—</span> },
              { head: "Route", className: "cell-mono", cell: (e) => e.route ?? <span className="muted">—</span> },
              { head: "Detail", className: "cell-clip", cell: (e) => <span title={e.detail ?? undefined}>{e.detail ?? "—"}</span> },
            ]}
          />
          <LoadMore
            hasMore={log.hasNextPage}
            loading={log.isFetchingNextPage}
            onMore={() => void log.fetchNextPage()}
            count={events.length}
            testId="security-load-more"
          />
        </>
      )}
    </div>
  );
}
