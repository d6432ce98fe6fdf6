import { PROPOSAL_STATUSES, ProposalStatus } from "@ops/contract";
import type { ProposalSummary } from "@ops/contract";
import { useNow } from "../../../lib/clock.ts";
import { formatDay } from "../../../lib/format.ts";
import { Link, navigate, useSearchParam } from "../../../lib/router.tsx";
import { proposalPath, proposalsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Allowed } from "../../../ui/Fields.tsx";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { Table } from "../../../ui/Table.tsx";
import { CategoryBadge, ProposalStateBadge } from "../components/ProposalBadges.tsx";
import { countdownText, describeChange, tallyText } from "../governance.ts";
import { EVENTS_EXPORT_HREF, useProposals } from "../queries.ts";
import type { ProposalFilter } from "../governance.ts";

const HEADS = ["Proposal", "Category", "Status", "Time left", "Tally", "Deadline"];
const STATUS_OPTIONS = optionsOf(PROPOSAL_STATUSES, (s) => (s === "open" ? "Open" : "Closed"));

export function ProposalsPage() {
  return (
    <Allowed permission="targets:read" action="view proposals">
      <Proposals />
    </Allowed>
  );
}

function Row({ p, now }: { p: ProposalSummary; now: number }) {
  const open = p.status === "open";
  return (
    <tr data-testid={`proposal-row-${p.id}`} data-status={p.status} data-outcome={p.outcome ?? ""}>
      <td className="inc-title-cell">
        <Link to={proposalPath(p.id)} className="inc-title" data-testid={`proposal-title-${p.id}`}>
          <span className="inc-key">#{p.id}</span> {p.title}
        </Link>
        {p.change && <span className="gov-row-change muted">{describeChange(p.change)}</span>}
      </td>
      <td className="cell-nowrap">
        <CategoryBadge category={p.category} size="sm" />
      </td>
      <td className="cell-nowrap">
        <ProposalStateBadge p={p} size="sm" testId={`proposal-state-${p.id}`} />
      </td>
      <td className="cell-nowrap">
        {open ? (
          <span className="run-elapsed run-elapsed--live" data-testid={`proposal-countdown-${p.id}`}>
            {countdownText(p, now)}
          </span>
        ) : (
          <span className="muted">closed</span>
        )}
      </td>
      <td className="cell-nowrap" data-testid={`proposal-tally-${p.id}`}>
        {tallyText(p.tally)}
      </td>
      <td className="cell-nowrap cell-time" title={new Date(p.deadline).toString()}>
        <time dateTime={p.deadline}>{formatDay(p.deadline, now)}</time>
      </td>
    </tr>
  );
}

function List({ filter }: { filter: ProposalFilter }) {
  const q = useProposals(filter);
  // Summaries carry no server time: the countdowns use the clock the live stream keeps in step with the server.
  const now = useNow();
  const empty = filter.status ? `No ${filter.status} proposals.` : "No proposals yet.";
  return (
    <QueryBody query={q} what="proposals" action="view proposals" errorTestId="proposals-error" empty={empty} emptyTestId="proposals-empty">
      {(list) => (
        <Table heads={HEADS} testId="proposals-table">
          {list.map((p) => (
            <Row key={p.id} p={p} now={now} />
          ))}
        </Table>
      )}
    </QueryBody>
  );
}

function Proposals() {
  const canWrite = useCan("proposals:write");
  const statusParam = useSearchParam("status");
  const status = ProposalStatus.safeParse(statusParam);
  const filter: ProposalFilter = status.success ? { status: status.data } : {};

  return (
    <div className="page" data-testid="proposals-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>Governance</h1>
          <p className="muted">Proposals the collective votes on: open ones first, soonest deadline first.</p>
        </div>
        <div className="gov-actions">
          <a href={EVENTS_EXPORT_HREF} download className="btn btn--lg" data-testid="governance-export" title="The whole governance log as JSON lines">
            Export log
          </a>
          {canWrite && (
            <Link to={proposalPath("new")} className="btn btn--lg btn--primary" data-testid="proposal-new">
              New proposal
            </Link>
          )}
        </div>
      </header>
      <div className="filters" role="search" aria-label="Filter proposals">
        <SelectField
          id="proposals-filter-status"
          label="Status"
          value={filter.status ?? ""}
          options={STATUS_OPTIONS}
          empty="All"
          onChange={(v) => navigate(proposalsPath(v || undefined), { replace: true })}
        />
      </div>
      <section className="card card--flush">
        <List key={filter.status ?? ""} filter={filter} />
      </section>
    </div>
  );
}
