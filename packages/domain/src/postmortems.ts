import {
  DORA_METRICS,
  ENVIRONMENTS,
  POSTMORTEM_STATUSES,
  TRIGGERS,
  type ActionItem,
  type Impact,
  type PostmortemStatus,
  type PostmortemView,
  type TimelineRow,
} from "@ops/contract";
import type { Severity } from "./incidents.ts";
import { withField, withMetadata, withSection, type LearningDoc } from "./learnings-markdown.ts";
import { scrubDoc } from "./learnings.ts";

/** Blameless postmortems (seed 1): what they hold, how impact is computed, and their OPS-entry form. */

// The statuses, the editor's value lists and the shapes a postmortem is made of are the contract's.
export { DORA_METRICS, ENVIRONMENTS, POSTMORTEM_STATUSES, TRIGGERS, type ActionItem, type Impact, type PostmortemStatus, type TimelineRow };
/** What a postmortem's author writes: the view's text fields. */
export type PostmortemContent = Pick<
  PostmortemView,
  "title" | "summary" | "timeline" | "usersAffected" | "rootCause" | "mitigation" | "prevention" | "actionItems" | "metadata"
>;

/** Draft → in review → published; a review can send it back to draft; published is the record. */
export function canTransitionPostmortem(from: PostmortemStatus, to: PostmortemStatus): boolean {
  return (from === "draft" && to === "in_review") || (from === "in_review" && (to === "draft" || to === "published"));
}

/** What a postmortem must have before it is published. */
export function publishProblems(pm: PostmortemContent): string[] {
  const problems: string[] = [];
  if (!pm.summary.trim()) problems.push("summary is empty");
  if (!pm.rootCause.trim()) problems.push("root cause is empty");
  if (!pm.mitigation.trim()) problems.push("mitigation is empty");
  if (!pm.prevention.trim()) problems.push("prevention is empty");
  if (pm.timeline.length === 0) problems.push("the timeline has no entries");
  pm.actionItems.forEach((a, i) => {
    if (!a.text.trim()) problems.push(`action item ${i + 1} has no text`);
    else if (!a.owner.trim()) problems.push(`action item ${i + 1} (${a.text.slice(0, 40)}) has no owner`);
  });
  return problems;
}

/** The monthly error budget in minutes of an availability SLO: 99.9 % over 30 days is 43.2 min. */
export function errorBudgetMinutes(sloTargetPercent: number, windowDays: number): number {
  return Math.round((1 - sloTargetPercent / 100) * windowDays * 24 * 60 * 1000) / 1000;
}

/** Downtime as a share of the budget, in percent with one decimal (over 100 % when the budget is blown). */
export function budgetShare(downtimeMinutes: number, budgetMinutes: number): number {
  return budgetMinutes <= 0 ? Infinity : Math.round((downtimeMinutes / budgetMinutes) * 1000) / 10;
}

export function computeImpact(
  incident: { startedAt: number; resolvedAt: number | null; severity: Severity } | null,
  slo: { availabilityTarget: number; windowDays: number },
  usersAffected: string,
): Impact {
  const budgetMinutes = errorBudgetMinutes(slo.availabilityTarget, slo.windowDays);
  const durationMinutes = incident && incident.resolvedAt !== null ? Math.round(((incident.resolvedAt - incident.startedAt) / 60_000) * 10) / 10 : null;
  return {
    usersAffected,
    durationMinutes,
    errorBudgetPercent: durationMinutes === null ? null : budgetShare(durationMinutes, budgetMinutes),
    sloTarget: slo.availabilityTarget,
    budgetMinutes,
    severity: incident?.severity ?? null,
  };
}

/** The incident's timeline as a postmortem starts it: every entry, oldest first, in words. */
export function timelineFromEvents(events: readonly { at: string; kind: string; actor: string; message: string }[]): TimelineRow[] {
  return [...events]
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    .map((e) => ({ at: new Date(e.at).toISOString(), event: `${e.message}${e.actor ? ` (${e.actor})` : ""}` }));
}

