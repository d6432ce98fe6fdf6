/**
 * The error-budget policy: what a risky runbook run needs while an SLO covering its targets has spent its
 * budget (or is burning it at a paging rate). Pure: the plan, the targets' statuses and the SLOs' states in.
 */
import type { BudgetPolicy } from "./slo.ts";

export type PolicyStep = { action: { type: string }; target: string | null };
export type PolicyPlan = { steps: readonly PolicyStep[]; targets: readonly string[] };

export type Risk = "restart of a healthy target" | "rolling restart" | "config change";
export type RiskyAct = { target: string; risk: Risk };

const HEALTHY = new Set(["ok", "warning"]);
/** Steps that change configuration or state beyond a restart: allow-listed commands and restores. */
const CONFIG_CHANGING = new Set(["command", "restore-backup"]);
/** Whether a runbook action changes configuration or state beyond a restart (the policy's "config change"). */
export const isConfigChanging = (actionType: string): boolean => CONFIG_CHANGING.has(actionType);

/**
 * A finished runbook run as a delivery (DORA) change: only when a config-changing step ran (succeeded or
 * failed; one skipped or never reached changed nothing). It failed when the run failed or such a step did.
 */
export function runAsChange(
  status: "succeeded" | "failed" | "cancelled",
  steps: readonly { actionType: string; status: string }[],
): { failed: boolean } | null {
  const ran = steps.filter((s) => isConfigChanging(s.actionType) && (s.status === "succeeded" || s.status === "failed"));
  if (ran.length === 0) return null;
  return { failed: status === "failed" || ran.some((s) => s.status === "failed") };
}

/** A target that is not in this map reads as "*" for config changes without a target: the whole fleet. */
export const FLEET_WIDE = "*";

/**
 * The risky acts of a plan. Restarting (or stopping) a healthy target is risky; two or more targets
 * restarted in one run is a rolling restart (every target in it counts, healthy or not); allow-listed
 * commands and restores are config changes on the plan's targets, or on the whole fleet when it names none.
 */
export function planRisks(plan: PolicyPlan, statusOf: (target: string) => string | undefined): RiskyAct[] {
  const restarted = [...new Set(plan.steps.filter((s) => s.action.type === "restart-target" && s.target !== null).map((s) => s.target as string))];
  const out: RiskyAct[] = [];
  const add = (target: string, risk: Risk) => {
    if (!out.some((a) => a.target === target && a.risk === risk)) out.push({ target, risk });
  };
  if (restarted.length >= 2) for (const t of restarted) add(t, "rolling restart");
  for (const s of plan.steps)
    if ((s.action.type === "restart-target" || s.action.type === "stop-target") && s.target !== null && HEALTHY.has(statusOf(s.target) ?? ""))
      add(s.target, "restart of a healthy target");
  if (plan.steps.some((s) => CONFIG_CHANGING.has(s.action.type)))
    for (const t of plan.targets.length > 0 ? plan.targets : [FLEET_WIDE]) add(t, "config change");
  return out;
}

/** An SLO as the policy sees it. */
export type GuardingSlo = {
  id: number;
  name: string;
  policy: BudgetPolicy;
  /** The targets it covers. */
  targets: readonly string[];
  exhausted: boolean;
  /** A page alert (fast or slow burn) is firing. */
  paging: boolean;
  remainingMinutes: number;
  totalMinutes: number;
  /** Lifted early by governance until this instant (ms), or null. */
  liftedUntil: number | null;
};

export type PolicyRequirement = {
  required: BudgetPolicy;
  /** What the preview shows; null when nothing is required. */
  sentence: string | null;
  /** The SLOs that impose it, with the risky acts each covers. */
  slos: { id: number; name: string; policy: BudgetPolicy; acts: RiskyAct[] }[];
};

const STRENGTH: Record<BudgetPolicy, number> = { none: 0, confirm: 1, approval: 2 };

/** Whether an SLO's policy is in force: budget spent or burning at a paging rate, and not lifted. */
export function policyInForce(slo: GuardingSlo, now: number): boolean {
  return slo.policy !== "none" && (slo.exhausted || slo.paging) && !(slo.liftedUntil !== null && slo.liftedUntil > now);
}

const fmtMin = (m: number) => `${Math.round(m * 10) / 10} min`;

/**
 * The strongest requirement of the SLOs in force whose targets the risky acts touch, and the sentence a
 * runbook preview shows. A fleet-wide config change touches every SLO.
 */
export function policyRequirement(acts: readonly RiskyAct[], slos: readonly GuardingSlo[], now: number): PolicyRequirement {
  const hits: PolicyRequirement["slos"] = [];
  for (const slo of slos) {
    if (!policyInForce(slo, now)) continue;
    const mine = acts.filter((a) => a.target === FLEET_WIDE || slo.targets.includes(a.target));
    if (mine.length > 0) hits.push({ id: slo.id, name: slo.name, policy: slo.policy, acts: mine });
  }
  if (hits.length === 0) return { required: "none", sentence: null, slos: [] };
  const strongest = hits.reduce((a, b) => (STRENGTH[b.policy] > STRENGTH[a.policy] ? b : a));
  const slo = slos.find((s) => s.id === strongest.id) as GuardingSlo;
  const why = slo.exhausted
    ? `has spent its error budget (${fmtMin(Math.max(0, slo.remainingMinutes))} of ${fmtMin(slo.totalMinutes)} left)`
    : `is burning its error budget at a paging rate (${fmtMin(slo.remainingMinutes)} of ${fmtMin(slo.totalMinutes)} left)`;
  const what = describeActs(strongest.acts);
  const need = strongest.policy === "approval" ? "needs a governance approval" : "needs an extra confirmation";
  const others = hits.length > 1 ? ` (${hits.length - 1} more SLO${hits.length > 2 ? "s" : ""} in force)` : "";
  return { required: strongest.policy, sentence: `SLO "${slo.name}" ${why}: this ${what} ${need}${others}.`, slos: hits };
}

function describeActs(acts: readonly RiskyAct[]): string {
  const byRisk = new Map<Risk, string[]>();
  for (const a of acts) byRisk.set(a.risk, [...(byRisk.get(a.risk) ?? []), a.target === FLEET_WIDE ? "the fleet" : a.target]);
  const label: Record<Risk, string> = {
    "restart of a healthy target": "restart of healthy",
    "rolling restart": "rolling restart of",
    "config change": "config change on",
  };
  return [...byRisk].map(([risk, ts]) => `${label[risk]} ${ts.join(", ")}`).join(" and ");
}
