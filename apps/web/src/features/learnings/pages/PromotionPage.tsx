import { useNow } from "../../../lib/clock.ts";
import { Link } from "../../../lib/router.tsx";
import { learningPath, postmortemPath, promotionsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { Markdown } from "../../../ui/Markdown.tsx";
import { RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { PromotionDone } from "../components/PromotionDone.tsx";
import { evidenceText, PROMOTION_KIND_LABEL, runbookDraftId } from "../learnings.ts";
import { usePromotion } from "../queries.ts";

function BackLink() {
  return (
    <Link to={promotionsPath()} className="back" data-testid="back-link">
      ← Promotions
    </Link>
  );
}

export function PromotionPage({ id }: { id: number }) {
  return useCan("targets:read") ? <PromotionDetail id={id} /> : <Forbidden action="view promotions" />;
}

function PromotionDetail({ id }: { id: number }) {
  const q = usePromotion(id);
  const now = useNow();
  if (!q.data) {
    const testIds = { notFound: "promotion-not-found", error: "promotion-load-error" };
    return <RecordLoadState query={q} noun="promotion" action="view promotions" testIds={testIds} back={<BackLink />} loading={`Loading promotion #${id}…`} />;
  }
  const p = q.data;
  const payload = p.kind === "runbook-draft" ? evidenceText(p.payload) : null;
  return (
    <div className="target promo-page" data-testid="promotion-page" data-kind={p.kind}>
      <BackLink />
      <header className="record-head promo-head">
        <div className="run-head__main">
          <div className="run-head__badges">
            <span className="run-head__id">#{p.id}</span>
            <span className="tag tag--soft" data-testid="promotion-kind">
              {PROMOTION_KIND_LABEL[p.kind]}
            </span>
            <PromotionDone promotion={p} />
          </div>
          <h1 className="run-head__title" data-testid="promotion-title">
            {p.title}
          </h1>
          <p className="muted">
            From{" "}
            <Link to={learningPath(p.learningId)} data-testid="promotion-learning">
              {p.learningId}
            </Link>{" "}
            · by {p.createdBy} <TimeAgo iso={p.createdAt} now={now} />
            {p.postmortemId != null && (
              <>
                {" "}
                · became{" "}
                <Link to={postmortemPath(p.postmortemId)} data-testid="promotion-postmortem">
                  postmortem #{p.postmortemId}
                </Link>
              </>
            )}
          </p>
          <RefreshFailed query={q} action="view promotions" />
        </div>
      </header>
      <section className="card">
        <Markdown text={p.body || "_No text._"} testId="promotion-body" />
      </section>
      {payload != null && (
        <section className="card" aria-labelledby="promotion-payload-h">
          <h2 id="promotion-payload-h">Runbook definition (draft)</h2>
          <p className="promo-note" data-testid="promotion-payload-note">
            Review it, save it as <code>config/runbooks/{runbookDraftId(p.payload)}.json</code>, run <code>npm run ops -- config check</code>.
          </p>
          {/* Long JSON lines scroll inside the block: it takes the focus so the keyboard can scroll it too. */}
          <pre className="code-block lrn-pre" data-testid="promotion-payload" tabIndex={0} role="region" aria-label="Runbook definition">
            {payload}
          </pre>
        </section>
      )}
    </div>
  );
}
