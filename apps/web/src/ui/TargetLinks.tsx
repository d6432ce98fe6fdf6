import { DASH } from "../lib/format.ts";
import { Link } from "../lib/router.tsx";
import { targetPath } from "../lib/routes.ts";

export function TargetLinks({ names, max = 3 }: { names: readonly string[]; max?: number }) {
  if (names.length === 0) return <span className="muted">{DASH}</span>;
  const shown = names.slice(0, max);
  return (
    <span className="inc-targets" title={names.join(", ")}>
      {shown.map((n) => (
        <Link key={n} to={targetPath(n)} className="inc-target">
          {n}
        </Link>
      ))}
      {names.length > shown.length && <span className="muted">+{names.length - shown.length}</span>}
    </span>
  );
}
