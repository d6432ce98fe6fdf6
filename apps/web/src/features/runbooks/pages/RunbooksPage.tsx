import type { RunbookView } from "@ops/contract";
import { useMemo, useState } from "react";
import { actionErrorMessage } from "../../../lib/api.ts";
import { Link, searchOf, useHref } from "../../../lib/router.tsx";
import { incidentPath, procedurePath, runbooksPath, runsPath, targetPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Banner } from "../../../ui/Banner.tsx";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { InlineCode } from "../../../ui/InlineCode.tsx";
import { RunbookSeverityBadge } from "../components/RunBadges.tsx";
import { useRunbooks } from "../queries.ts";
import { filterRunbooks, proceduresForTarget, roleNote, runContext } from "../runbooks.ts";
import type { RunContext, TargetOffer } from "../runbooks.ts";
import { useTargets } from "../../../lib/targets-query.ts";

export function RunbooksPage() {
  return useCan("targets:read") ? <Catalogue /> : <Forbidden action="view runbooks" />;
}

function ContextBanner({ ctx }: { ctx: RunContext }) {
  const who = ctx.agent ?? ctx.target;
  if (!who && ctx.incident == null) return null;
  return (
    <Banner
      tone="info"
      testId="runbooks-context"
      action={
        <Link to={runbooksPath()} className="btn" data-testid="runbooks-context-clear">
          Clear
        </Link>
      }
    >
      Running for {who && <Link to={targetPath(who)}>{who}</Link>}
      {who && ctx.incident != null && " / "}
      {ctx.incident != null && <Link to={incidentPath(ctx.incident)}>incident #{ctx.incident}</Link>}
      <span className="muted"> — the procedure you pick starts with this filled in.</span>
    </Banner>
  );
}

function RunbookCard({ rb, search, canRun }: { rb: RunbookView; search: string; canRun: boolean }) {
  return (
    <article className="card rb-card" data-testid={`runbook-${rb.id}`} aria-labelledby={`rb-title-${rb.id}`}>
      <div className="rb-card__head">
        <h2 id={`rb-title-${rb.id}`} className="rb-card__title">
          {rb.title}
        </h2>
        <span className="rb-version" data-testid={`rb-version-${rb.id}`}>
          v{rb.version}
        </span>
        <RunbookSeverityBadge severity={rb.severity} testId={`rb-severity-${rb.id}`} />
      </div>
      <p className="rb-card__desc">
        <InlineCode text={rb.description} />
      </p>
      {rb.tags.length > 0 && (
        <ul className="rb-tags" aria-label="Tags">
          {rb.tags.map((t) => (
            <li key={t} className="rb-tag">
              {t}
            </li>
          ))}
        </ul>
      )}
      <ul className="rb-procs" aria-label={`Procedures of ${rb.title}`}>
        {rb.procedures.map((p) => {
          const locked = !canRun || !p.allowed;
          return (
            <li key={p.id}>
              <Link
                to={procedurePath(rb.id, p.id, search)}
                className={`rb-proc${locked ? " rb-proc--locked" : ""}${p.destructive ? " rb-proc--destructive" : ""}`}
                data-testid={`procedure-${rb.id}-${p.id}`}
                data-allowed={p.allowed}
                title={p.description}
              >
                <span className="rb-proc__title">{p.title}</span>
                <span className="rb-proc__meta">
                  {p.destructive && <span className="tag tag--danger">destructive</span>}
                  {!p.allowed && <span className="tag tag--soft">{roleNote(p)}</span>}
                  <span className="muted">
                    {p.stepCount} step{p.stepCount === 1 ? "" : "s"}
                  </span>
                  <span className="rb-proc__go" aria-hidden="true">
                    {locked ? "view →" : "run →"}
                  </span>
                </span>
              </Link>
            </li>
          );
        })}
      </ul>
    </article>
  );
}

/** From a tile: the procedures that act on this target, the one for its state first; the catalogue follows below. */
function ForTarget({ name, runbooks, search, canRun }: { name: string; runbooks: readonly RunbookView[]; search: string; canRun: boolean }) {
  const targets = useTargets();
  const target = targets.data?.find((t) => t.name === name);
  const offers = useMemo(() => (target ? proceduresForTarget(runbooks, target) : []), [runbooks, target]);
  if (!target || offers.length === 0) return null;
  return (
    <section className="card rb-for" aria-labelledby="rb-for-h" data-testid="runbooks-for-target" data-status={target.status}>
      <div className="card__head">
        <h2 id="rb-for-h">For {target.displayName || target.name}</h2>
        <span className="muted">
          {target.status} · {offers.length} procedure{offers.length === 1 ? "" : "s"} act on it
        </span>
      </div>
      <ul className="rb-procs" aria-label={`Procedures for ${target.name}`}>
        {offers.map((o) => (
          <OfferItem key={`${o.runbook.id}/${o.procedure.id}`} offer={o} status={target.status} search={search} canRun={canRun} />
        ))}
      </ul>
    </section>
  );
}

function OfferItem({ offer, status, search, canRun }: { offer: TargetOffer; status: string; search: string; canRun: boolean }) {
  const { runbook: rb, procedure: p } = offer;
  const locked = !canRun || !p.allowed;
  return (
    <li>
      <Link
        to={procedurePath(rb.id, p.id, search)}
        className={`rb-proc${locked ? " rb-proc--locked" : ""}${p.destructive ? " rb-proc--destructive" : ""}`}
        data-testid={`offer-${rb.id}-${p.id}`}
        data-suggested={offer.suggested}
        title={p.description}
      >
        <span className="rb-proc__title">
          {p.title} <span className="muted">· {rb.title}</span>
        </span>
        <span className="rb-proc__meta">
          {offer.suggested && <span className="tag tag--ok">suggested when {status}</span>}
          {p.destructive && <span className="tag tag--danger">destructive</span>}
          {!p.allowed && <span className="tag tag--soft">{roleNote(p)}</span>}
          <span className="rb-proc__go" aria-hidden="true">
            {locked ? "view →" : "run →"}
          </span>
        </span>
      </Link>
    </li>
  );
}

function Catalogue() {
  const q = useRunbooks();
  const canRun = useCan("runbooks:run");
  const search = searchOf(useHref());
  const ctx = useMemo(() => runContext(search), [search]);
  const [text, setText] = useState("");
  const shown = useMemo(() => filterRunbooks(q.data ?? [], text), [q.data, text]);

  return (
    <div className="page" data-testid="runbooks-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Runbooks</h1>
          <p className="muted">Versioned procedures for the fleet: preview the plan, confirm, and follow each step live.</p>
        </div>
        <Link to={runsPath()} className="btn btn--lg">
          Run history
        </Link>
      </header>
      <ContextBanner ctx={ctx} />
      {!canRun && (
        <p className="muted" data-testid="runbooks-readonly">
          You can read the runbooks; running them needs the on-call or admin role.
        </p>
      )}
      <div className="rb-search field">
        <label htmlFor="runbook-search" className="sr-only">
          Search runbooks
        </label>
        <input
          id="runbook-search"
          type="search"
          placeholder="Search by title, description, tag or procedure…"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
          data-testid="runbook-search"
        />
      </div>
      {!q.data ? (
        q.isError ? (
          <p className="inline-error" role="alert" data-testid="runbooks-error">
            Could not load the runbooks: {actionErrorMessage(q.error, "view runbooks")}
          </p>
        ) : (
          <p className="muted">Loading runbooks…</p>
        )
      ) : q.data.length === 0 ? (
        <p className="empty" data-testid="runbooks-empty">
          No runbooks are configured.
        </p>
      ) : shown.length === 0 ? (
        <p className="empty" data-testid="runbooks-empty">
          No runbook matches “{text.trim()}”.
        </p>
      ) : (
        <>
          {(ctx.agent ?? ctx.target) && !text.trim() && <ForTarget name={(ctx.agent ?? ctx.target)!} runbooks={q.data} search={search} canRun={canRun} />}
          {(ctx.agent ?? ctx.target) && !text.trim() && <h2 className="rb-all-h">Every runbook</h2>}
          <div className="rb-grid">
            {shown.map((rb) => (
              <RunbookCard key={rb.id} rb={rb} search={search} canRun={canRun} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
