import { useNow } from "../../../lib/clock.ts";
import { DASH } from "../../../lib/format.ts";
import { Link, navigate, useSearchParam } from "../../../lib/router.tsx";
import { incidentPath, postmortemPath, postmortemsPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Forbidden } from "../../../ui/Forbidden.tsx";
import { QueryBody, TimeAgo } from "../../../ui/QueryState.tsx";
import { optionsOf, SelectField } from "../../../ui/SelectField.tsx";
import { Table } from "../../../ui/Table.tsx";
import { PostmortemStatusBadge } from "../components/PostmortemBadge.tsx";
import { usePostmortems } from "../queries.ts";
import { POSTMORTEM_STATUSES } from "@ops/contract";
import type { PostmortemSummary } from "@ops/contract";
import { isPostmortemStatus, STATUS_LABEL } from "../postmortems.ts";
import type { PostmortemFilter } from "../postmortems.ts";

const STATUS_OPTIONS = optionsOf(POSTMORTEM_STATUSES, (s) => STATUS_LABEL[s]);

export function PostmortemsPage() {
  return useCan("targets:read") ? <Postmortems /> : <Forbidden action="view postmortems" />;
}

function Row({ pm, now }: { pm: PostmortemSummary; now: number }) {
  return (
    <tr data-testid={`postmortem-row-${pm.id}`} data-status={pm.status}>
      <td className="cell-nowrap">
        <Link to={postmortemPath(pm.id)} className="inc-key">
          {pm.opsId}
        </Link>
      </td>
      <td className="inc-title-cell">
        <Link to={postmortemPath(pm.id)} className="inc-title">
          {pm.title}
        </Link>
        <span className="cell-note">v{pm.version}</span>
      </td>
      <td>
        <PostmortemStatusBadge status={pm.status} size="sm" />
      </td>
      <td className="cell-nowrap">
        {pm.incidentId != null ? (
          <Link to={incidentPath(pm.incidentId)}>{pm.incidentKey ?? `INC-${pm.incidentId}`}</Link>
        ) : (
          <span className="muted">{DASH}</span>
        )}
      </td>
      <td className="cell-clip" title={pm.updatedBy}>
        {pm.updatedBy}
      </td>
      <td className="cell-nowrap">
        <TimeAgo iso={pm.updatedAt} now={now} />
      </td>
    </tr>
  );
}

const HEADS = ["OPS id", "Title", "Status", "Incident", "Updated by", "Updated"];

function List({ filter }: { filter: PostmortemFilter }) {
  const q = usePostmortems(filter);
  const now = useNow();
  const empty = filter.status || filter.incident != null ? "No postmortems match this filter." : "No postmortems yet: write one from an incident's page.";
  return (
    <QueryBody query={q} what="postmortems" action="view postmortems" errorTestId="postmortems-error" empty={empty} emptyTestId="postmortems-empty">
      {(list) => (
        <Table heads={HEADS} testId="postmortems-table">
          {list.map((pm) => (
            <Row key={pm.id} pm={pm} now={now} />
          ))}
        </Table>
      )}
    </QueryBody>
  );
}

function Postmortems() {
  const statusParam = useSearchParam("status");
  const incidentParam = useSearchParam("incident") ?? "";
  const filter: PostmortemFilter = {};
  if (isPostmortemStatus(statusParam)) filter.status = statusParam;
  if (/^\d{1,15}$/.test(incidentParam)) filter.incident = Number(incidentParam);

  return (
    <div className="page" data-testid="postmortems-page">
      <header className="page__head">
        <h1>Postmortems</h1>
        <p className="muted">Blameless write-ups of incidents: draft, review, publish. Newest first.</p>
      </header>
      <div className="filters" role="search" aria-label="Filter postmortems">
        <SelectField
          id="pm-filter-status"
          label="Status"
          value={filter.status ?? ""}
          options={STATUS_OPTIONS}
          empty="All"
          onChange={(v) => navigate(postmortemsPath({ status: v || undefined, incident: filter.incident }), { replace: true })}
        />
        {filter.incident != null && (
          <span className="tabs__filter">
            <Link to={incidentPath(filter.incident)}>incident #{filter.incident}</Link>
            <Link to={postmortemsPath({ status: filter.status })} className="tabs__clear" aria-label="Show postmortems of every incident">
              ×
            </Link>
          </span>
        )}
      </div>
      <section className="card card--flush">
        <List key={`${filter.status ?? ""}:${filter.incident ?? ""}`} filter={filter} />
      </section>
    </div>
  );
}
