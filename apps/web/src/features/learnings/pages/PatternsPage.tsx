import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { learningPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { Table } from "../../../ui/Table.tsx";
import { BackToLearnings } from "../components/BackToLearnings.tsx";
import { LearningStatusBadge, LearningTypeBadge, PriorityBadge } from "../components/LearningBadges.tsx";
import { seenText } from "../learnings.ts";
import { usePatterns } from "../queries.ts";

export function PatternsPage() {
  return useCan("targets:read") ? <Patterns /> : <Forbidden action="view learnings" />;
}

const HEADS = ["Pattern key", "Count", "First seen", "Last seen", "Learning", "Priority", "Status"];

function Patterns() {
  const q = usePatterns();
  const now = useNow();
  return (
    <div className="page" data-testid="patterns-page">
      <BackToLearnings />
      <header className="page__head">
        <h1>Recurring patterns</h1>
        <p className="muted">Entries that share a pattern key and keep coming back, most recurrent first: candidates for a runbook or automation.</p>
      </header>
      <section className="card card--flush">
        <QueryBody
          query={q}
          what="patterns"
          action="view learnings"
          errorTestId="patterns-error"
          empty="Nothing has recurred yet."
          emptyTestId="patterns-empty"
        >
          {(patterns) => (
            <Table heads={HEADS} testId="patterns-table">
              {patterns.map((p, i) => (
                <tr key={`${p.patternKey}-${p.learningId}`} data-testid={`pattern-row-${i}`} data-pattern={p.patternKey}>
                  <td>
                    <code>{p.patternKey}</code>
                  </td>
                  <td className="cell-nowrap cell-strong" data-testid={`pattern-count-${i}`}>
                    ×{p.recurrenceCount}
                  </td>
                  <td className="cell-nowrap">{seenText(p.firstSeen, now)}</td>
                  <td className="cell-nowrap">{seenText(p.lastSeen, now)}</td>
                  <td className="inc-title-cell">
                    <LearningTypeBadge type={p.type} />{" "}
                    <Link to={learningPath(p.learningId)} className="inc-key" data-testid={`pattern-link-${i}`}>
                      {p.learningId}
                    </Link>
                    <span className="cell-note">{p.heading}</span>
                  </td>
                  <td>
                    <PriorityBadge priority={p.priority} />
                  </td>
                  <td>
                    <LearningStatusBadge status={p.status} />
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </QueryBody>
      </section>
    </div>
  );
}
