import type { KeyboardEvent } from "react";
import { Link } from "../../../lib/router.tsx";
import { casesPath } from "../../../lib/routes.ts";
import { formatSuccessRate, summarizeActions } from "../cases.ts";
import type { CaseView } from "@ops/contract";
import { ScrollBox } from "../../../ui/ScrollBox.tsx";

type Props = { cases: readonly CaseView[]; selected: string | null; onOpen: (id: string) => void };

export function CasesTable({ cases, selected, onOpen }: Props) {
  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    if (e.target === e.currentTarget && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      onOpen(id);
    }
  };
  return (
    <ScrollBox label="Cases" className="table-wrap">
      <table className="table cases-table" data-testid="cases-table">
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Title</th>
            <th scope="col">Error code</th>
            <th scope="col">Keywords</th>
            <th scope="col">Actions</th>
            <th scope="col">Attempts</th>
            <th scope="col">Success rate</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr
              key={c.id}
              className={c.id === selected ? "case-row is-selected" : "case-row"}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest("a")) return;
                onOpen(c.id);
              }}
              onKeyDown={(e) => onKey(e, c.id)}
              tabIndex={0}
              aria-selected={c.id === selected}
              data-testid={`case-row-${c.id}`}
            >
              <td className="cell-nowrap">
                <Link to={casesPath(c.id)} className="case-key">
                  {c.id}
                </Link>
                {c.builtin && <span className="cell-note">built-in</span>}
              </td>
              <td className="case-title-cell">{c.title}</td>
              <td className="cell-nowrap">
                <code>{c.errorCode}</code>
              </td>
              <td>
                <span className="chips">
                  {c.keywords.map((k) => (
                    <span key={k} className="chip">
                      {k}
                    </span>
                  ))}
                </span>
              </td>
              <td className="case-actions-cell">{summarizeActions(c.actions)}</td>
              <td className="cell-nowrap">{c.attempts}</td>
              <td className="cell-nowrap">{formatSuccessRate(c.successRate, c.successes, c.attempts)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
