import { Link } from "../lib/router.tsx";

export function NotFoundPage({ path }: { path: string }) {
  return (
    <div className="panel" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>.
      </p>
      <p>
        <Link to="/">← Back to the board</Link>
      </p>
    </div>
  );
}
