import { useMemo, useState } from "react";
import type { FormEvent, ReactNode } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { LoadMore, LogTable } from "../../../ui/LogTable.tsx";
import type { Column } from "../../../ui/LogTable.tsx";
import { isFilterEmpty } from "../audit.ts";

type Filter = Record<string, string>;

/** A filter of the form: a search box (with suggestions), a choice from fixed values, or a local date and time. */
export type FilterField<F extends Filter, T> = { key: keyof F & string; label: string } & (
  | { type: "search"; placeholder: string; autoComplete?: string; suggest?: { listId: string; values: (rows: readonly T[]) => readonly string[] } }
  | { type: "select"; any: string; options: readonly string[] }
  | { type: "datetime-local" }
);

/** The filter typed into the form, and the one applied to the query. */
export function useLogFilter<F extends Filter>(empty: F) {
  const [draft, setDraft] = useState<F>(empty);
  const [applied, setApplied] = useState<F>(empty);
  return { draft, setDraft, applied, setApplied, empty };
}

type LogFilter<F extends Filter> = ReturnType<typeof useLogFilter<F>>;

type LogQuery<T> = {
  data: { pages: T[][] } | undefined;
  isError: boolean;
  error: unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
};

type Props<F extends Filter, T extends { id: string | number; at: string }> = {
  /** "audit": the prefix of the tab's ids and test ids. */
  name: string;
  filter: LogFilter<F>;
  fields: readonly FilterField<F, T>[];
  query: LogQuery<T>;
  /** The columns after Time. */
  columns: Column<T>[];
  detail: (row: T) => ReactNode;
  /** What the user was doing, for an error ("read the audit log"). */
  action: string;
  /** "audit log", as in "Loading audit log…". */
  what: string;
  /** Shown when nothing came back: with no filter, and with one. */
  empty: { all: string; filtered: string };
};

/** A tab of the audit page: a filter form over a paged log whose rows expand to their details. */
export function LogTab<F extends Filter, T extends { id: string | number; at: string }>({
  name,
  filter,
  fields,
  query,
  columns,
  detail,
  action,
  what,
  empty,
}: Props<F, T>) {
  const { draft, setDraft, applied, setApplied } = filter;
  const now = useNow();
  const rows = useMemo(() => query.data?.pages.flat() ?? [], [query.data]);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setApplied({ ...draft });
  };
  const reset = () => {
    setDraft(filter.empty);
    setApplied(filter.empty);
  };
  const control = (key: keyof F & string) => ({
    id: `${name}-${key}`,
    value: draft[key],
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [key]: e.target.value })),
    "data-testid": `${name}-filter-${key}`,
  });

  return (
    <div className="log" role="tabpanel" id={`panel-${name}`} aria-labelledby={`tab-${name}`}>
      <form className="filters" onSubmit={apply} data-testid={`${name}-filters`}>
        {fields.map((f) => (
          <div className="field" key={f.key}>
            <label htmlFor={`${name}-${f.key}`}>{f.label}</label>
            {f.type === "select" ? (
              <select {...control(f.key)}>
                <option value="">{f.any}</option>
                {f.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : f.type === "search" ? (
              <>
                <input type="search" list={f.suggest?.listId} placeholder={f.placeholder} autoComplete={f.autoComplete} {...control(f.key)} />
                {f.suggest && (
                  <datalist id={f.suggest.listId}>
                    {f.suggest.values(rows).map((v) => (
                      <option key={v} value={v} />
                    ))}
                  </datalist>
                )}
              </>
            ) : (
              <input type="datetime-local" {...control(f.key)} />
            )}
          </div>
        ))}
        <div className="filters__actions">
          <button type="submit" className="btn btn--primary" data-testid={`${name}-apply`}>
            Apply
          </button>
          {!(isFilterEmpty(draft) && isFilterEmpty(applied)) && (
            <button type="button" className="btn" onClick={reset}>
              Clear
            </button>
          )}
        </div>
      </form>

      {query.isError && (
        <p className="inline-error" role="alert">
          {actionErrorMessage(query.error, action)}
        </p>
      )}
      {!query.data ? (
        !query.isError && <p className="muted">Loading {what}…</p>
      ) : rows.length === 0 ? (
        <p className="empty">{isFilterEmpty(applied) ? empty.all : empty.filtered}</p>
      ) : (
        <>
          <LogTable<T>
            rows={rows}
            testId={`${name}-table`}
            rowTestId={`${name}-row`}
            detail={detail}
            columns={[
              {
                head: "Time",
                className: "cell-time",
                cell: (e) => (
                  <time dateTime={e.at} title={e.at}>
                    {formatTimestamp(e.at, now)}
                  </time>
                ),
              },
              ...columns,
            ]}
          />
          <LoadMore
            hasMore={query.hasNextPage}
            loading={query.isFetchingNextPage}
            onMore={() => void query.fetchNextPage()}
            count={rows.length}
            testId={`${name}-load-more`}
          />
        </>
      )}
    </div>
  );
}

/** The IP column, the same in both logs. */
export function ipColumn<T extends { ip: string | null }>(): Column<T> {
  return { head: "IP", className: "cell-mono", cell: (e) => e.ip ?? <span className="muted">—</span> };
}
