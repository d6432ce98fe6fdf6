import type { RunView } from "@ops/contract";
import { useState } from "react";
import type { ReactNode } from "react";
import { actionErrorMessage, errorMessage } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { DASH, formatAgo, formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath, procedurePath, runsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { TargetLinks } from "../../../ui/TargetLinks.tsx";
import { useReturnFocus } from "../../../ui/useReturnFocus.ts";
import { RunStatusBadge } from "../components/RunBadges.tsx";
import { StepList } from "../components/StepList.tsx";
import { useCancelRun, useContinueRun, useRun } from "../queries.ts";
import { formatElapsed, formatParam, isActive, outcomeText, progressLabel, rerunSearch, runElapsed } from "../runbooks.ts";

function BackLink() {
  return (
    <Link to={runsPath()} className="back" data-testid="back-link">
      ← Runs
    </Link>
  );
}

export function RunPage({ id }: { id: number }) {
  return useCan("targets:read") ? <RunDetail id={id} /> : <Forbidden action="view runbook runs" />;
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="inc-facts__item">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function When({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <>{DASH}</>;
  return (
    <>
      <time dateTime={iso} title={new Date(iso).toString()}>
        {formatTimestamp(iso, now)}
      </time>{" "}
      <span className="muted">({formatAgo(iso, now)})</span>
    </>
  );
}

function CancelControl({ run, onError }: { run: RunView; onError: (message: string | null) => void }) {
  const cancel = useCancelRun(run.id);
  const [asking, setAsking] = useState(false);
  const opener = useReturnFocus(asking);
  if (!asking) {
    return (
      <button
        ref={opener}
        type="button"
        className="btn btn--md"
        disabled={cancel.isPending}
        onClick={() => {
          onError(null);
          setAsking(true);
        }}
        data-testid="run-cancel"
      >
        {cancel.isPending ? "Cancelling…" : "Cancel run"}
      </button>
    );
  }
  return (
    <span className="confirm run-cancel-ask" role="group" aria-label="Cancel run?" onKeyDown={(e) => e.key === "Escape" && setAsking(false)}>
      <span className="confirm__q">Cancel run?</span>
      <button
        type="button"
        className="btn btn--md btn--danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          cancel.mutate(undefined, { onError: (err) => onError(actionErrorMessage(err, "cancel runs")) });
        }}
        data-testid="run-cancel-confirm"
      >
        Yes, cancel
      </button>
      <button type="button" className="btn btn--md" onClick={() => setAsking(false)} data-testid="run-cancel-no">
        No
      </button>
    </span>
  );
}

function RunDetail({ id }: { id: number }) {
  const q = useRun(id);
  const now = useNow();
  const canRun = useCan("runbooks:run");
  const decide = useContinueRun(id);
  const [actionError, setActionError] = useState<string | null>(null);

  if (!q.data) {
    const testIds = { notFound: "run-not-found", error: "run-load-error" };
    return <RecordLoadState query={q} noun="run" action="view runbook runs" testIds={testIds} back={<BackLink />} loading={`Loading run #${id}…`} />;
  }

  const run = q.data;
  const active = isActive(run.status);
  const params = Object.entries(run.params);
  return (
    <div className="target run-page" data-testid="run-page" data-status={run.status}>
      <BackLink />
      <header className={`record-head run-head run-head--${run.status}`}>
        <div className="run-head__main">
          <div className="run-head__badges">
            <span className="run-head__id">Run #{run.id}</span>
            <RunStatusBadge status={run.status} size="lg" testId="run-status" warnings={run.warnings} />
            <span className="rb-version" data-testid="run-version">
              v{run.runbookVersion}
            </span>
            <span className={`run-elapsed${active ? " run-elapsed--live" : ""}`} title={active ? "Elapsed so far" : "Took"} data-testid="run-elapsed">
              {formatElapsed(runElapsed(run, now))}
            </span>
          </div>
          <h1 className="run-head__title" data-testid="run-title">
            <span className="run-head__runbook">{run.runbookTitle}</span>
            <span className="run-head__arrow" aria-label="procedure">
              {" "}
              →{" "}
            </span>
            <span>{run.procedureTitle}</span>
          </h1>
          <p className="run-head__by">
            Started by <strong data-testid="run-started-by">{run.startedBy}</strong> · {progressLabel(run)}
            {run.incidentId != null && (
              <>
                {" "}
                · for{" "}
                <Link to={incidentPath(run.incidentId)} data-testid="run-incident">
                  incident #{run.incidentId}
                </Link>
              </>
            )}
          </p>
          {q.isError && <p className="inline-error">Refresh failed: {errorMessage(q.error)} — showing the last known state.</p>}
        </div>
        <div className="inc-actions">
          <div className="inc-actions__buttons">
            {canRun && active && !run.cancelRequested && <CancelControl run={run} onError={setActionError} />}
            {canRun && !active && (
              <Link to={procedurePath(run.runbookId, run.procedureId, rerunSearch(run))} className="btn btn--md" data-testid="run-again">
                Run again…
              </Link>
            )}
          </div>
          {actionError && (
            <p className="inline-error" role="alert" data-testid="run-action-error">
              {actionError}
            </p>
          )}
        </div>
      </header>

      {run.cancelRequested && active && (
        <Banner tone="warning" testId="run-cancel-requested">
          Cancel requested: the run stops as soon as the current step ends.
        </Banner>
      )}
      {run.error && (
        <Banner tone="error" testId="run-failure">
          {run.error}
        </Banner>
      )}
      {run.warnings.length > 0 && (
        <Banner tone="warning" testId="run-warnings">
          <strong>{outcomeText(run)}</strong>: {run.warnings.length === 1 ? "a step" : "steps"} that may fail without failing the run (
          <code>onFailure: continue</code>) did.
          <ul className="run-warnings">
            {run.warnings.map((w, i) => (
              <li key={i} data-testid="run-warning">
                {w}
              </li>
            ))}
          </ul>
        </Banner>
      )}

      <div className="target-grid">
        <div className="target-grid__main">
          <section className="card" aria-labelledby="steps-h">
            <div className="card__head">
              <h2 id="steps-h">Steps</h2>
              <span className="muted">
                {run.doneSteps} of {run.stepCount} done{active ? " · live" : ""}
              </span>
            </div>
            <StepList
              steps={run.steps}
              now={now}
              canDecide={canRun && active}
              deciding={decide.isPending}
              onDecide={(index, decision) => {
                setActionError(null);
                decide.mutate({ index, decision }, { onError: (err) => setActionError(actionErrorMessage(err, "continue runs")) });
              }}
            />
          </section>
        </div>
        <aside className="target-grid__side">
          <section className="card" aria-labelledby="run-facts-h">
            <h2 id="run-facts-h">Run</h2>
            <dl className="inc-facts">
              <Fact label="Runbook">
                <code>{run.runbookId}</code> v{run.runbookVersion}
              </Fact>
              <Fact label="Procedure">
                <code>{run.procedureId}</code>
              </Fact>
              <Fact label="Created">
                <When iso={run.createdAt} now={now} />
              </Fact>
              <Fact label="Started" testId="run-started-at">
                <When iso={run.startedAt} now={now} />
              </Fact>
              <Fact label="Finished" testId="run-finished-at">
                <When iso={run.finishedAt} now={now} />
              </Fact>
              <Fact label="Targets" testId="run-targets">
                <TargetLinks names={run.targets} max={12} />
              </Fact>
            </dl>
          </section>
          <section className="card" aria-labelledby="run-params-h">
            <h2 id="run-params-h">Parameters</h2>
            {params.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <dl className="kv" data-testid="run-params">
                {params.map(([k, v]) => (
                  <div key={k} className="kv__row" data-testid={`run-param-${k}`}>
                    <dt>{k}</dt>
                    <dd>
                      <code>{formatParam(v)}</code>
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