const PRIORITY_OF: Record<Severity, string> = { P1: "critical", P2: "high", P3: "medium", P4: "low" };
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
const headingOf = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 60) || "incident";

export type PostmortemRecord = PostmortemContent & {
  opsId: string;
  status: PostmortemStatus;
  impact: Impact;
  incidentKey: string | null;
  createdAt: string;
  publishedAt: string | null;
  publishedBy: string | null;
  postmortemRef: string;
};

/** The postmortem as an OPS entry of OPERATIONS_ISSUES.md (seed 1), scrubbed. */
export function postmortemToOpsDoc(pm: PostmortemRecord): LearningDoc {
  let doc: LearningDoc = { id: pm.opsId, type: "OPS", heading: headingOf(pm.title), fields: [], sections: [] };
  doc = withField(doc, "Logged", pm.createdAt);
  doc = withField(doc, "Priority", pm.impact.severity ? PRIORITY_OF[pm.impact.severity] : "medium");
  doc = withField(doc, "Status", pm.status === "published" ? "resolved" : "in_progress");
  if (pm.impact.severity) doc = withField(doc, "Severity", pm.impact.severity);
  doc = withField(doc, "Area", "incident_management");
  doc = withSection(doc, "Summary", pm.summary.trim() || pm.title);
  doc = withSection(
    doc,
    "Timeline",
    ["| Time (UTC) | Event |", "|---|---|", ...pm.timeline.map((r) => `| ${r.at.slice(0, 16).replace("T", " ")} | ${cell(r.event)} |`)].join("\n"),
  );
  const budget =
    pm.impact.errorBudgetPercent === null
      ? "unknown (the incident is not resolved)"
      : `consumed ${pm.impact.errorBudgetPercent}% of the monthly error budget (${pm.impact.sloTarget}% SLO, ${pm.impact.budgetMinutes} min)`;
  doc = withSection(
    doc,
    "Impact",
    [
      `- Users Affected: ${pm.usersAffected || "unknown"}`,
      `- Duration: ${pm.impact.durationMinutes === null ? "ongoing" : `${pm.impact.durationMinutes} min`}`,
      `- SLO Impact: ${budget}`,
    ].join("\n"),
  );
  doc = withSection(doc, "Root Cause", pm.rootCause.trim() || "To be determined.");
  doc = withSection(doc, "Mitigation", pm.mitigation.trim() || "To be determined.");
  doc = withSection(doc, "Prevention", pm.prevention.trim() || "To be determined.");
  const items = pm.actionItems.map(
    (a) => `- [${a.done ? "x" : " "}] ${a.text.replace(/\r?\n/g, " ")} (${[a.owner || "unassigned", a.due ?? "no deadline"].join(", ")})`,
  );
  doc = withSection(doc, "Action Items", items.length ? items.join("\n") : "- [ ] None yet (owner, deadline)");
  doc = withMetadata(doc, "Trigger", pm.metadata.trigger || "alert");
  doc = withMetadata(doc, "Environment", pm.metadata.environment || "production");
  doc = withMetadata(doc, "Services Affected", pm.metadata.servicesAffected.join(", ") || "none");
  const related = [...(pm.incidentKey ? [pm.incidentKey] : []), ...pm.metadata.relatedIncidents];
  if (related.length) doc = withMetadata(doc, "Related Incidents", related.join(", "));
  if (pm.metadata.doraImpact.length) doc = withMetadata(doc, "DORA Metrics Impact", pm.metadata.doraImpact.join(", "));
  doc = withMetadata(doc, "Skill", "operations");
  if (pm.status === "published" && pm.publishedAt) {
    doc = withSection(
      doc,
      "Resolution",
      [`- **Resolved**: ${pm.publishedAt}`, `- **Postmortem**: ${pm.postmortemRef}`, `- **Notes**: Published by ${pm.publishedBy ?? "unknown"}`].join("\n"),
    );
  }
  return scrubDoc(doc);
}
