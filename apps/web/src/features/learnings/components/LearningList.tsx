import { Link } from "../../../lib/router.tsx";
import { learningPath } from "../../../lib/routes.ts";
import type { LearningSummary } from "@ops/contract";
import { learningTitle } from "../learnings.ts";
import { LearningStatusBadge, LearningTypeBadge, PriorityBadge, Recurrence } from "./LearningBadges.tsx";

/** A compact list of learnings (an incident's, the handoff's): id, type, heading, priority, status. */
export function LearningList({ learnings, testId }: { learnings: readonly LearningSummary[]; testId: string }) {
  return (
    <ul className="inc-mini">
      {learnings.map((l) => (
        <li key={l.id} className="inc-mini__item" data-testid={`${testId}-${l.id}`}>
          <div className="inc-mini__line">
            <Link to={learningPath(l.id)} className="inc-key">
              {l.id}
            </Link>
            <LearningTypeBadge type={l.type} />
            <PriorityBadge priority={l.priority} />
            <LearningStatusBadge status={l.status} />
            <Recurrence count={l.recurrenceCount} />
          </div>
          <Link to={learningPath(l.id)} className="inc-mini__title">
            {learningTitle(l)}
          </Link>
        </li>
      ))}
    </ul>
  );
}
