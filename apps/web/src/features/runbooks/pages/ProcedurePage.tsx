import type { BudgetRequirement, Plan, ProcedureView, RunbookView, StartRunBody } from "@ops/contract";
import { useMemo, useState } from "react";
import type { FormEvent } from "react";
import { actionErrorMessage, ApiError, fieldErrorMessage } from "../../../lib/api.ts";
import { Link, navigate, searchOf, useHref } from "../../../lib/router.tsx";
import { incidentPath, runbooksPath, runPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { useTargets } from "../../../lib/targets-query.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { InlineCode } from "../../../ui/InlineCode.tsx";
import { ParamField } from "../components/ParamField.tsx";
import { PlanList } from "../components/PlanList.tsx";
import { RunbookSeverityBadge } from "../components/RunBadges.tsx";
import { usePlanPreview, useRunbook, useStartRun } from "../queries.ts";
import { paramOfField, prefillParams, ROLE_LABEL, runContext, toParamValues } from "../runbooks.ts";
import type { FormValues } from "../runbooks.ts";

function BackLink({ search }: { search: string }) {
  return (
    <Link to={runbooksPath(search)} className="back" data-testid="back-link">
      ← Runbooks
    </Link>
  );
}

export function ProcedurePage({ runbookId, procedureId }: { runbookId: string; procedureId: string }) {
  return useCan("targets:read") ? <ProcedureLoader runbookId={runbookId} procedureId={procedureId} /> : <Forbidden action="view runbooks" />;
}

function ProcedureLoader({ runbookId, procedureId }: { runbookId: string; procedureId: string }) {
  const q = useRunbook(runbookId);
  const search = searchOf(useHref());

  if (!q.data) {
    const notFound = q.error instanceof ApiError && q.error.isNotFound;
    return (
      <div className="target">
        <BackLink search={search} />
        {q.isError ? (
          <div className={notFound ? "panel" : "panel panel--error"} data-testid={notFound ? "runbook-not-found" : "runbook-error"}>
            <h1>{notFound ? "No such runbook" : "Could not load this runbook"}</h1>
            <p>{actionErrorMessage(q.error, "view runbooks")}</p>
          </div>
        ) : (
          <p className="muted">Loading runbook {runbookId}…</p>
        )}
      </div>
    );
  }
  const proc = q.data.procedures.find((p) => p.id === procedureId);
  if (!proc) {
    return (
      <div className="target">
        <BackLink search={search} />
        <div className="panel" data-testid="procedure-not-found">
          <h1>No such procedure</h1>
          <p>
            {q.data.title} has no procedure <code>{procedureId}</code>.
          </p>
        </div>
      </div>
    );
  }
  return <RunForm key={`${q.data.id}/${proc.id}`} runbook={q.data} proc={proc} search={search} />;
}

type Preview = { plan: Plan; budget: BudgetRequirement; key: string };

function RunForm({ runbook, proc, search }: { runbook: RunbookView; proc: ProcedureView; search: string }) {
  const canRun = useCan("runbooks:run");
  const mayRun = canRun && proc.allowed;
  const targets = useTargets();
  const ctx = useMemo(() => runContext(search), [search]);
  const [values, setValues] = useState<FormValues>(() => prefillParams(proc.parameters, search, targets.data));
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [budgetConfirmed, setBudgetConfirmed] = useState(false);
  const [typed, setTyped] = useState("");
  const dryRun = usePlanPreview();
  const start = useStartRun();

  const params = useMemo(() => toParamValues(proc.parameters, values), [proc.parameters, values]);
  const key = JSON.stringify(params);
  const stale = preview !== null && preview.key !== key;
  const fresh = preview !== null && !stale ? preview.plan : null;
  const confirmation = proc.confirmation;
  const phrase = confirmation.type === "typed" ? (fresh?.confirmationPhrase ?? confirmation.phrase) : null;
  const confirmGiven =
    confirmation.type === "none" ? true : confirmation.type === "confirm" ? confirmed : fresh !== null && phrase !== null && typed === phrase;
  const busy = dryRun.isPending || start.isPending;
  // The error-budget policy (issue 16): `approval` blocks until governance lifts it; `confirm` adds a second checkbox.
  const budget = preview !== null && !stale ? preview.budget : null;
  const budgetBlocks = budget?.required === "approval";
  const budgetGiven = budget?.required !== "confirm" || budgetConfirmed;
  const canStart = mayRun && fresh !== null && confirmGiven && budgetGiven && !budgetBlocks && !busy;

  const apiError = error instanceof ApiError ? error : null;
  const badParam = paramOfField(apiError?.field);
  const confirmError = apiError?.field === "confirmation" ? fieldErrorMessage(apiError) : null;

  const body: Omit<StartRunBody, "dryRun"> = {
    runbook: runbook.id,
    procedure: proc.id,
    params,
    ...(ctx.incident != null ? { incidentId: ctx.incident } : {}),
  };

  const runPreview = (e?: FormEvent<HTMLFormElement>) => {
    e?.preventDefault();
    if (!mayRun || busy) return;
    setError(null);
    dryRun.mutate(body, {
      onSuccess: ({ plan, budget }) => setPreview({ plan, budget, key }),
      onError: (err) => {
        setPreview(null);
        setError(err);
      },
    });
  };

  const runStart = () => {
    if (!canStart) return;
    setError(null);
    const confirm = confirmation.type === "confirm" ? { confirm: true } : confirmation.type === "typed" ? { confirmation: typed } : {};
    start.mutate(
      { ...body, ...confirm, ...(budget?.required === "confirm" ? { budgetConfirmed: true } : {}) },
      { onSuccess: (run) => navigate(runPath(run.id)), onError: (err) => setError(err) },
    );
  };

  const waitingFor = !fresh
    ? stale
      ? "The parameters changed: preview the plan again."
      : "Preview the plan first."
    : budgetBlocks
      ? "The error-budget policy needs a governance approval first."
      : !confirmGiven
        ? confirmation.type === "typed"
          ? `Type “${phrase}” to confirm.`
          : "Tick “I have read the plan” to confirm."
        : !budgetGiven
          ? "Tick the error-budget confirmation."
          : null;

  return (
    <div className="target runbook-run" data-testid="procedure-page">
      <BackLink search={search} />
      <header className={`rb-head${proc.destructive ? " rb-head--destructive" : ""}`}>
        <div className="rb-head__line">
          <span className="rb-head__runbook" data-testid="procedure-runbook">
            {runbook.title}
          </span>
          <span className="rb-version">v{runbook.version}</span>
          <RunbookSeverityBadge severity={runbook.severity} />
        </div>
        <h1 data-testid="procedure-title">{proc.title}</h1>
        <p className="rb-head__desc" data-testid="procedure-description">
          <InlineCode text={proc.description} />
        </p>
        <p className="rb-head__meta">
          <span data-testid="procedure-role">
            Needs the <strong>{ROLE_LABEL[proc.role]}</strong> role{proc.role !== "admin" ? " (or admin)" : ""}
          </span>
          <span className="muted">
            {" "}
            · {proc.stepCount} step{proc.stepCount === 1 ? "" : "s"}
          </span>
          {ctx.incident != null && (
            <span data-testid="run-incident">
              {" "}
              · for <Link to={incidentPath(ctx.incident)}>incident #{ctx.incident}</Link>
            </span>
          )}
        </p>
      </header>

      {proc.destructive && (
        <Banner tone="warning" testId="procedure-destructive">
          <strong>Destructive.</strong> This procedure changes or removes things that cannot simply be put back. Read the plan before running it.
        </Banner>
      )}
      {!canRun ? (
        <Banner tone="info" testId="run-readonly">
          You can read this procedure but not run it: running runbooks needs the on-call or admin role.
        </Banner>
      ) : (
        !proc.allowed && (
          <Banner tone="info" testId="run-readonly">
            This procedure needs the {ROLE_LABEL[proc.role]} role, which you don't have: you can read it but not run it.
          </Banner>
        )
      )}

      <section className="card" aria-labelledby="params-h">
        <h2 id="params-h">Parameters</h2>
        <form className="form" onSubmit={runPreview} noValidate data-testid="run-form">
          {error != null && (
            <p className="form-error" role="alert" data-testid="run-error">
              {apiError ? apiError.message : actionErrorMessage(error, "run runbooks")}
            </p>
          )}
          <fieldset className="rb-fields" disabled={!mayRun}>
            <legend className="sr-only">Parameters of {proc.title}</legend>
            {proc.parameters.length === 0 ? (
              <p className="muted">This procedure takes no parameters.</p>
            ) : (
              proc.parameters.map((spec) => (
                <ParamField
                  key={spec.name}
                  spec={spec}
                  value={values[spec.name] ?? ""}
                  onChange={(v) => setValues((cur) => ({ ...cur, [spec.name]: v }))}
                  targets={targets.data}
                  error={badParam === spec.name && apiError ? fieldErrorMessage(apiError) : null}
                />
              ))
            )}
          </fieldset>
          {mayRun && (
            <div className="form__actions">
              <button type="submit" className="btn btn--lg" disabled={busy} data-testid="plan-preview">
                {dryRun.isPending ? "Planning…" : fresh ? "Preview again" : "Preview plan"}
              </button>
              <span className="muted">A dry run: nothing is changed.</span>
            </div>
          )}
        </form>
      </section>

      {preview && <PlanList plan={preview.plan} stale={stale} />}
      {budget && budget.required !== "none" && (
        <Banner tone="warning" testId="run-budget">
          <strong>{budget.required === "approval" ? "Blocked by the error-budget policy." : "Error budget policy."}</strong> {budget.sentence}
          {budget.required === "approval" && " Lifting the policy early is a governance decision (the SLO's page)."}
        </Banner>
      )}

      {mayRun && (
        <section className={`card run-confirm${proc.destructive ? " run-confirm--destructive" : ""}`} aria-labelledby="confirm-h">
          <h2 id="confirm-h">Run</h2>
          {confirmation.type === "confirm" && (
            <label className="check run-confirm__check">
              <input type="checkbox" id="confirm-check" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="confirm-check" />
              <span>I have read the plan</span>
            </label>
          )}
          {budget?.required === "confirm" && (
            <label className="check run-confirm__check">
              <input
                type="checkbox"
                id="budget-check"
                checked={budgetConfirmed}
                onChange={(e) => setBudgetConfirmed(e.target.checked)}
                data-testid="budget-check"
              />
              <span>I accept spending more of an error budget that is exhausted or burning fast</span>
            </label>
          )}
          {confirmation.type === "typed" && (
            <div className="field run-confirm__typed">
              <label htmlFor="confirm-phrase">
                Type <code className="run-confirm__phrase">{phrase}</code> to confirm
              </label>
              <input
                id="confirm-phrase"
                type="text"
                autoComplete="off"
                spellCheck={false}
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    runStart();
                  }
                }}
                aria-invalid={confirmError ? true : undefined}
                aria-describedby={confirmError ? "confirm-phrase-error" : undefined}
                data-testid="confirm-phrase"
              />
              {!fresh && <p className="field__hint">The exact phrase is shown once the plan is previewed.</p>}
            </div>
          )}
          {confirmError && (
            <p className="field__error" id="confirm-phrase-error" data-testid="confirm-error">
              {confirmError}
            </p>
          )}
          <div className="form__actions run-confirm__actions">
            <button
              type="button"
              className={`btn btn--lg ${proc.destructive ? "btn--danger" : "btn--primary"}`}
              disabled={!canStart}
              onClick={runStart}
              data-testid="run-start"
            >
              {start.isPending ? "Starting…" : "Run"}
            </button>
            {waitingFor && <span className="muted">{waitingFor}</span>}
          </div>
        </section>
      )}
    </div>
  );
}
