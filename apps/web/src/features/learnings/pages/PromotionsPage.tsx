import { useNow } from "../../../lib/clock.ts";
import { Link, navigate, useSearchParam } from "../../../lib/router.tsx";
import { learningPath, postmortemPath, promotionPath, promotionsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { QueryBody, TimeAgo } from "../../../ui/QueryState.tsx";
import { Table } from "../../../ui/Table.tsx";
import { BackToLearnings } from "../components/BackToLearnings.tsx";
import { PromotionDone } from "../components/PromotionDone.tsx";
import { isOneOf, PROMOTION_KIND_LABEL } from "../learnings.ts";
import { usePromotions } from "../queries.ts";
import { PROMOTION_KINDS } from "@ops/contract";
import type { PromotionKind } from "@ops/contract";

export function PromotionsPage() {
  return useCan("targets:read") ? <Promotions /> : <Forbidden action="view promotions" />;
}

function List({ kind }: { kind: PromotionKind | null }) {
  const q = usePromotions(kind);
  const now = useNow();
  const empty = kind ? `Nothing promoted to ${PROMOTION_KIND_LABEL[kind].toLowerCase()} yet.` : "Nothing promoted yet: promote a learning from its page.";
  return (
    <QueryBody query={q} what="promotions" action="view promotions" errorTestId="promotions-error" empty={empty} emptyTestId="promotions-empty">
      {(list) => (
        <Table heads={HEADS} testId="promotions-table">
          {list.map((p) => (
            <tr key={p.id} data-testid={`promotion-row-${p.id}`} data-kind={p.kind} data-done={p.done} className={p.done ? "promo-row--done" : undefined}>
              <td>
                <PromotionDone promotion={p} />
              </td>
              <td className="inc-title-cell">
                <Link to={promotionPath(p.id)} className="inc-title">
                  {p.title}
                </Link>
                {p.postmortemId != null && (
                  <span className="cell-note">
                    <Link to={postmortemPath(p.postmortemId)}>postmortem #{p.postmortemId}</Link>
                  </span>
                )}
              </td>
              <td className="cell-nowrap">{PROMOTION_KIND_LABEL[p.kind]}</td>
              <td className="cell-nowrap">
                <Link to={learningPath(p.learningId)} className="inc-key">
                  {p.learningId}
                </Link>
              </td>
              <td className="cell-clip">{p.createdBy}</td>
              <td className="cell-nowrap">
                <TimeAgo iso={p.createdAt} now={now} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </QueryBody>
  );
}

const HEADS = ["Done", "Title", "Kind", "From", "By", "Created"];

const TABS: (PromotionKind | null)[] = [null, ...PROMOTION_KINDS];

function Promotions() {
  const param = useSearchParam("kind");
  const kind = isOneOf(PROMOTION_KINDS, param) ? param : null;
  return (
    <div className="page" data-testid="promotions-page">
      <BackToLearnings />
      <header className="page__head">
        <h1>Promotions</h1>
        <p className="muted">What learnings became: runbook drafts, automation backlog, capacity notes, handoff items, SLO definitions, postmortems.</p>
      </header>
      <div className="tabs" role="tablist" aria-label="Kind">
        {TABS.map((k) => (
          <button
            key={k ?? "all"}
            type="button"
            role="tab"
            aria-selected={kind === k}
            aria-controls="panel-promotions"
            className="tabs__tab"
            onClick={() => navigate(promotionsPath(k ?? undefined), { replace: true })}
            data-testid={`promotions-tab-${k ?? "all"}`}
          >
            {k ? PROMOTION_KIND_LABEL[k] : "All"}
          </button>
        ))}
      </div>
      <section className="card card--flush" role="tabpanel" id="panel-promotions">
        <List key={kind ?? "all"} kind={kind} />
      </section>
    </div>
  );
}
