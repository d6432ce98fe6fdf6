import type { OpsConfig } from "@ops/config";
import { columns, slos, type DbHandle, type Row } from "@ops/db";
import {
  ALERT_RULES,
  planRisks,
  policyRequirement,
  quietAlert,
  sloBreachFinding,
  stepAlert,
  type AlertFacts,
  type AlertRuleId,
  type AlertState,
  type GuardingSlo,
  type PolicyPlan,
  type PolicyRequirement,
} from "@ops/domain";
import { raiseAlert } from "../alerts/alerts.ts";
import type { FramePublisher } from "../bus.ts";
import { systemContext } from "../identity/context.ts";
import { openIncident } from "../incidents/incidents.ts";
import { recordFinding } from "../learnings/learnings.ts";
import { composeStatus, computeSlos, readAlertStates, writeSloStatuses, type StoredStatus } from "./slos.ts";

type SloRow = Row<typeof slos>;
const COLUMNS = columns(slos);

export type SloAlertEvent = {
  sloId: number;
  rule: AlertRuleId;
  event: "fire" | "suppressed" | "resolve";
  alertIds: number[];
  incidentId: number | null;
};

export type SloEvaluationPass = { evaluated: number; events: SloAlertEvent[]; learnings: string[] };

/** The alert's subject: the target of a one-target SLO (so its cooldown and incident are the target's), else the SLO. */
const subjectOf = (slo: SloRow, targets: readonly string[]) => (targets.length === 1 ? targets[0]! : `slo:${slo.name}`);

/**
 * One evaluation of every SLO's burn-rate alerts: step each rule's state (an episode fires once, resolves when
 * both windows are below, and a new episode inside the alerting cooldown is kept quiet), raise a fired alert
 * through the alert outbox (the channels send it), open an incident for a page, and log the `sla_breach`
 * learning on a page and on an exhausted budget. Run after the rollups, once a minute, by one worker at a time.
 */
export async function evaluateSloAlerts(h: DbHandle, config: OpsConfig, now: number, bus: FramePublisher): Promise<SloEvaluationPass> {
  const rows = await h.sql<SloRow[]>`SELECT ${h.sql.unsafe(COLUMNS)} FROM slos ORDER BY id`;
  const states = await readAlertStates(
    h.sql,
    rows.map((r) => r.id),
  );
  const cooldownMs = config.monitoring.alerting.cooldownMinutes * 60_000;
  const events: SloAlertEvent[] = [];
  const learnings: string[] = [];
  // Every SLO's status in one batch, stored for the list and GET /metrics, then each SLO's rules stepped.
  const computed = await computeSlos(h.sql, rows, now);
  await writeSloStatuses(h.sql, rows, computed, now);
  for (const slo of rows) {
    const status = composeStatus(slo, computed.get(slo.id)!.computed, states.get(slo.id) ?? [], now);
    // One incident per SLO while it pages: a second page rule firing in the same episode joins it.
    let pageIncident = (states.get(slo.id) ?? []).find((s) => s.firing && s.incidentId !== null)?.incidentId ?? null;
    for (const rule of ALERT_RULES) {
      const prior = (states.get(slo.id) ?? []).find((s) => s.rule === rule.id);
      const prev: AlertState = prior
        ? { firing: prior.firing, since: prior.since?.getTime() ?? null, lastNotifiedAt: prior.lastNotifiedAt?.getTime() ?? null }
        : quietAlert();
      const step = stepAlert(prev, rule, status.burnRates, now, cooldownMs);
      if (step.event === null) continue;
      let alertIds: number[] = [];
      let incidentId: number | null = null;
      if (step.event === "fire") {
        const target = subjectOf(slo, status.targets);
        const facts: AlertFacts = {
          target,
          kind: `slo-${rule.id}`,
          level: rule.severity === "page" ? "critical" : "warning",
          at: now,
          reason: `SLO "${slo.name}" burns its error budget at ${status.burnRates[rule.long].toFixed(1)}× over ${rule.long} and ${status.burnRates[rule.short].toFixed(1)}× over ${rule.short} (≥ ${rule.factor}×); ${status.budget.remainingMinutes.toFixed(1)} of ${status.budget.totalMinutes.toFixed(1)} min left`,
          failingSince: null,
          restartsInWindow: 0,
          windowSeconds: 0,
          lastOkAt: null,
          actions: [],
          diagnosis: null,
          incidentKey: null,
        };
        if (rule.severity === "page" && pageIncident !== null) {
          incidentId = pageIncident;
          facts.incidentKey = `INC-${pageIncident}`;
        } else if (rule.severity === "page") {
          const incident = await openIncident(
            h,
            systemContext("slo"),
            { title: `SLO ${slo.name}: ${rule.id} burn`, severity: "P2", targets: status.targets.slice(0, 50), summary: facts.reason },
            { bus },
          );
          incidentId = incident.id;
          pageIncident = incident.id;
          facts.incidentKey = incident.key;
          const found = await recordFinding(
            h,
            sloBreachFinding({ ...breachBase(slo, status), kind: "page", at: now, burnRate1h: status.burnRates["1h"] }),
            now,
            bus,
          );
          if (found) learnings.push(found.id);
        }
        alertIds = (await raiseAlert(h, config, facts)).ids;
      }
      await h.sql`
        INSERT INTO slo_alert_state (slo_id, rule, firing, since, last_notified_at, incident_id, updated_at)
        VALUES (${slo.id}, ${rule.id}, ${step.state.firing}, ${toDate(step.state.since)}, ${toDate(step.state.lastNotifiedAt)}, ${incidentId}, ${new Date(now)})
        ON CONFLICT (slo_id, rule) DO UPDATE SET firing = EXCLUDED.firing, since = EXCLUDED.since, last_notified_at = EXCLUDED.last_notified_at,
          incident_id = coalesce(EXCLUDED.incident_id, CASE WHEN EXCLUDED.firing THEN slo_alert_state.incident_id END), updated_at = EXCLUDED.updated_at`;
      events.push({ sloId: slo.id, rule: rule.id, event: step.event, alertIds, incidentId });
    }
    if (status.budget.exhausted) {
      const found = await recordFinding(
        h,
        sloBreachFinding({ ...breachBase(slo, status), kind: "exhausted", at: now, burnRate1h: status.burnRates["1h"] }),
        now,
        bus,
      );
      if (found) learnings.push(found.id);
    }
  }
  return { evaluated: rows.length, events, learnings };
}

