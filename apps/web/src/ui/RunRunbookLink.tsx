import type { MouseEvent } from "react";
import { Link } from "../lib/router.tsx";
import { runForPath } from "../lib/routes.ts";
import { useCan } from "../lib/session.ts";

type Props = {
  agent?: string | null;
  incident?: number | null;
  testId: string;
  className?: string;
  label?: string;
  title?: string;
};

/** "Run runbook" from a tile, a target or an incident: the catalogue with the context in its query. Only for runbooks:run. */
export function RunRunbookLink({ agent, incident, testId, className = "btn btn--md", label = "Run runbook", title }: Props) {
  const allowed = useCan("runbooks:run");
  if (!allowed) return null;
  // Inside a tile the click must not reach anything that also reacts to it.
  const stop = (e: MouseEvent<HTMLAnchorElement>) => e.stopPropagation();
  return (
    <Link to={runForPath({ agent, incident })} className={className} onClick={stop} data-testid={testId} title={title}>
      {label}
    </Link>
  );
}
