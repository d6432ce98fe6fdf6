import { useMemo, useState } from "react";
import type { KeyboardEvent } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { Link, navigate, useSearchParam } from "../../../lib/router.tsx";
import { incidentPath, incidentsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { LoadMore } from "../../../ui/LogTable.tsx";
import { IncidentTable } from "../components/IncidentTable.tsx";
import { NewIncidentForm } from "../components/NewIncidentForm.tsx";
import { FILTER_LABEL, flattenPages } from "../incidents.ts";
import { useIncidentPages, useOpenIncidents } from "../queries.ts";
import { isStatusFilter } from "../types.ts";
import type { Incident, IncidentFilter, StatusFilter } from "../types.ts";

const TABS: StatusFilter[] = ["open", "resolved", "all"];

const EMPTY: Record<StatusFilter, string> = {
  open: "No open incidents. All quiet.",
  resolved: "No resolved incidents yet.",
  all: "No incidents recorded yet.",
};

function IncidentList({ filter }: { filter: IncidentFilter }) {
  const q = useIncidentPages(filter);
  const now = useNow();
  const incidents = useMemo(() => flattenPages(q.data?.pages), [q.data]);

  if (!q.data) {
    return q.isError ? (
      <p className="inline-error" role="alert">
        Could not load incidents: {actionErrorMessage(q.error, "view incidents")}
      </p>
    ) : (
      <p className="muted">Loading incidents…</p>
    );
  }
  return (
    <>
      {q.isError && <p className="inline-error">Refresh failed: {actionErrorMessage(q.error, "view incidents")} — showing the last known list.</p>}
      {incidents.length === 0 ? (
        <p className="empty" data-testid="incidents-empty">
          {filter.target ? `No ${filter.status === "all" ? "" : `${filter.status} `}incidents for ${filter.target}.` : EMPTY[filter.status]}
        </p>
      ) : (
        <>
          <IncidentTable incidents={incidents} now={now} />
          <LoadMore
            hasMore={q.hasNextPage}
            loading={q.isFetchingNextPage}
            onMore={() => void q.fetchNextPage()}
            count={incidents.length}
            testId="incidents-load-more"
            endLabel="end of list"
          />
        </>
      )}
    </>
  );
}

export function IncidentsPage() {
  const allowed = useCan("targets:read");
  return allowed ? <Incidents /> : <Forbidden action="view incidents" />;
}

function Incidents() {
  const canWrite = useCan("incidents:write");
  const param = useSearchParam("status");
  const status: StatusFilter = isStatusFilter(param) ? param : "open";
  const target = useSearchParam("target") || undefined;
  const open = useOpenIncidents();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<Incident | null>(null);
  const filter = useMemo<IncidentFilter>(() => (target ? { status, target } : { status }), [status, target]);

  const select = (t: StatusFilter) => {
    navigate(incidentsPath(t, target), { replace: true });
    document.getElementById(`tab-incidents-${t}`)?.focus();
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.indexOf(status);
    if (e.key === "ArrowRight") select(TABS[(i + 1) % TABS.length]!);
    if (e.key === "ArrowLeft") select(TABS[(i + TABS.length - 1) % TABS.length]!);
  };
  const openCount = open.data?.length;

  return (
    <div className="page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Incidents</h1>
          <p className="muted">Opened by the watchdog when a target goes down, or by hand. Newest first.</p>
        </div>
        {canWrite && (
          <button
            type="button"
            className="btn btn--primary btn--lg"
            aria-expanded={creating}
            onClick={() => {
              setCreating((c) => !c);
              setCreated(null);
            }}
            data-testid="incident-new"
          >
            {creating ? "Close form" : "Open incident"}
          </button>
        )}
      </header>

      {created && (
        <Banner
          tone="info"
          testId="incident-created"
          action={
            <button type="button" className="btn" onClick={() => setCreated(null)}>
              Dismiss
            </button>
          }
        >
          Opened <Link to={incidentPath(created.id)}>{created.key}</Link>: {created.title}
        </Banner>
      )}
      {canWrite && creating && (
        <NewIncidentForm
          onCancel={() => setCreating(false)}
          onCreated={(inc) => {
            setCreating(false);
            setCreated(inc);
            if (status === "resolved") navigate(incidentsPath("open", target), { replace: true });
          }}
        />
      )}

      <div className="tabs" role="tablist" aria-label="Incident status" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            id={`tab-incidents-${t}`}
            aria-selected={status === t}
            aria-controls="panel-incidents"
            tabIndex={status === t ? 0 : -1}
            className="tabs__tab"
            onClick={() => select(t)}
            data-testid={`incidents-tab-${t}`}
          >
            {FILTER_LABEL[t]}
            {t === "open" && openCount != null && <span className={openCount > 0 ? "tabs__n tabs__n--hot" : "tabs__n"}>{openCount}</span>}
          </button>
        ))}
        {target && (
          <span className="tabs__filter" data-testid="incidents-target-filter">
            target <strong>{target}</strong>
            <Link to={incidentsPath(status)} className="tabs__clear" aria-label={`Show incidents for every target`}>
              ×
            </Link>
          </span>
        )}
      </div>
      <section className="card card--flush" role="tabpanel" id="panel-incidents" aria-labelledby={`tab-incidents-${status}`}>
        <IncidentList key={`${status}:${target ?? ""}`} filter={filter} />
      </section>
    </div>
  );
}
