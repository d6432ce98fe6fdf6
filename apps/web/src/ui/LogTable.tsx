import { Fragment, useState } from "react";
import type { ReactNode } from "react";
import { ScrollBox } from "./ScrollBox.tsx";

export type Column<T> = { head: string; cell: (row: T) => ReactNode; className?: string };

type Props<T extends { id: string | number }> = {
  rows: readonly T[];
  columns: Column<T>[];
  detail: (row: T) => ReactNode;
  testId: string;
  rowTestId: string;
};

/** A log table whose rows expand in place to show their details. */
export function LogTable<T extends { id: string | number }>({ rows, columns, detail, testId, rowTestId }: Props<T>) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((cur) => {
      const next = new Set(cur);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <ScrollBox label="Log" className="table-wrap">
      <table className="table table--log" data-testid={testId}>
        <thead>
          <tr>
            <th scope="col" className="cell-toggle">
              <span className="sr-only">Details</span>
            </th>
            {columns.map((c) => (
              <th key={c.head} scope="col">
                {c.head}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const id = String(row.id);
            const expanded = open.has(id);
            return (
              <Fragment key={id}>
                <tr className={expanded ? "is-open" : undefined} data-testid={`${rowTestId}-${id}`}>
                  <td className="cell-toggle">
                    <button
                      type="button"
                      className="toggle"
                      aria-expanded={expanded}
                      aria-controls={`${rowTestId}-${id}-detail`}
                      aria-label={expanded ? "Hide details" : "Show details"}
                      onClick={() => toggle(id)}
                    >
                      <span aria-hidden="true">{expanded ? "▾" : "▸"}</span>
                    </button>
                  </td>
                  {columns.map((c) => (
                    <td key={c.head} className={c.className}>
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
                {expanded && (
                  <tr className="detail-row" id={`${rowTestId}-${id}-detail`}>
                    <td />
                    <td colSpan={columns.length}>{detail(row)}</td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </ScrollBox>
  );
}

type LoadMoreProps = { hasMore: boolean; loading: boolean; onMore: () => void; count: number; testId: string; endLabel?: string };

export function LoadMore({ hasMore, loading, onMore, count, testId, endLabel = "end of log" }: LoadMoreProps) {
  return (
    <div className="load-more">
      <span className="muted">
        {count} shown{hasMore ? "" : ` · ${endLabel}`}
      </span>
      {hasMore && (
        <button type="button" className="btn" onClick={onMore} disabled={loading} data-testid={testId}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
