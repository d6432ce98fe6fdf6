import { useState } from "react";
import type { SloView } from "@ops/contract";
import { Link, navigate } from "../../../lib/router.tsx";
import { sloPath } from "../../../lib/routes.ts";
import { useCan } from "../../../lib/session.ts";
import { Allowed } from "../../../ui/Fields.tsx";
import { QueryBody } from "../../../ui/QueryState.tsx";
import { Table } from "../../../ui/Table.tsx";
import { AlertBadge } from "../components/AlertBadge.tsx";
import { BudgetBar } from "../components/BudgetBar.tsx";
import { SloForm } from "../components/SloForm.tsx";
import { useCreateSlo, useSlos } from "../queries.ts";
import {
  BURN_WINDOW_NAMES,
  EMPTY_FORM,
  formatBudgetMinutes,
  formatBudgetPercent,
  formatBurnRate,
  formatObjective,
  kindText,
  POLICY_LABEL,
  selectorText,
  sortWorstFirst,
  windowOverThreshold,
  windowText,
} from "../slo.ts";

export function SlosPage() {
  return (
    <Allowed permission="targets:read" action="view SLOs">
      <Slos />
    </Allowed>
  );
}

function Row({ v }: { v: SloView }) {
  const { slo, status } = v;
  const b = status.budget;
  return (
    <tr data-testid={`slo-row-${slo.id}`} data-state={status.policyInForce ? "in-force" : undefined}>
      <th scope="row" className="slo-name">
        <Link to={sloPath(slo.id)}>{slo.name}</Link>
        <span className="cell-note">{selectorText(slo.selector)}</span>
      </th>
      <td className="slo-budget-cell">
        <span className="slo-budget-line">
          <BudgetBar remainingPercent={b.remainingPercent} />
          <span data-testid={`slo-remaining-${slo.id}`}>{formatBudgetPercent(b.remainingPercent)}</span>
        </span>
        <span className="cell-note">
          {b.exhausted ? "exhausted" : `${formatBudgetMinutes(b.remainingMinutes)} of ${formatBudgetMinutes(b.totalMinutes)} left`}
        </span>
      </td>
      <td>
        <AlertBadge status={status} testId={`slo-alert-${slo.id}`} />
      </td>
      <td className="cell-nowrap slo-rates">
        {BURN_WINDOW_NAMES.map((w) => (
          <span key={w} className={windowOverThreshold(status, w) ? "slo-rate slo-rate--hot" : "slo-rate"}>
            <span className="slo-rate__w">{w}</span> {formatBurnRate(status.burnRates[w])}
            {windowOverThreshold(status, w) && (
              <>
                <span aria-hidden="true">↑</span>
                <span className="sr-only"> (at or over an alert threshold)</span>
              </>
            )}
          </span>
        ))}
      </td>
      <td className="cell-nowrap">
        {formatObjective(slo.objectivePercent)}
        <span className="cell-note">
          {kindText(slo)} · {windowText(slo.windowDays)}
        </span>
      </td>
      <td className="cell-nowrap">
        {POLICY_LABEL[slo.policy]}
        {slo.policy !== "none" && <span className="cell-note">{status.policyInForce ? "in force now" : "not in force"}</span>}
      </td>
    </tr>
  );
}

function CreateSlo({ onDone }: { onDone: () => void }) {
  const create = useCreateSlo();
  return (
    <section className="card slo-create" aria-labelledby="slo-create-h">
      <h2 id="slo-create-h">New SLO</h2>
      <SloForm
        initial={EMPTY_FORM}
        submitLabel="Create SLO"
        pending={create.isPending}
        action="create SLOs"
        idPrefix="slo-create"
        onCancel={onDone}
        onSubmit={async (body) => {
          const slo = await create.mutateAsync(body);
          onDone();
          navigate(sloPath(slo.id));
        }}
      />
    </section>
  );
}

function Slos() {
  const q = useSlos();
  const canWrite = useCan("slos:write");
  const [creating, setCreating] = useState(false);
  return (
    <div className="page slo-page" data-testid="slos-page">
      <header className="page__head page__head--actions">
        <div>
          <h1>SLOs</h1>
          <p className="muted">Error budgets and how fast they burn, worst first. Updated every minute.</p>
        </div>
        {canWrite && !creating && (
          <button type="button" className="btn btn--lg btn--primary" onClick={() => setCreating(true)} data-testid="slo-new">
            New SLO
          </button>
        )}
      </header>
      {canWrite && creating && <CreateSlo onDone={() => setCreating(false)} />}
      <div className="card card--flush">
        <QueryBody
          query={q}
          what="SLOs"
          action="view SLOs"
          errorTestId="slos-error"
          empty={
            canWrite
              ? "No SLO yet. Create one with New SLO above (name the targets or a group, an objective such as 99.9 % and a window), or promote a learning to an SLO definition."
              : "No SLO yet. Governance or an admin creates them here with New SLO, or by promoting a learning to an SLO definition."
          }
          emptyTestId="slos-empty"
        >
          {(list) => (
            <Table heads={["SLO", "Budget remaining", "Alerts", "Burn rate", "Objective", "Policy"]} testId="slos-table" className="slo-table">
              {sortWorstFirst(list).map((v) => (
                <Row key={v.slo.id} v={v} />
              ))}
            </Table>
          )}
        </QueryBody>
      </div>
    </div>
  );
}
