import { useState } from "react";
import { actionErrorMessage, isVersionConflict } from "../../../lib/api.ts";
import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { incidentPath, learningPath, promotionPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { Markdown } from "../../../ui/Markdown.tsx";
import { RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { SelectField } from "../../../ui/SelectField.tsx";
import { BackToLearnings } from "../components/BackToLearnings.tsx";
import { LearningStatusBadge, LearningTypeBadge, PriorityBadge, Recurrence } from "../components/LearningBadges.tsx";
import {
  asLearningStatus,
  asPriority,
  evidenceText,
  isOneOf,
  PROMOTION_KIND_LABEL,
  promotionTarget,
  seenText,
  slugs,
  TYPE_LABEL,
  words,
  learningTitle,
} from "../learnings.ts";
import { PRIORITY_OPTIONS, PROMOTE_OPTIONS, STATUS_OPTIONS } from "../options.ts";
import { useLearning, usePromoteLearning, useUpdateLearning } from "../queries.ts";
import { PROMOTION_TARGETS } from "@ops/contract";
import type { LearningView, PromotionTarget } from "@ops/contract";

export function LearningPage({ id }: { id: string }) {
  return useCan("targets:read") ? <LearningDetail id={id} /> : <Forbidden action="view learnings" />;
}

function LearningDetail({ id }: { id: string }) {
  const q = useLearning(id);
  const canWrite = useCan("postmortems:write");
  const now = useNow();
  if (!q.data) {
    const testIds = { notFound: "lrn-not-found", error: "lrn-load-error" };
    return <RecordLoadState query={q} noun="learning" action="view learnings" testIds={testIds} back={<BackToLearnings />} loading={`Loading ${id}…`} />;
  }
  const l = q.data;
  const sectionSlugs = slugs(l.sections.map((s) => s.title));
  const evidence = evidenceText(l.evidence);
  const facts = [...l.fields, ...l.metadata];

  return (
    <div className="target lrn-page" data-testid="lrn-page" data-status={l.status}>
      <BackToLearnings />
      <header className={`record-head lrn-head lrn-head--${l.priority}`}>
        <div className="run-head__main">
          <div className="run-head__badges">
            <span className="run-head__id" data-testid="lrn-id">
              {l.id}
            </span>
            <LearningTypeBadge type={l.type} testId="lrn-type" />
            <PriorityBadge priority={l.priority} size="md" testId="lrn-priority-badge" />
            <LearningStatusBadge status={l.status} testId="lrn-status-badge" />
            <Recurrence count={l.recurrenceCount} testId="lrn-recurrence" />
          </div>
          <h1 className="run-head__title" data-testid="lrn-heading">
            {learningTitle(l)}
          </h1>
          {learningTitle(l) !== l.heading && (
            <p className="muted" data-testid="lrn-file-heading">
              In the .learnings file as <code>{l.heading}</code>
            </p>
          )}
          {l.summary && <p className="lrn-head__summary">{l.summary}</p>}
          <p className="muted">
            {TYPE_LABEL[l.type]}
            {l.area && ` · ${words(l.area)}`}
            {l.category && ` · ${words(l.category)}`}
            {l.severity && ` · severity ${l.severity}`} · logged <TimeAgo iso={l.loggedAt} now={now} />
            {l.source && ` from ${l.source}`}
            {l.patternKey && (
              <>
                {" "}
                · pattern <code>{l.patternKey}</code>
              </>
            )}
            {l.recurrenceCount > 1 && ` · seen ${l.recurrenceCount} times, ${seenText(l.firstSeen, now)} – ${seenText(l.lastSeen, now)}`}
          </p>
          {l.promotedTo && (
            <p data-testid="lrn-promoted-to">
              Promoted to {l.promotedTo.kind}: <Link to={promotionPath(l.promotedTo.id)}>{l.promotedTo.title || `#${l.promotedTo.id}`}</Link>
            </p>
          )}
          <RefreshFailed query={q} action="view learnings" />
        </div>
      </header>

      <div className="target-grid">
        <div className="target-grid__main">
          {l.sections.length === 0 ? (
            <section className="card">
              <p className="empty">This entry has no sections.</p>
            </section>
          ) : (
            l.sections.map((s, i) => (
              <section
                key={sectionSlugs[i]}
                className="card lrn-section"
                aria-labelledby={`lrn-h-${sectionSlugs[i]}`}
                data-testid={`lrn-section-${sectionSlugs[i]}`}
              >
                <h2 id={`lrn-h-${sectionSlugs[i]}`}>{s.title}</h2>
                <Markdown text={s.body} />
              </section>
            ))
          )}
          {evidence != null && (
            <section className="card" aria-labelledby="lrn-evidence-h">
              <h2 id="lrn-evidence-h">Evidence</h2>
              <pre className="code-block lrn-pre" data-testid="lrn-evidence">
                {evidence}
              </pre>
            </section>
          )}
          <section className="card">
            <details>
              <summary>
                <h2 className="lrn-inline-h">Entry in .learnings format</h2>
              </summary>
              <pre className="code-block lrn-pre" data-testid="lrn-markdown">
                {l.markdown}
              </pre>
            </details>
          </section>
        </div>
        <aside className="target-grid__side">
          {canWrite && <EditCard key={l.version} learning={l} onReload={() => void q.refetch()} />}
          <section className="card" aria-labelledby="lrn-meta-h">
            <h2 id="lrn-meta-h">Metadata</h2>
            {facts.length === 0 ? (
              <p className="muted">None.</p>
            ) : (
              <dl className="kv" data-testid="lrn-metadata">
                {facts.map((kv, i) => (
                  <div key={`${kv.key}-${i}`} className="kv__row">
                    <dt>{kv.key}</dt>
                    <dd>{kv.value}</dd>
                  </div>
                ))}
              </dl>
            )}
          </section>
          <section className="card" aria-labelledby="lrn-see-h">
            <h2 id="lrn-see-h">See also</h2>
            {l.seeAlso.length === 0 && l.incidentIds.length === 0 ? (
              <p className="muted">Nothing linked.</p>
            ) : (
              <ul className="lrn-links" data-testid="lrn-see-also">
                {l.seeAlso.map((other) => (
                  <li key={other}>
                    <Link to={learningPath(other)}>{other}</Link>
                  </li>
                ))}
                {l.incidentIds.map((inc) => (
                  <li key={`inc-${inc}`}>
                    <Link to={incidentPath(inc)}>INC-{inc}</Link>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {canWrite && <PromotePanel id={l.id} />}
        </aside>
      </div>
    </div>
  );
}

/** Status and priority; remounted (reset) whenever a new version of the learning arrives. */
function EditCard({ learning, onReload }: { learning: LearningView; onReload: () => void }) {
  const [status, setStatus] = useState(learning.status);
  const [priority, setPriority] = useState(learning.priority);
  const update = useUpdateLearning(learning.id);
  const dirty = status !== learning.status || priority !== learning.priority;
  const conflict = isVersionConflict(update.error);

  return (
    <section className="card" aria-labelledby="lrn-edit-h" data-testid="lrn-edit">
      <h2 id="lrn-edit-h">Triage</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({
            version: learning.version,
            ...(status !== learning.status ? { status } : {}),
            ...(priority !== learning.priority ? { priority } : {}),
          });
        }}
      >
        <div className="form__row">
          <SelectField id="lrn-status" label="Status" value={status} options={STATUS_OPTIONS} onChange={(v) => setStatus(asLearningStatus(v))} />
          <SelectField id="lrn-priority" label="Priority" value={priority} options={PRIORITY_OPTIONS} onChange={(v) => setPriority(asPriority(v))} />
        </div>
        {update.isError && (
          <div className="form-error" role="alert" data-testid="lrn-edit-error">
            {actionErrorMessage(update.error, "triage learnings")}{" "}
            {conflict && (
              <button type="button" className="btn" onClick={onReload} data-testid="lrn-reload">
                Load the newer version
              </button>
            )}
          </div>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={!dirty || update.isPending} data-testid="lrn-save">
            {update.isPending ? "Saving…" : "Save"}
          </button>
        </div>
      </form>
    </section>
  );
}

function PromotePanel({ id }: { id: string }) {
  const [to, setTo] = useState<PromotionTarget>("runbook");
  const [title, setTitle] = useState("");
  const [notes, setNotes] = useState("");
  const promote = usePromoteLearning(id);
  const done = promote.data?.promotion;

  return (
    <section className="card" aria-labelledby="lrn-promote-h" data-testid="lrn-promote">
      <h2 id="lrn-promote-h">Promote</h2>
      <p className="muted">Turn this entry into something the team acts on.</p>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          promote.mutate({ to, ...(title.trim() ? { title: title.trim() } : {}), ...(notes.trim() ? { notes: notes.trim() } : {}) });
        }}
      >
        <SelectField id="lrn-promote-to" label="Into" value={to} options={PROMOTE_OPTIONS} onChange={(v) => isOneOf(PROMOTION_TARGETS, v) && setTo(v)} />
        <div className="field">
          <label htmlFor="lrn-promote-title">Title (optional)</label>
          <input id="lrn-promote-title" type="text" value={title} onChange={(e) => setTitle(e.target.value)} data-testid="lrn-promote-title" />
        </div>
        <div className="field">
          <label htmlFor="lrn-promote-notes">Notes (optional)</label>
          <textarea id="lrn-promote-notes" rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="lrn-promote-notes" />
        </div>
        {promote.isError && (
          <p className="form-error" role="alert" data-testid="lrn-promote-error">
            {actionErrorMessage(promote.error, "promote learnings")}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="btn btn--primary" disabled={promote.isPending} data-testid="lrn-promote-submit">
            {promote.isPending ? "Promoting…" : "Promote"}
          </button>
        </div>
        {done && (
          <p className="pm-saved" role="status" data-testid="lrn-promoted">
            Became a {PROMOTION_KIND_LABEL[done.kind]}:{" "}
            <Link to={promotionTarget(done)} data-testid="lrn-promoted-link">
              {done.title}
            </Link>
          </p>
        )}
      </form>
    </section>
  );
}
