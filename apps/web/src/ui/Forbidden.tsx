import { Link } from "../lib/router.tsx";

export function Forbidden({ action }: { action: string }) {
  return (
    <div className="panel" data-testid="forbidden" role="alert">
      <h1>Not available</h1>
      <p>You don't have permission to {action}.</p>
      <p className="muted">
        Ask an admin if you need it. <Link to="/">Back to the board</Link>
      </p>
    </div>
  );
}
