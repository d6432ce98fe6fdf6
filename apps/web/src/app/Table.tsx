import type { ReactNode } from "react";

/** A plain table of the dashboard: column heads and rows (each row gives its own test id). */
export function Table({ heads, testId, className, children }: { heads: readonly ReactNode[]; testId?: string; className?: string; children: ReactNode }) {
  return (
    <div className="table-wrap">
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
    </div>
  );
}
