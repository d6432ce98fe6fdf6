import type { ReactNode } from "react";
import { formatAgo, formatTimestamp } from "../lib/format.ts";
import { ScrollBox } from "./ScrollBox.tsx";

type Props = {
  heads: readonly ReactNode[];
  testId?: string;
  /** More classes for the table, after "table". */
  className?: string;
  /** More classes for the scrolling wrapper, after "table-wrap". */
  wrapClassName?: string;
  /** What the table is, for the scrolling region on a narrow screen ("Users"). */
  label?: string;
  /** Shown under the table, inside the wrapper ("No users yet."). */
  after?: ReactNode;
  children: ReactNode;
};

/** A plain table of the dashboard: column heads and rows (each row gives its own test id). */
export function Table({ heads, testId, className, wrapClassName, label = "Table", after, children }: Props) {
  return (
    <ScrollBox label={label} className={wrapClassName ? `table-wrap ${wrapClassName}` : "table-wrap"}>
      <table className={className ? `table ${className}` : "table"} data-testid={testId}>
        <thead>
          <tr>
            {heads.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
      {after}
    </ScrollBox>
  );
}

/** The head of a column of row actions: named for screen readers only. */
export const ACTIONS_HEAD = <span className="sr-only">Actions</span>;

/** A log's time cell: the time, with how long ago under it and the full time on hover. */
export function TimeCell({ iso, now }: { iso: string; now: number }) {
  return (
    <td className="cell-nowrap">
      <time dateTime={iso} title={new Date(iso).toString()}>
        {formatTimestamp(iso, now)}
      </time>
      <span className="cell-note">{formatAgo(iso, now)}</span>
    </td>
  );
}
