import { BURN_WINDOW_NAMES, LATENCY_BOUNDS_MS } from "@ops/contract";
import type { AlertView, BudgetPolicy, BurnDownPoint, SloBody, SloDefinition, SloKind, SloPatch, SloSelector, SloStatus, SloView } from "@ops/contract";
import { DASH, formatTimestamp } from "../../lib/format.ts";

export type BurnWindow = (typeof BURN_WINDOW_NAMES)[number];
export { BURN_WINDOW_NAMES, LATENCY_BOUNDS_MS };

/** What the SLO's alerts say now: a page fires, a ticket fires, or neither. */
export type AlertState = "page" | "ticket" | "ok";

export const ALERT_STATE_LABEL: Record<AlertState, string> = { page: "Page firing", ticket: "Ticket firing", ok: "OK" };

export const KIND_LABEL: Record<SloKind, string> = { availability: "Availability", latency: "Latency" };

export const POLICY_LABEL: Record<BudgetPolicy, string> = {
  none: "None",
  confirm: "Extra confirmation",
  approval: "Governance approval",
};

const RULE_LABEL: Record<string, string> = { "page-fast": "Fast burn (page)", "page-slow": "Slow burn (page)", ticket: "Ticket" };

export function ruleLabel(rule: string): string {
  return RULE_LABEL[rule] ?? rule;
}

export function alertStateOf(status: SloStatus): AlertState {
  if (status.alerts.some((a) => a.firing && a.severity === "page")) return "page";
  if (status.alerts.some((a) => a.firing)) return "ticket";
  return "ok";
}

const STATE_RANK: Record<AlertState, number> = { page: 0, ticket: 1, ok: 2 };

/** Worst first: least budget remaining, then a firing page before a ticket before none, then by name. */
export function sortWorstFirst(list: readonly SloView[]): SloView[] {
  return [...list].sort(
    (a, b) =>
      a.status.budget.remainingPercent - b.status.budget.remainingPercent ||
      STATE_RANK[alertStateOf(a.status)] - STATE_RANK[alertStateOf(b.status)] ||
      a.slo.name.localeCompare(b.slo.name),
  );
}

function trim(n: number, digits: number): string {
  return n
    .toFixed(digits)
    .replace(/\.0+$/, "")
    .replace(/(\.\d*?)0+$/, "$1");
}

/** A budget in minutes, in words: "43.2 min", "4 h 19 min", "2 d 3 h"; negatives read as 0 (the budget is gone). */
export function formatBudgetMinutes(minutes: number): string {
  if (!Number.isFinite(minutes)) return DASH;
  const m = Math.max(0, minutes);
  if (m < 60) return `${trim(m, m < 10 ? 2 : 1)} min`;
  if (m < 24 * 60) {
    const h = Math.floor(m / 60);
    const rest = Math.round(m - h * 60);
    return rest === 0 ? `${h} h` : rest === 60 ? `${h + 1} h` : `${h} h ${rest} min`;
  }
  const d = Math.floor(m / (24 * 60));
  const h = Math.round((m - d * 24 * 60) / 60);
  return h === 0 ? `${d} d` : h === 24 ? `${d + 1} d` : `${d} d ${h} h`;
}

/** A share of the budget: "97.5 %", "0 %" once it is gone, "100 %"; one decimal, two under 1 %. */
export function formatBudgetPercent(percent: number): string {
  if (!Number.isFinite(percent)) return DASH;
  const p = Math.min(100, Math.max(0, percent));
  return `${trim(p, p > 0 && p < 1 ? 2 : 1)} %`;
}

/** "99.9 %", "99.95 %". */
export function formatObjective(percent: number): string {
  return `${trim(percent, 4)} %`;
}

/** The SLI as a percentage with enough digits to compare with the objective; a dash without valid probes. */
export function formatSli(sli: number | null): string {
  if (sli == null) return DASH;
  return `${trim(sli * 100, 3)} %`;
}

/** A burn rate: "0×", "0.42×", "14.4×", "100×". */
export function formatBurnRate(rate: number): string {
  if (!Number.isFinite(rate)) return DASH;
  if (rate === 0) return "0×";
  if (rate < 10) return `${trim(rate, 2)}×`;
  if (rate < 100) return `${trim(rate, 1)}×`;
  return `${Math.round(rate)}×`;
}

/** The alert rules that read a burn window, with the factor they page (or ticket) at. */
export function thresholdsOf(status: SloStatus, window: BurnWindow): { rule: string; factor: number; firing: boolean }[] {
  return status.alerts.filter((a) => a.long === window || a.short === window).map((a) => ({ rule: a.rule, factor: a.factor, firing: a.firing }));
}

/** Whether a window's burn reaches the lowest factor of a rule that reads it (for the marker in the table). */
export function windowOverThreshold(status: SloStatus, window: BurnWindow): boolean {
  const rate = status.burnRates[window];
  return thresholdsOf(status, window).some((t) => rate >= t.factor);
}

