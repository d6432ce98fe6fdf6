import { Link } from "../../../lib/router.tsx";
import { learningsPath } from "../../../lib/routes.ts";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { useLearnings } from "../queries.ts";
import { LearningList } from "./LearningList.tsx";

/** The incident page's "Learnings": entries linked to this incident. */
export function IncidentLearnings({ incidentId }: { incidentId: number }) {
  const q = useLearnings({ incident: incidentId }, 20);
  return (
    <section className="card" aria-labelledby="incident-lrn-h" data-testid="incident-learnings">
      <div className="card__head">
        <h2 id="incident-lrn-h">Learnings</h2>
        <Link to={learningsPath({ incident: incidentId })} className="card__link">
          All learnings →
        </Link>
      </div>
      <QueryBody query={q} what="learnings" action="view learnings" empty="No learnings are linked to this incident." emptyTestId="incident-learnings-empty">
        {(list) => <LearningList learnings={list} testId="incident-learning" />}
      </QueryBody>
    </section>
  );
}
