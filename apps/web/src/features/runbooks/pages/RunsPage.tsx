import { useMemo } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { Link, navigate, searchOf, useHref } from "../../../lib/router.tsx";
import { incidentPath, runbooksPath, runsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { useTargets } from "../../../lib/targets-query.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { LoadMore } from "../../../ui/LogTable.tsx";
import { RunsTable } from "../components/RunsTable.tsx";
import { useRunbooks, useRunPages } from "../queries.ts";
import { flattenRunPages, isRunStatus, RUN_STATUS_LABEL, RUN_STATUSES } from "../runbooks.ts";
import type { RunFilter } from "../runbooks.ts";

export function RunsPage() {
  return useCan("targets:read") ? <Runs /> : <Forbidden action="view runbook runs" />;
}

/** The filter from the URL: /runs?status=failed&runbook=restart-agent&target=steward&incident=4. */
function useFilter(): RunFilter {
  const search = searchOf(useHref());
  return useMemo(() => {
    const q = new URLSearchParams(search);
    const status = q.get("status");
    const inc = q.get("incident") ?? "";
    const f: RunFilter = {};
    if (isRunStatus(status)) f.status = status;
    if (q.get("runbook")) f.runbook = q.get("runbook")!;
    if (q.get("target")) f.target = q.get("target")!;
    if (/^\d{1,15}$/.test(inc)) f.incident = Number(inc);
    return f;
  }, [search]);
}

function RunList({ filter }: { filter: RunFilter }) {
  const q = useRunPages(filter);
  const now = useNow();
  const runs = useMemo(() => flattenRunPages(q.data?.pages), [q.data]);
  const filtered = Boolean(filter.status || filter.runbook || filter.target || filter.incident != null);

  if (!q.data) {
    return q.isError ? (
      <p className="inline-error" role="alert" data-testid="runs-error">
        Could not load runs: {actionErrorMessage(q.error, "view runbook runs")}
      </p>
    ) : (
      <p className="muted">Loading runs…</p>
    );
  }
  return (
    <>
      {q.isError && <p className="inline-error">Refresh failed: {actionErrorMessage(q.error, "view runbook runs")} — showing the last known list.</p>}
      {runs.length === 0 ? (
        <p className="empty" data-testid="runs-empty">
          {filtered ? "No runs match these filters." : "No runbook has been run yet."}
        </p>
      ) : (
        <>
          <RunsTable runs={runs} now={now} />
          <LoadMore
            hasMore={q.hasNextPage}
            loading={q.isFetchingNextPage}
            onMore={() => void q.fetchNextPage()}
            count={runs.length}
            testId="runs-load-more"
            endLabel="end of history"
          />
        </>
      )}
    </>
  );
}

function Runs() {
  const filter = useFilter();
  const runbooks = useRunbooks();
  const targets = useTargets();
  const set = (patch: Partial<Record<keyof RunFilter, string>>) => {
    const next = { ...filter, ...patch };
    navigate(
      runsPath({
        status: next.status || undefined,
        runbook: next.runbook || undefined,
        target: next.target || undefined,
        incident: next.incident === undefined || next.incident === "" ? undefined : Number(next.incident),
      }),
      { replace: true },
    );
  };
  // A filter value the lists do not know (an old runbook, a removed target) stays selectable.
  const runbookIds = (runbooks.data ?? []).map((r) => r.id);
  const targetNames = (targets.data ?? []).map((t) => t.name);

  return (
    <div className="page" data-testid="runs-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Runs</h1>
          <p className="muted">Every runbook run, newest first.</p>
        </div>
        <Link to={runbooksPath()} className="btn btn--lg">
          Runbooks
        </Link>
      </header>
      <div className="filters" role="search" aria-label="Filter runs">
        <div className="field">
          <label htmlFor="runs-filter-status">Status</label>
          <select id="runs-filter-status" value={filter.status ?? ""} onChange={(e) => set({ status: e.target.value })} data-testid="runs-filter-status">
            <option value="">All</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {RUN_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--wide">
          <label htmlFor="runs-filter-runbook">Runbook</label>
          <select id="runs-filter-runbook" value={filter.runbook ?? ""} onChange={(e) => set({ runbook: e.target.value })} data-testid="runs-filter-runbook">
            <option value="">All runbooks</option>
            {filter.runbook && !runbookIds.includes(filter.runbook) && <option value={filter.runbook}>{filter.runbook}</option>}
            {(runbooks.data ?? []).map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="runs-filter-target">Target</label>
          <select id="runs-filter-target" value={filter.target ?? ""} onChange={(e) => set({ target: e.target.value })} data-testid="runs-filter-target">
            <option value="">All targets</option>
            {filter.target && !targetNames.includes(filter.target) && <option value={filter.target}>{filter.target}</option>}
            {(targets.data ?? []).map((t) => (
              <option key={t.name} value={t.name}>
                {t.displayName}
              </option>
            ))}
          </select>
        </div>
        {filter.incident != null && (
          <span className="tabs__filter" data-testid="runs-incident-filter">
            <Link to={incidentPath(filter.incident)}>incident #{filter.incident}</Link>
            <button type="button" className="tabs__clear btn--plain" aria-label="Show runs for every incident" onClick={() => set({ incident: "" })}>
              ×
            </button>
          </span>
        )}
      </div>
      <section className="card card--flush">
        <RunList key={JSON.stringify(filter)} filter={filter} />
      </section>
    </div>
  );
}
