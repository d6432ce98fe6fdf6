import { BURN_WINDOW_NAMES, type SloView } from "@ops/contract";
import type { MetricFamily, Sample } from "./exposition.ts";

/**
 * Error budget and burn-rate series of every SLO, from the same status GET /api/slos answers with (core/slo's
 * listSlos). Labelled by slo_id (stable) and slo (its name, for people) and kind.
 */
export function sloFamilies(views: readonly SloView[]): MetricFamily[] {
  const per = (value: (v: SloView) => number | null, extra?: (v: SloView) => Sample[]): Sample[] =>
    views.flatMap((v) => {
      if (extra) return extra(v);
      const n = value(v);
      return n === null ? [] : [{ labels: { slo_id: String(v.slo.id), slo: v.slo.name, kind: v.slo.kind }, value: n }];
    });
  const labels = (v: SloView) => ({ slo_id: String(v.slo.id), slo: v.slo.name, kind: v.slo.kind });
  return [
    {
      name: "openclaw_ops_slo_objective_ratio",
      type: "gauge",
      help: "The SLO's objective as a ratio (99.9 % → 0.999).",
      samples: per((v) => v.slo.objectivePercent / 100),
    },
    {
      name: "openclaw_ops_slo_sli_ratio",
      type: "gauge",
      help: "Good over valid probes across the SLO's window (absent while no probe was valid).",
      samples: per((v) => v.status.sli),
    },
    {
      name: "openclaw_ops_slo_error_budget_total_minutes",
      type: "gauge",
      help: "The error budget of the window in minutes (99.9 % over 30 days: 43.2).",
      samples: per((v) => v.status.budget.totalMinutes),
    },
    {
      name: "openclaw_ops_slo_error_budget_remaining_minutes",
      type: "gauge",
      help: "Error budget left in the window, in minutes (negative when overspent).",
      samples: per((v) => v.status.budget.remainingMinutes),
    },
    {
      name: "openclaw_ops_slo_error_budget_remaining_ratio",
      type: "gauge",
      help: "Error budget left in the window as a ratio of the whole (1: untouched, 0: exhausted).",
      samples: per((v) => v.status.budget.remainingPercent / 100),
    },
    {
      name: "openclaw_ops_slo_burn_rate",
      type: "gauge",
      help: "How fast the budget burns over each window: 1 spends exactly the budget over the SLO window, 14.4 spends 2 % of 30 days' budget in an hour.",
      samples: per(
        () => null,
        (v) => BURN_WINDOW_NAMES.map((window) => ({ labels: { ...labels(v), window }, value: v.status.burnRates[window] })),
      ),
    },
    {
      name: "openclaw_ops_slo_alert_firing",
      type: "gauge",
      help: "The console's own multi-window burn-rate alerts (page-fast 14.4× 1h+5m, page-slow 6× 6h+30m, ticket 1× 3d): 1 while firing.",
      samples: per(
        () => null,
        (v) => v.status.alerts.map((a) => ({ labels: { ...labels(v), rule: a.rule, severity: a.severity }, value: a.firing ? 1 : 0 })),
      ),
    },
    {
      name: "openclaw_ops_slo_policy_in_force",
      type: "gauge",
      help: "1 while the SLO's error-budget policy asks more of risky runbooks on its targets (budget exhausted or a page alert firing, not lifted).",
      samples: per((v) => (v.status.policyInForce ? 1 : 0)),
    },
  ];
}
