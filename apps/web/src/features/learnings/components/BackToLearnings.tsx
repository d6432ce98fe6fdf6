import { Link } from "../../../app/router.tsx";
import { learningsPath } from "../../../app/routes.ts";

export function BackToLearnings() {
  return (
    <Link to={learningsPath()} className="back" data-testid="back-link">
      ← Learnings
    </Link>
  );
}
