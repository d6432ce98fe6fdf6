import { useState } from "react";
import { actionErrorMessage, ApiError } from "../../../lib/api.ts";
import { Link, navigate } from "../../../lib/router.tsx";
import { postmortemPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { LoadingOrError } from "../../../ui/QueryState.tsx";
import { fetchPostmortems, useCreatePostmortem, usePostmortems } from "../queries.ts";
import { PostmortemStatusBadge } from "./PostmortemBadge.tsx";

/** The incident page's "Postmortem": a link to it, or (for postmortems:write) a button that starts one. */
export function IncidentPostmortem({ incidentId }: { incidentId: number }) {
  const q = usePostmortems({ incident: incidentId }, { limit: 5 });
  const canWrite = useCan("postmortems:write");
  const create = useCreatePostmortem();
  const [error, setError] = useState<string | null>(null);
  const pm = q.data?.[0];

  const write = async () => {
    setError(null);
    try {
      const created = await create.mutateAsync(incidentId);
      navigate(postmortemPath(created.id));
    } catch (err) {
      // One postmortem per incident: someone may have just started it. Go to theirs.
      if (err instanceof ApiError && err.statusCode === 409) {
        try {
          const existing = (await fetchPostmortems({ incident: incidentId }, 1))[0];
          if (existing) {
            navigate(postmortemPath(existing.id));
            return;
          }
        } catch {
          // fall through to the message
        }
      }
      setError(actionErrorMessage(err, "write postmortems"));
    }
  };

  return (
    <section className="card" aria-labelledby="incident-pm-h" data-testid="incident-postmortem">
      <div className="card__head">
        <h2 id="incident-pm-h">Postmortem</h2>
      </div>
      {!q.data ? (
        <LoadingOrError query={q} what="the postmortem" action="view postmortems" />
      ) : pm ? (
        <p className="pm-link-line">
          <Link to={postmortemPath(pm.id)} data-testid="incident-postmortem-link" data-status={pm.status}>
            {pm.opsId} · {pm.title}
          </Link>{" "}
          <PostmortemStatusBadge status={pm.status} size="sm" />
        </p>
      ) : canWrite ? (
        <div className="pm-write">
          <p className="muted">No postmortem yet. It starts with the timeline and impact of this incident.</p>
          <button
            type="button"
            className="btn btn--md btn--primary"
            onClick={() => void write()}
            disabled={create.isPending}
            data-testid="incident-write-postmortem"
          >
            {create.isPending ? "Starting…" : "Write postmortem"}
          </button>
        </div>
      ) : (
        <p className="empty" data-testid="incident-postmortem-none">
          No postmortem has been written for this incident.
        </p>
      )}
      {error && (
        <p className="inline-error" role="alert" data-testid="incident-postmortem-error">
          {error}
        </p>
      )}
    </section>
  );
}