const toDate = (ms: number | null) => (ms === null ? null : new Date(ms));

function breachBase(slo: SloRow, status: StoredStatus) {
  return { sloId: slo.id, name: slo.name, targets: status.targets, objectivePercent: slo.objectivePercent, windowDays: slo.windowDays, budget: status.budget };
}

/**
 * What the error-budget policy asks of a runbook run with this plan now: the SLOs covering its targets, their
 * budgets and page alerts, the targets' statuses (a restart of a healthy target is risky). The runbook preview
 * shows `sentence`; a run must satisfy `required`.
 */
export async function budgetPolicyFor(h: DbHandle, plan: PolicyPlan, now = Date.now()): Promise<PolicyRequirement> {
  const named = [...new Set([...plan.targets, ...plan.steps.map((s) => s.target).filter((t): t is string => t !== null)])];
  const statuses = new Map(
    (await h.sql<{ name: string; status: string }[]>`SELECT name, status FROM target_state WHERE name = ANY(${named}::text[])`).map((r) => [r.name, r.status]),
  );
  const acts = planRisks(plan, (t) => statuses.get(t));
  if (acts.length === 0) return { required: "none", sentence: null, slos: [] };
  const rows = await h.sql<SloRow[]>`SELECT ${h.sql.unsafe(COLUMNS)} FROM slos WHERE policy <> 'none'`;
  const states = await readAlertStates(
    h.sql,
    rows.map((r) => r.id),
  );
  const guarding: GuardingSlo[] = [];
  const computed = await computeSlos(h.sql, rows, now);
  for (const slo of rows) {
    const status = composeStatus(slo, computed.get(slo.id)!.computed, states.get(slo.id) ?? [], now);
    guarding.push({
      id: slo.id,
      name: slo.name,
      policy: slo.policy,
      targets: status.targets,
      exhausted: status.budget.exhausted,
      paging: status.alerts.some((a) => a.firing && a.severity === "page"),
      remainingMinutes: status.budget.remainingMinutes,
      totalMinutes: status.budget.totalMinutes,
      liftedUntil: slo.policyLiftedUntil?.getTime() ?? null,
    });
  }
  return policyRequirement(acts, guarding, now);
}