/** "alpha, beta", "every agent", "every service", "every target". */
export function selectorText(selector: SloSelector): string {
  if (selector.type === "targets") return selector.targets.join(", ");
  return selector.group === "agents" ? "every agent" : selector.group === "services" ? "every service" : "every target";
}

/** "Availability", "Latency ≤ 500 ms". */
export function kindText(slo: Pick<SloDefinition, "kind" | "thresholdMs">): string {
  return slo.kind === "latency" ? `Latency ≤ ${slo.thresholdMs ?? "?"} ms` : "Availability";
}

/** "30-day", as in "the 30-day window". */
export function windowAdjective(days: number): string {
  return `${days}-day`;
}

/** "30 days", "1 day". */
export function windowText(days: number): string {
  return days === 1 ? "1 day" : `${days} days`;
}

function targetsWords(status: SloStatus, slo: SloDefinition): string {
  if (status.targets.length === 0) return slo.selector.type === "group" ? selectorText(slo.selector) : "its targets";
  if (status.targets.length <= 3) return status.targets.join(", ");
  return `${status.targets.slice(0, 3).join(", ")} and ${status.targets.length - 3} more`;
}

const NEEDS: Record<Exclude<BudgetPolicy, "none">, string> = { confirm: "an extra confirmation", approval: "a governance approval" };

/** Whether governance lifted the policy and the lift still holds at `now`. */
export function liftedAt(slo: SloDefinition, now: number): boolean {
  return slo.policyLiftedUntil !== null && Date.parse(slo.policyLiftedUntil) > now;
}

/** The policy in words: what it asks, when, and what it does now. */
export function policyWords(slo: SloDefinition, status: SloStatus, now: number): { rule: string; now: string; tone: "in-force" | "lifted" | "idle" | "none" } {
  if (slo.policy === "none") {
    return {
      rule: "No error-budget policy: an exhausted budget does not restrict runbooks.",
      now: "Nothing is restricted.",
      tone: "none",
    };
  }
  const on = targetsWords(status, slo);
  const needs = NEEDS[slo.policy];
  const rule = `While the budget is exhausted or a page alert fires, restarts of healthy targets, rolling restarts and config changes on ${on} need ${needs}.`;
  if (status.policyInForce) {
    return {
      rule,
      now: `In force: rolling restarts of ${on} need ${needs} until the budget recovers or governance lifts the policy.`,
      tone: "in-force",
    };
  }
  if (liftedAt(slo, now)) {
    return { rule, now: `Lifted by governance until ${formatTimestamp(slo.policyLiftedUntil, now, { withSeconds: false })}.`, tone: "lifted" };
  }
  return { rule, now: "Not in force: budget is left and no page alert fires.", tone: "idle" };
}

// --- the burn-down chart ---

export type BurnDownRow = { t: number; remaining: number; ideal: number };

/**
 * The chart's rows: remaining minutes at each point, and the "ideal" straight line that spends the whole budget evenly
 * from the window's start (the first point) to its end.
 */
export function burnDownRows(points: readonly BurnDownPoint[], totalMinutes: number, windowDays: number): BurnDownRow[] {
  const first = points[0];
  if (!first) return [];
  const from = Date.parse(first.at);
  const span = windowDays * 24 * 60 * 60 * 1000;
  return points.map((p) => {
    const t = Date.parse(p.at);
    return { t, remaining: p.remainingMinutes, ideal: totalMinutes * Math.max(0, 1 - (t - from) / span) };
  });
}

/** The chart's text alternative. */
export function burnDownSummary(points: readonly BurnDownPoint[], totalMinutes: number, windowDays: number): string {
  const last = points[points.length - 1];
  if (!last) return "No burn-down yet.";
  const rows = burnDownRows(points, totalMinutes, windowDays);
  const ideal = rows[rows.length - 1]?.ideal ?? totalMinutes;
  const left = last.remainingMinutes;
  const gone = left <= 0 ? `, exhausted${left < 0 ? ` (${formatBudgetMinutes(-left)} past)` : ""}` : "";
  const pace = left >= ideal ? "at or under the even pace" : "faster than the even pace";
  return `Error budget over the ${windowAdjective(windowDays)} window: ${formatBudgetMinutes(left)} of ${formatBudgetMinutes(totalMinutes)} left${gone}; spent ${pace} (the even pace leaves ${formatBudgetMinutes(ideal)} now).`;
}

// --- the form ---

export type SloForm = {
  name: string;
  description: string;
  selectorType: "targets" | "group";
  targets: string;
  group: "agents" | "services" | "all";
  kind: SloKind;
  thresholdMs: string;
  objective: string;
  windowDays: string;
  policy: BudgetPolicy;
};

