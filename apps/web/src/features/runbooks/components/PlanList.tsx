import type { Plan } from "@ops/contract";
import { describeAction } from "../runbooks.ts";

/** The resolved plan of a dry run, in order: what each step will do, in words. */
export function PlanList({ plan, stale }: { plan: Plan; stale: boolean }) {
  return (
    <section className={stale ? "plan is-stale" : "plan"} aria-labelledby="plan-h" data-testid="plan">
      <div className="card__head">
        <h2 id="plan-h">Plan</h2>
        <span className="muted">
          {plan.steps.length} step{plan.steps.length === 1 ? "" : "s"}
          {plan.targets.length > 0 && ` · acts on ${plan.targets.join(", ")}`}
        </span>
      </div>
      {stale && (
        <p className="plan__stale" role="status" data-testid="plan-stale">
          The parameters changed since this preview: preview the plan again before running.
        </p>
      )}
      {plan.steps.length === 0 ? (
        <p className="empty">This plan has no steps (nothing matched).</p>
      ) : (
        <ol className="plan__list">
          {plan.steps.map((s) => (
            <li key={`${s.index}-${s.key}`} className="plan__step" data-testid={`plan-step-${s.index}`}>
              <span className="plan__n">{s.index + 1}</span>
              <div className="plan__body">
                <span className="plan__title">{s.title}</span>
                <code className="plan__action">{describeAction(s.action)}</code>
                <span className="plan__flags">
                  {s.onFailure === "continue" && <span className="tag tag--soft">continues on failure</span>}
                  {!s.retrySafe && s.action.type !== "manual" && (
                    <span className="tag tag--soft" title="If the worker stops during this step, a person decides whether to repeat it">
                      not repeated automatically
                    </span>
                  )}
                  {s.action.type === "manual" && <span className="tag tag--human">a person does this</span>}
                </span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
