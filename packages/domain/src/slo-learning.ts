/** The `sla_breach` learning an SLO logs when it pages or spends its budget (seed 000, "SRE concepts"). */
import type { DetectionFinding } from "./learnings.ts";
import type { Budget } from "./slo.ts";

export type SloBreach = {
  sloId: number;
  name: string;
  targets: readonly string[];
  objectivePercent: number;
  windowDays: number;
  budget: Budget;
  /** page: a page alert fired (its episode start); exhausted: the budget is gone (the window's start day). */
  kind: "page" | "exhausted";
  at: number;
  burnRate1h: number;
};

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The finding for a breach. Its pattern key is the SLO, so breaches of one SLO gather in one entry; its
 * occurrence is the episode (a page) or the window day (exhaustion), so evaluating again changes nothing.
 */
export function sloBreachFinding(b: SloBreach): DetectionFinding {
  const spent = `${round1(b.budget.spentPercent)} % of its ${round1(b.budget.totalMinutes)}-minute budget spent`;
  const what =
    b.kind === "exhausted"
      ? `SLO "${b.name}" (${b.objectivePercent} % over ${b.windowDays} d) has exhausted its error budget: ${spent}.`
      : `SLO "${b.name}" (${b.objectivePercent} % over ${b.windowDays} d) is burning its error budget at ${round1(b.burnRate1h)}× over the last hour: ${spent}.`;
  const day = new Date(b.at).toISOString().slice(0, 10);
  return {
    detector: "slo-breach",
    patternKey: `slo.breach.${b.sloId}`,
    type: "LRN",
    heading: "sla_breach",
    area: "monitoring",
    priority: b.kind === "exhausted" ? "critical" : "high",
    summary: what,
    details: `${what} Targets: ${b.targets.join(", ") || "none"}.`,
    suggestedAction: "Freeze risky changes on these targets until the budget recovers; find what spent it (incidents, deploys) and fix that first.",
    occurrences: [{ id: b.kind === "exhausted" ? `SLO-${b.sloId}-exhausted-${day}` : `SLO-${b.sloId}-page-${b.at}`, at: b.at }],
    service: b.targets.length === 1 ? b.targets[0] : undefined,
    facts: { sloId: b.sloId, kind: b.kind, spentPercent: round1(b.budget.spentPercent), burnRate1h: round1(b.burnRate1h) },
  };
}
