import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { EMPTY_AUDIT_FILTER, isFilterEmpty, uniqueSorted } from "../audit.ts";
import type { AuditEntry, AuditFilter } from "../audit.ts";
import { useAuditLog } from "../queries.ts";
import { AuditDiff } from "./AuditDiff.tsx";
import { LoadMore, LogTable } from "./LogTable.tsx";

const KNOWN_ACTIONS = ["auth.password.change", "token.create", "token.revoke", "user.create", "user.password.reset", "user.update"];
const KNOWN_TARGETS = ["token", "user"];

export function AuditLogTab() {
  const [draft, setDraft] = useState<AuditFilter>(EMPTY_AUDIT_FILTER);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY_AUDIT_FILTER);
  const log = useAuditLog(filter);
  const now = useNow();
  const entries = useMemo(() => log.data?.pages.flat() ?? [], [log.data]);
  const actions = useMemo(() => uniqueSorted([...KNOWN_ACTIONS, ...entries.map((e) => e.action)]), [entries]);
  const targets = useMemo(() => uniqueSorted([...KNOWN_TARGETS, ...entries.map((e) => e.target.type)]), [entries]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setFilter({ ...draft });
  };
  const reset = () => {
    setDraft(EMPTY_AUDIT_FILTER);
    setFilter(EMPTY_AUDIT_FILTER);
  };
  const field = (key: keyof AuditFilter) => ({
    id: `audit-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    "data-testid": `audit-filter-${key}`,
  });

  return (
    <div className="log" role="tabpanel" id="panel-audit" aria-labelledby="tab-audit">
      <form className="filters" onSubmit={apply} data-testid="audit-filters">
        <div className="field">
          <label htmlFor="audit-actor">Actor</label>
          <input type="search" placeholder="email, token or id" {...field("actor")} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input type="search" list="audit-actions" placeholder="e.g. user.update" {...field("action")} />
          <datalist id="audit-actions">
            {actions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="audit-targetType">Target type</label>
          <input type="search" list="audit-targets" placeholder="e.g. user" {...field("targetType")} />
          <datalist id="audit-targets">
            {targets.map((t) => (
              <option key={t} value={t} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input type="datetime-local" {...field("from")} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input type="datetime-local" {...field("to")} />
        </div>
        <div className="filters__actions">
          <button type="submit" className="btn btn--primary" data-testid="audit-apply">
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
          {actionErrorMessage(log.error, "read the audit log")}
        </p>
      )}
      {!log.data ? (
        !log.isError && <p className="muted">Loading audit log…</p>
      ) : entries.length === 0 ? (
        <p className="empty">{isFilterEmpty(filter) ? "Nothing recorded yet." : "No entries match these filters."}</p>
      ) : (
        <>
          <LogTable<AuditEntry>
            rows={entries}
            testId="audit-table"
            rowTestId="audit-row"
            detail={(e) => <AuditDiff entry={e} />}
            columns={[
              { head: "Time", className: "cell-time", cell: (e) => <time dateTime={e.at} title={e.at}>{formatTimestamp(e.at, now)}</time> },
              {
                head: "Actor",
                cell: (e) => (
                  <span className="actor">
                    <span className={`actor__type actor__type--${e.actor.type}`}>{e.actor.type}</span> {e.actor.label}
                  </span>
                ),
              },
              { head: "Action", cell: (e) => <code className="action">{e.action}</code> },
              {
                head: "Target",
                cell: (e) => (
                  <span>
                    {e.target.type}
                    {e.target.id && <span className="muted"> · {e.target.id}</span>}
                  </span>
                ),
              },
              { head: "IP", className: "cell-mono", cell: (e) => e.ip ?? <span className="muted">—</span> },
            ]}
          />
          <LoadMore
            hasMore={log.hasNextPage}
            loading={log.isFetchingNextPage}
            onMore={() => void log.fetchNextPage()}
            count={entries.length}
            testId="audit-load-more"
          />
        </>
      )}
    </div>
  );
}
