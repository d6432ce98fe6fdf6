import { Link } from "../../../lib/router.tsx";
import { sloPath, slosPath } from "../../../lib/routes.ts";
import { useSlos } from "../queries.ts";
import { alertStateOf, ALERT_STATE_LABEL, formatBudgetMinutes, formatBudgetPercent, formatObjective, sortWorstFirst } from "../slo.ts";
import { BudgetBar } from "./BudgetBar.tsx";

/** The target page's card: the SLOs covering this target, worst first, with budget left (no chart library here). */
export default function TargetSlos({ target }: { target: string }) {
  const q = useSlos();
  if (!q.data) return null;
  const covering = sortWorstFirst(q.data.filter((v) => v.status.targets.includes(target)));
  if (covering.length === 0) return null;
  return (
    <section className="card" aria-labelledby="target-slos-h" data-testid="target-slos">
      <div className="card__head">
        <h2 id="target-slos-h">SLOs covering this target</h2>
        <Link to={slosPath()} className="muted">
          All SLOs
        </Link>
      </div>
      <ul className="slo-mini">
        {covering.map(({ slo, status }) => {
          const state = alertStateOf(status);
          return (
            <li key={slo.id} className="slo-mini__item" data-testid={`target-slo-${slo.id}`}>
              <Link to={sloPath(slo.id)} className="slo-mini__name">
                {slo.name}
              </Link>
              <span className="slo-mini__objective muted">{formatObjective(slo.objectivePercent)}</span>
              <BudgetBar remainingPercent={status.budget.remainingPercent} />
              <span className="slo-mini__left">
                {formatBudgetPercent(status.budget.remainingPercent)} left
                <span className="muted"> ({status.budget.exhausted ? "exhausted" : formatBudgetMinutes(status.budget.remainingMinutes)})</span>
              </span>
              {state !== "ok" && <strong className={`slo-mini__alert slo-mini__alert--${state}`}>{ALERT_STATE_LABEL[state]}</strong>}
              {status.policyInForce && <strong className="slo-mini__alert">Policy in force</strong>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
