import type { ReactNode } from "react";
import { useClientNow } from "../../../lib/clock.ts";
import { formatTimestamp } from "../../../lib/format.ts";
import { Link } from "../../../lib/router.tsx";
import { proposalsPath } from "../../../lib/routes.ts";
import { useCan, useSession } from "../../../lib/session.ts";
import { ConfirmButton } from "../../../ui/ConfirmButton.tsx";
import { ActionError, Allowed, Card } from "../../../ui/Fields.tsx";
import { Markdown } from "../../../ui/Markdown.tsx";
import { RefreshFailed, TimeAgo } from "../../../ui/QueryState.tsx";
import { RecordLoadState } from "../../../ui/RecordLoadState.tsx";
import { ChangeBox } from "../components/ChangeBox.tsx";
import { CategoryBadge, ProposalStateBadge } from "../components/ProposalBadges.tsx";
import { ProposalEvents } from "../components/ProposalEvents.tsx";
import { RequiredReviews, ReviewForm } from "../components/ReviewPanel.tsx";
import { TallyBars } from "../components/TallyBars.tsx";
import { VotePanel } from "../components/VotePanel.tsx";
import { VoterList } from "../components/VoterList.tsx";
import { canWithdraw, CATEGORY_LABEL, countdownText, OUTCOME_LABEL, remainingMs, serverNowOf, thresholdText, yesNeeded } from "../governance.ts";
import { EVENTS_EXPORT_HREF, useProposal, useWithdraw } from "../queries.ts";
import type { Proposal } from "../governance.ts";

const BACK = (
  <Link to={proposalsPath()} className="back" data-testid="back-link">
    ← Proposals
  </Link>
);

export function ProposalPage({ id }: { id: number }) {
  return (
    <Allowed permission="targets:read" action="view proposals">
      <ProposalLoader id={id} />
    </Allowed>
  );
}

function ProposalLoader({ id }: { id: number }) {
  const q = useProposal(id);
  if (!q.data) {
    const testIds = { notFound: "prop-not-found", error: "prop-load-error" };
    return <RecordLoadState query={q} noun="proposal" action="view proposals" testIds={testIds} back={BACK} loading={`Loading proposal #${id}…`} />;
  }
  return <ProposalDetail p={q.data} refresh={<RefreshFailed query={q} action="view proposals" />} />;
}

function WithdrawControl({ p }: { p: Proposal }) {
  const withdraw = useWithdraw(p.id);
  return (
    <>
      <ConfirmButton
        label="Withdraw"
        question="Withdraw this proposal? Voting ends at once."
        confirmLabel="Yes, withdraw"
        danger
        pending={withdraw.isPending}
        onConfirm={() => withdraw.mutate()}
        testId="prop-withdraw"
      />
      <ActionError mutation={withdraw} action="withdraw this proposal" testId="prop-withdraw-error" />
    </>
  );
}

function ProposalDetail({ p, refresh }: { p: Proposal; refresh: ReactNode }) {
  const session = useSession();
  const canCast = useCan("votes:cast");
  const canWrite = useCan("proposals:write");
  // Everything on this page reads the server's clock, by the offset measured when the proposal was fetched.
  const now = serverNowOf(p, useClientNow());
  const open = p.status === "open";
  const overdue = open && remainingMs(p, now) === 0;
  const needed = p.yesNeeded || yesNeeded(p.threshold, p.tally.eligible);
  const state = open ? "open" : (p.outcome ?? "closed");

  return (
    <div className="target gov-page" data-testid="prop-page" data-status={p.status}>
      {BACK}
      <header className={`record-head gov-head gov-head--${state}`}>
        <div className="run-head__main">
          <div className="run-head__badges">
            <span className="run-head__id">Proposal #{p.id}</span>
            <ProposalStateBadge p={p} size="lg" testId="prop-status" />
            <CategoryBadge category={p.category} size="lg" testId="prop-category" />
            <span
              className={`run-elapsed gov-countdown${open ? " run-elapsed--live" : ""}${overdue ? " gov-countdown--over" : ""}`}
              title={`Deadline ${new Date(p.deadline).toString()}`}
            >
              <span className="muted">{open ? "closes in" : ""}</span> <strong data-testid="prop-countdown">{countdownText(p, now)}</strong>
            </span>
          </div>
          <h1 className="run-head__title" data-testid="prop-title">
            {p.title}
          </h1>
          <p className="run-head__by">
            Opened by <strong data-testid="prop-author">{p.author}</strong> <TimeAgo iso={p.openedAt} now={now} /> · deadline{" "}
            <time dateTime={p.deadline} data-testid="prop-deadline">
              {formatTimestamp(p.deadline, now)}
            </time>
            {p.closedAt && <> · closed {formatTimestamp(p.closedAt, now)}</>}
          </p>
          <p className="gov-rule">
            <span data-testid="prop-threshold">{thresholdText(p.threshold, needed, p.tally.eligible)}</span>
            <span className="muted"> · {CATEGORY_LABEL[p.category]} decision</span>
            {p.participationQuorum > 0 && <span className="muted"> · participation quorum {Math.round(p.participationQuorum * 100)} %</span>}
          </p>
          {refresh}
        </div>
        <div className="inc-actions">
          <div className="inc-actions__buttons">{canWithdraw(p, session.user, canWrite) && <WithdrawControl p={p} />}</div>
        </div>
      </header>

      {!open && (
        <div className={`gov-outcome gov-outcome--${state}`} data-testid="prop-outcome" data-outcome={p.outcome ?? ""} role="status">
          <strong>{p.outcome ? OUTCOME_LABEL[p.outcome] : "closed"}</strong>
          {p.outcomeReason && <span data-testid="prop-outcome-reason"> — {p.outcomeReason}</span>}
        </div>
      )}

      <div className="target-grid">
        <div className="target-grid__main">
          <Card
            id="gov-vote"
            title="Vote"
            aside={<span className="muted">{`${p.tally.yes + p.tally.no + p.tally.abstain} of ${p.tally.eligible} voted${open ? " · live" : ""}`}</span>}
          >
            <TallyBars tally={p.tally} needed={needed} />
            <VotePanel p={p} canCast={canCast} overdue={overdue} />
          </Card>
          <Card id="gov-desc" title="Description">
            {p.description.trim() ? (
              <Markdown text={p.description} testId="prop-description" />
            ) : (
              <p className="muted" data-testid="prop-description">
                No description.
              </p>
            )}
          </Card>
          <Card
            id="gov-log"
            title="Governance log"
            testId="prop-events"
            aside={
              <a href={`${EVENTS_EXPORT_HREF}?proposal=${p.id}`} download className="btn btn--sm gov-card-head__end" data-testid="prop-events-export">
                Export .log
              </a>
            }
          >
            <ProposalEvents id={p.id} open={open} now={now} />
          </Card>
        </div>
        <aside className="target-grid__side">
          <Card id="gov-change" title="Change">
            <ChangeBox p={p} now={now} />
          </Card>
          <Card id="gov-reviews" title="Required reviews">
            <RequiredReviews p={p} now={now} />
            <ReviewForm key={p.me.duties.join(",")} p={p} canCast={canCast} overdue={overdue} />
          </Card>
          <Card id="gov-members" title="Eligible members">
            {open && !p.ballotsVisible && <p className="muted">Ballots stay secret until the close: you see who has voted, not how.</p>}
            <VoterList p={p} />
          </Card>
        </aside>
      </div>
    </div>
  );
}
