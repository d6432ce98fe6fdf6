import { MTTR_TARGET_MS, type Severity } from "./incidents.ts";
import { dayOf, type DetectionFinding, type Priority } from "./learnings.ts";
import { changeFailureRate, type ChangeFailure, type DeliveryChange } from "./dora.ts";

/**
 * Detection triggers (seed 1): each looks at facts the store holds and returns findings with their
 * evidence. Pure and clock-explicit, so a test can put two crashes a week apart.
 */

const DAY = 86_400_000;
const MIN = 60_000;

export type IncidentFact = {
  id: number;
  target: string | null;
  signature: string | null;
  severity: Severity;
  startedAt: number;
  detectedAt: number;
  resolvedAt: number | null;
  title: string;
};

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/<[^>]*>/g, "x")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48) || "unknown";

const incRef = (i: IncidentFact) => ({ id: `INC-${i.id}`, at: i.startedAt });
const severityPriority: Record<Severity, Priority> = { P1: "critical", P2: "high", P3: "medium", P4: "low" };

/** The same incident (same target and error signature) again within the window: an incident pattern. */
export function detectRecurrence(incidents: readonly IncidentFact[], now: number, windowDays = 30): DetectionFinding[] {
  const groups = new Map<string, IncidentFact[]>();
  for (const i of incidents) {
    if (!i.target || !i.signature || i.startedAt > now || i.startedAt < now - windowDays * DAY) continue;
    const key = `${i.target}\u0000${i.signature}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  const out: DetectionFinding[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.startedAt - b.startedAt);
    const { target, signature } = sorted[0]!;
    const worst = sorted.reduce((w, i) => (i.severity < w ? i.severity : w), sorted[0]!.severity);
    out.push({
      detector: "incident-recurrence",
      patternKey: `incident_pattern.${slug(target!)}.${slug(signature!)}`,
      type: "OPS",
      heading: `${slug(target!)}_${slug(signature!)}_recurring`,
      area: "incident_management",
      priority: severityPriority[worst],
      severity: worst,
      summary: `${target} failed the same way ${sorted.length} times within ${windowDays} days: ${signature}`,
      details: `The same error signature ("${signature}") opened ${sorted.map((i) => `INC-${i.id}`).join(", ")}. A recurring failure usually has a cause the restarts do not touch.`,
      suggestedAction: "Find the common cause (config, dependency, resource) and fix it; add a doctor case or a runbook for it.",
      occurrences: sorted.map(incRef),
      service: target!,
      facts: { target, signature, windowDays },
    });
  }
  return out;
}

/** MTTR over the severity's target (P1 4 h, P2 8 h, P3 24 h), resolved or still open. */
export function detectSlowResolution(incidents: readonly IncidentFact[], now: number): DetectionFinding[] {
  const bySeverity = new Map<Severity, IncidentFact[]>();
  for (const i of incidents) {
    const target = MTTR_TARGET_MS[i.severity];
    if (target === null) continue;
    const end = i.resolvedAt ?? now;
    if (end - i.startedAt > target) bySeverity.set(i.severity, [...(bySeverity.get(i.severity) ?? []), i]);
  }
  return [...bySeverity].map(([sev, list]) => {
    const hours = MTTR_TARGET_MS[sev]! / 3_600_000;
    return {
      detector: "mttr-over-target",
      patternKey: `sla_breach.mttr.${sev.toLowerCase()}`,
      type: "OPS" as const,
      heading: `mttr_over_target_${sev.toLowerCase()}`,
      area: "incident_management" as const,
      priority: sev === "P1" ? ("critical" as const) : ("high" as const),
      severity: sev,
      summary: `${sev} incidents took longer than the ${hours} h MTTR target`,
      details: list
        .map((i) => `INC-${i.id} (${i.title}): ${Math.round(((i.resolvedAt ?? now) - i.startedAt) / MIN)} min${i.resolvedAt === null ? ", still open" : ""}`)
        .join("\n"),
      suggestedAction: "Review what slowed the response (detection, escalation, missing runbook) in a postmortem.",
      occurrences: list.map(incRef),
      facts: { severity: sev, targetHours: hours },
    };
  });
}

/** Detected more than 30 minutes after it started. */
export function detectSlowDetection(incidents: readonly IncidentFact[], thresholdMs = 30 * MIN): DetectionFinding[] {
  const slow = incidents.filter((i) => i.detectedAt - i.startedAt > thresholdMs);
  if (slow.length === 0) return [];
  return [
    {
      detector: "mttd-over-target",
      patternKey: "incident_management.mttd",
      type: "OPS",
      heading: "mttd_over_30_minutes",
      area: "monitoring",
      priority: "high",
      summary: `Incidents detected more than ${thresholdMs / MIN} minutes after they began`,
      details: slow.map((i) => `INC-${i.id} (${i.title}): detected after ${Math.round((i.detectedAt - i.startedAt) / MIN)} min`).join("\n"),
      suggestedAction: "Shorten the probe interval or add the check that would have caught it.",
      occurrences: slow.map(incRef),
      facts: { thresholdMinutes: thresholdMs / MIN },
    },
  ];
}

export type AlertDay = { target: string; kind: string; day: string; count: number };

/** More than 50 alerts a day from one monitor (a target and alert kind): alert fatigue. */
export function detectAlertFatigue(days: readonly AlertDay[], limit = 50): DetectionFinding[] {
  const monitors = new Map<string, AlertDay[]>();
  for (const d of days) if (d.count > limit) monitors.set(`${d.target}\u0000${d.kind}`, [...(monitors.get(`${d.target}\u0000${d.kind}`) ?? []), d]);
  return [...monitors.values()].map((list) => {
    const { target, kind } = list[0]!;
    return {
      detector: "alert-fatigue",
      patternKey: `monitoring.alert_fatigue.${slug(target)}.${slug(kind)}`,
      type: "LRN" as const,
      heading: "toil_accumulation",
      area: "monitoring" as const,
      priority: "medium" as const,
      summary: `The ${kind} alert of ${target} fired more than ${limit} times a day`,
      details: list.map((d) => `${d.day}: ${d.count} alerts`).join("\n"),
      suggestedAction: "Tune the threshold or the cooldown, or fix what keeps tripping it; an alert nobody acts on trains people to ignore alerts.",
      occurrences: list.map((d) => ({ id: `${target}/${kind}/${d.day}`, at: Date.parse(`${d.day}T12:00:00Z`) })),
      service: target,
      facts: { target, kind, limit },
    };
  });
}

export type Remediation = { key: string; label: string; id: string; at: number };

/** The same remediation (restart of a target, a doctor case, a runbook procedure) 3+ times in 30 days: toil. */
export function detectRepeatedRemediation(items: readonly Remediation[], now: number, min = 3, windowDays = 30): DetectionFinding[] {
  const byKey = new Map<string, Remediation[]>();
  for (const r of items) if (r.at <= now && r.at >= now - windowDays * DAY) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const out: DetectionFinding[] = [];
  for (const [key, list] of byKey) {
    if (list.length < min) continue;
    out.push({
      detector: "repeated-remediation",
      patternKey: `toil_accumulation.${slug(key)}`,
      type: "LRN",
      heading: "toil_accumulation",
      area: "automation",
      priority: "medium",
      summary: `${list[0]!.label}: applied ${list.length} times in ${windowDays} days`,
      details: `The same remediation keeps being needed (${list.map((r) => r.id).join(", ")}). If you do it by hand 3 times, automate it; if automation does it, find why it keeps being needed.`,
      suggestedAction: "Fix the cause, or turn the remediation into a runbook or a doctor case so it stops costing people time.",
      occurrences: list.map((r) => ({ id: r.id, at: r.at })),
      facts: { key, windowDays },
    });
  }
  return out;
}

/** A change the trigger looks at (a runbook run that acted on targets); `targets` lets an incident after it count. */
export type Change = { id: string; at: number; failed: boolean; targets?: readonly string[] };

/**
 * Change failure rate over 15 % across 7 days, from at least `minChanges` changes: the DORA number (dora.ts), so a
 * change followed by an incident on its targets within `failureWindowMs` counts as failed, as on the delivery page.
 */
export function detectChangeFailureRate(
  changes: readonly Change[],
  now: number,
  limit = 0.15,
  minChanges = 5,
  windowDays = 7,
  failures: readonly ChangeFailure[] = [],
  failureWindowMs = DAY,
): DetectionFinding[] {
  const delivery = (list: readonly Change[]): DeliveryChange[] =>
    list.map((c) => ({ id: c.id, source: "runbook", targets: c.targets ?? [], committedAt: null, deployedAt: c.at, failed: c.failed }));
  // A change without its targets counts only its own result (an empty list would mean fleet-wide to dora.ts).
  const from = now - windowDays * DAY - 1;
  const targeted = changeFailureRate(delivery(changes.filter((c) => c.targets)), failures, from, now, failureWindowMs);
  const untargeted = changeFailureRate(delivery(changes.filter((c) => !c.targets)), [], from, now, failureWindowMs);
  const failedIds = new Set([...targeted.failedIds, ...untargeted.failedIds]);
  const failed = changes.filter((c) => failedIds.has(c.id));
  const recent = { length: targeted.total + untargeted.total };
  // Exact comparison in integers: failed/total > limit, with limit as a fraction of 100.
  if (recent.length < minChanges || failed.length * 100 <= Math.round(limit * 100) * recent.length) return [];
  const rate = Math.round((failed.length / recent.length) * 1000) / 10;
  return [
    {
      detector: "change-failure-rate",
      patternKey: "change_management.change_failure_rate",
      type: "LRN",
      heading: "process_bottleneck",
      area: "change_management",
      priority: "high",
      summary: `Change failure rate ${rate} % over ${windowDays} days (${failed.length} of ${recent.length} runbook runs failed or were followed by an incident on their targets)`,
      details: `Failed: ${failed.map((c) => c.id).join(", ")}. Above ${Math.round(limit * 100)} % is below the DORA elite band.`,
      suggestedAction: "Look at why the changes failed (a step that times out, a procedure out of date) and fix the runbook or the target.",
      occurrences: failed.map((c) => ({ id: c.id, at: c.at })),
      facts: { rate, failed: failed.length, total: recent.length, windowDays },
    },
  ];
}

export type ResourceSample = { target: string; at: number; cpu: number | null; memory: number | null; disk: number | null };
export type CapacityLimits = { cpuPercent: number; cpuSustainMs: number; memoryPercent: number; diskPercent: number };
export const SEED_CAPACITY_LIMITS: CapacityLimits = { cpuPercent: 85, cpuSustainMs: 15 * MIN, memoryPercent: 90, diskPercent: 85 };

/** CPU over 85 % for 15 minutes, memory over 90 %, disk over 85 %: one finding per target, resource and day. */
export function detectCapacity(
  samples: readonly ResourceSample[],
  now: number,
  limits: CapacityLimits = SEED_CAPACITY_LIMITS,
  toleranceMs = MIN,
): DetectionFinding[] {
  const byTarget = new Map<string, ResourceSample[]>();
  for (const s of samples) if (s.at <= now) byTarget.set(s.target, [...(byTarget.get(s.target) ?? []), s]);
  const out: DetectionFinding[] = [];
  const finding = (target: string, resource: "cpu" | "memory" | "disk", value: number, limit: number, extra: string): DetectionFinding => ({
    detector: "capacity",
    patternKey: `capacity_issue.${slug(target)}.${resource}`,
    type: "OPS",
    heading: `${slug(target)}_${resource}_capacity`,
    area: "capacity_planning",
    priority: resource === "cpu" ? "medium" : "high",
    severity: "P3",
    summary: `${target}: ${resource} ${value.toFixed(0)} % over the ${limit} % capacity threshold${extra}`,
    details: `Capacity threshold crossed (${resource} > ${limit} %${extra}).`,
    suggestedAction: "Plan capacity: find the growth, raise the limit or scale out before it becomes an outage.",
    occurrences: [{ id: `${target}/${resource}/${dayOf(now)}`, at: now }],
    service: target,
    facts: { target, resource, value, limit },
  });
  for (const [target, list] of byTarget) {
    const sorted = [...list].sort((a, b) => a.at - b.at);
    const window = sorted.filter((s) => s.at >= now - limits.cpuSustainMs && s.cpu !== null);
    if (window.length >= 2 && window.every((s) => s.cpu! > limits.cpuPercent) && window.at(-1)!.at - window[0]!.at >= limits.cpuSustainMs - toleranceMs) {
      out.push(finding(target, "cpu", Math.min(...window.map((s) => s.cpu!)), limits.cpuPercent, ` for ${Math.round(limits.cpuSustainMs / MIN)} min`));
    }
    const last = sorted.at(-1)!;
    if (now - last.at > limits.cpuSustainMs) continue; // a stale reading says nothing about now
    if (last.memory !== null && last.memory > limits.memoryPercent) out.push(finding(target, "memory", last.memory, limits.memoryPercent, ""));
    if (last.disk !== null && last.disk > limits.diskPercent) out.push(finding(target, "disk", last.disk, limits.diskPercent, ""));
  }
  return out;
}
