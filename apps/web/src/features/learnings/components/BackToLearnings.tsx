import { Link } from "../../../lib/router.tsx";
import { learningsPath } from "../../../lib/routes.ts";

export function BackToLearnings() {
  return (
    <Link to={learningsPath()} className="back" data-testid="back-link">
      ← Learnings
    </Link>
  );
}