export const EMPTY_FORM: SloForm = {
  name: "",
  description: "",
  selectorType: "targets",
  targets: "",
  group: "agents",
  kind: "availability",
  thresholdMs: "500",
  objective: "99.9",
  windowDays: "30",
  policy: "none",
};

export function formOf(slo: SloDefinition): SloForm {
  return {
    name: slo.name,
    description: slo.description ?? "",
    selectorType: slo.selector.type,
    targets: slo.selector.type === "targets" ? slo.selector.targets.join(", ") : "",
    group: slo.selector.type === "group" ? slo.selector.group : "agents",
    kind: slo.kind,
    thresholdMs: String(slo.thresholdMs ?? 500),
    objective: String(slo.objectivePercent),
    windowDays: String(slo.windowDays),
    policy: slo.policy,
  };
}

export type FormErrors = Partial<Record<"name" | "targets" | "objective" | "windowDays" | "thresholdMs", string>>;

function targetList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The form as a body for POST /api/slos, or what is wrong with it, by field (the API checks it again). */
export function bodyOf(form: SloForm): { body: SloBody; errors: null } | { body: null; errors: FormErrors } {
  const errors: FormErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = "Give the SLO a name.";
  else if (name.length > 120) errors.name = "At most 120 characters.";
  const targets = targetList(form.targets);
  if (form.selectorType === "targets" && targets.length === 0) errors.targets = "Name at least one target.";
  else if (targets.some((t) => t.length > 63)) errors.targets = "A target name has at most 63 characters.";
  const objective = Number(form.objective.trim());
  if (!form.objective.trim() || !Number.isFinite(objective)) errors.objective = "A percentage, e.g. 99.9.";
  else if (objective < 50 || objective > 99.9999) errors.objective = "Between 50 and 99.9999 %.";
  else if (Math.abs(objective * 10_000 - Math.round(objective * 10_000)) > 1e-6) errors.objective = "At most 4 decimals (e.g. 99.95).";
  const days = Number(form.windowDays.trim());
  if (!Number.isInteger(days) || days < 1 || days > 90) errors.windowDays = "Whole days, 1 to 90.";
  const threshold = Number(form.thresholdMs);
  if (form.kind === "latency" && !(LATENCY_BOUNDS_MS as readonly number[]).includes(threshold))
    errors.thresholdMs = `One of ${LATENCY_BOUNDS_MS.join(", ")} ms.`;
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const description = form.description.trim();
  return {
    body: {
      name,
      description: description || null,
      kind: form.kind,
      selector: form.selectorType === "targets" ? { type: "targets", targets } : { type: "group", group: form.group },
      objectivePercent: objective,
      thresholdMs: form.kind === "latency" ? threshold : null,
      windowDays: days,
      policy: form.policy,
    },
    errors: null,
  };
}

/** The same form as a PATCH at the version read. */
export function patchOf(body: SloBody, version: number): SloPatch {
  return { ...body, version };
}

/** The API's field of a refused body, as the form's field ("selector.targets" → targets). */
export function formFieldOf(apiField: string | undefined): keyof FormErrors | null {
  if (!apiField) return null;
  if (apiField.startsWith("selector")) return "targets";
  if (apiField === "objectivePercent") return "objective";
  if (apiField === "name" || apiField === "windowDays" || apiField === "thresholdMs") return apiField;
  return null;
}

// --- the alert history (the alert outbox's rows for this SLO) ---

/** The `target` the worker files an SLO's alerts under: its one target, or `slo:<name>` for several. */
export function alertSubject(name: string, targets: readonly string[]): string {
  return targets.length === 1 ? (targets[0] as string) : `slo:${name}`;
}

export type SloAlertEvent = {
  key: string;
  at: string;
  rule: string;
  level: string;
  /** Sent as an update of an earlier alert on the same subject (inside the cooldown). */
  update: boolean;
  incidentId: number | null;
  /** Per channel: where it went and whether it was delivered. */
  deliveries: { channel: string; status: string }[];
};

/** This SLO's alerts, one entry per alert (its channels together), newest first. */
export function sloAlertHistory(alerts: readonly AlertView[], name: string): SloAlertEvent[] {
  const byKey = new Map<string, SloAlertEvent>();
  const named = `SLO "${name}"`;
  for (const a of alerts) {
    if (!a.kind.startsWith("slo-") || !(a.message.includes(named) || a.title.includes(named))) continue;
    const key = `${a.at}|${a.kind}`;
    const e = byKey.get(key) ?? {
      key,
      at: a.at,
      rule: a.kind.slice("slo-".length),
      level: a.level,
      update: a.followsId !== null,
      incidentId: a.incidentId,
      deliveries: [],
    };
    e.deliveries.push({ channel: a.channel, status: a.status });
    byKey.set(key, e);
  }
  return [...byKey.values()].sort((x, y) => Date.parse(y.at) - Date.parse(x.at) || x.rule.localeCompare(y.rule));
}
