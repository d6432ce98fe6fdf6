import { DASH, formatPercent } from "../../lib/format.ts";
import { upsertListItem } from "../../lib/lists.ts";
import { POSTMORTEM_STATUSES } from "@ops/contract";
import type { ActionItem, DoraMetric, Impact, PostmortemListQuery, PostmortemStatus, PostmortemSummary, PostmortemView, TimelineRow } from "@ops/contract";
import type { ServerFrame } from "@ops/contract";

export const PAGE_SIZE = 50;

/** The list's filters (`GET /api/postmortems` without its page size). */
export type PostmortemFilter = Omit<PostmortemListQuery, "limit">;

/** What the editor sends with `PATCH /api/postmortems/:id` besides the version: the changed parts of the view. */
export type PostmortemPatch = Partial<
  Pick<PostmortemView, "title" | "summary" | "timeline" | "rootCause" | "mitigation" | "prevention" | "actionItems" | "metadata"> & {
    impact: { usersAffected: string };
  }
>;

export function isPostmortemStatus(v: unknown): v is PostmortemStatus {
  return typeof v === "string" && (POSTMORTEM_STATUSES as readonly string[]).includes(v);
}

// ---------------------------------------------------------------------------------------------------------
// Words

export const STATUS_LABEL: Record<PostmortemStatus, string> = { draft: "Draft", in_review: "In review", published: "Published" };

export const TRIGGER_LABEL: Record<string, string> = {
  alert: "Alert",
  user_report: "User report",
  monitoring: "Monitoring",
  deployment: "Deployment",
  capacity_breach: "Capacity breach",
};

export const ENVIRONMENT_LABEL: Record<string, string> = { production: "Production", staging: "Staging", development: "Development" };

export const DORA_LABEL: Record<DoraMetric, string> = {
  deployment_frequency: "Deployment frequency",
  lead_time: "Lead time for changes",
  change_failure_rate: "Change failure rate",
  mttr: "Time to restore (MTTR)",
};

export function labelOf(labels: Record<string, string>, value: string): string {
  return labels[value] ?? value;
}

/** The transitions the API allows from a status, in the order the buttons show. */
export function transitionsFrom(status: PostmortemStatus): PostmortemStatus[] {
  if (status === "draft") return ["in_review"];
  if (status === "in_review") return ["published", "draft"];
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// Times: the editor shows and takes timeline times in UTC

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * "2026-11-23T14:03:12.000Z" → "2026-11-23T14:03:12", the value of a datetime-local input read as UTC;
 * seconds only when there are some, as the browser normalizes it.
 */
export function isoToUtcInput(iso: string): string {
  const t = Date.parse(iso);
  if (!iso || Number.isNaN(t)) return "";
  const d = new Date(t);
  const s = d.getUTCSeconds();
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${s ? `:${pad(s)}` : ""}`;
}

/** The reverse: a datetime-local value ("2026-11-23T14:03" or with seconds) taken as UTC; null when it is not one. */
export function utcInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  const date = new Date(t);
  if (Number.isNaN(t) || date.getUTCDate() !== Number(d)) return null;
  return date.toISOString();
}

/** "2026-11-23 14:03 UTC" (seconds only when there are some). */
export function formatUtc(iso: string | null | undefined): string {
  const input = iso ? isoToUtcInput(iso) : "";
  if (!input) return iso || DASH;
  return `${input.replace("T", " ")} UTC`;
}

// ---------------------------------------------------------------------------------------------------------
// The editor's draft

/** What the editor holds: timeline times as UTC datetime-local values, lists as comma-separated text. */
export type PostmortemDraft = {
  title: string;
  summary: string;
  timeline: TimelineRow[];
  usersAffected: string;
  rootCause: string;
  mitigation: string;
  prevention: string;
  actionItems: ActionItem[];
  trigger: string;
  environment: string;
  services: string;
  related: string;
  dora: string[];
};

/** "a, b,, a ,c" → ["a", "b", "c"]. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(",")) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

export function joinList(values: readonly string[]): string {
  return values.join(", ");
}

export function toDraft(pm: PostmortemView): PostmortemDraft {
  return {
    title: pm.title,
    summary: pm.summary,
    timeline: pm.timeline.map((r) => ({ at: isoToUtcInput(r.at), event: r.event })),
    usersAffected: pm.impact.usersAffected,
    rootCause: pm.rootCause,
    mitigation: pm.mitigation,
    prevention: pm.prevention,
    actionItems: pm.actionItems.map((a) => ({ ...a })),
    trigger: pm.metadata.trigger,
    environment: pm.metadata.environment,
    services: joinList(pm.metadata.servicesAffected),
    related: joinList(pm.metadata.relatedIncidents),
    dora: [...pm.metadata.doraImpact],
  };
}

function timelineOf(draft: PostmortemDraft): TimelineRow[] {
  return draft.timeline.map((r) => ({ at: utcInputToIso(r.at) ?? r.at, event: r.event }));
}

function actionItemsOf(draft: PostmortemDraft): ActionItem[] {
  return draft.actionItems.map((a) => ({ ...a, due: a.due || null }));
}

function metadataOf(draft: PostmortemDraft): PostmortemView["metadata"] {
  return {
    trigger: draft.trigger,
    environment: draft.environment,
    servicesAffected: splitList(draft.services),
    relatedIncidents: splitList(draft.related),
    doraImpact: [...draft.dora],
  };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The PATCH body for what the draft changed against the version it started from: only changed fields,
 * so saving on top of someone else's version keeps what they changed elsewhere. Empty when nothing changed.
 */
export function draftPatch(base: PostmortemDraft, draft: PostmortemDraft): PostmortemPatch {
  const patch: PostmortemPatch = {};
  for (const k of ["title", "summary", "rootCause", "mitigation", "prevention"] as const) {
    if (draft[k] !== base[k]) patch[k] = draft[k];
  }
  if (draft.usersAffected !== base.usersAffected) patch.impact = { usersAffected: draft.usersAffected };
  if (!same(timelineOf(draft), timelineOf(base))) patch.timeline = timelineOf(draft);
  if (!same(actionItemsOf(draft), actionItemsOf(base))) patch.actionItems = actionItemsOf(draft);
  if (!same(metadataOf(draft), metadataOf(base))) patch.metadata = metadataOf(draft);
  return patch;
}

export function isDirty(base: PostmortemDraft, draft: PostmortemDraft): boolean {
  return Object.keys(draftPatch(base, draft)).length > 0;
}

/** What the changed parts of the draft can't be saved with, in words; null when they are fine. */
export function validateDraft(draft: PostmortemDraft, patch: PostmortemPatch): string | null {
  if (patch.title !== undefined && !draft.title.trim()) return "The title is empty.";
  if (patch.timeline) {
    for (const [i, r] of draft.timeline.entries()) {
      if (!utcInputToIso(r.at)) return `Timeline row ${i + 1} needs a date and time (UTC).`;
    }
  }
  if (patch.actionItems) {
    for (const [i, a] of draft.actionItems.entries()) {
      if (!a.text.trim()) return `Action item ${i + 1} needs a text.`;
    }
  }
  return null;
}

/** The postmortem as it would read with the draft applied: what the live preview shows. */
export function applyDraft(base: PostmortemView, draft: PostmortemDraft): PostmortemView {
  return {
    ...base,
    title: draft.title,
    summary: draft.summary,
    timeline: timelineOf(draft),
    usersAffected: draft.usersAffected,
    impact: { ...base.impact, usersAffected: draft.usersAffected },
    rootCause: draft.rootCause,
    mitigation: draft.mitigation,
    prevention: draft.prevention,
    actionItems: actionItemsOf(draft),
    metadata: metadataOf(draft),
  };
}

// List editing, shared by the timeline and the action items.

export function replaceAt<T>(list: readonly T[], index: number, patch: Partial<T>): T[] {
  return list.map((x, i) => (i === index ? { ...x, ...patch } : x));
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

/** A new timeline row at the end, at the last row's time (or now) so it sorts naturally. */
export function addTimelineRow(rows: readonly TimelineRow[], nowIso: string): TimelineRow[] {
  const last = rows[rows.length - 1]?.at;
  return [...rows, { at: last && utcInputToIso(last) ? last : isoToUtcInput(nowIso), event: "" }];
}

/** A new, empty action item with an id no other item has ("new-3"). */
export function addActionItem(items: readonly ActionItem[]): ActionItem[] {
  let n = items.length + 1;
  while (items.some((a) => a.id === `new-${n}`)) n += 1;
  return [...items, { id: `new-${n}`, text: "", owner: "", due: null, done: false }];
}

export function toggleIn(list: readonly string[], value: string, on: boolean): string[] {
  const without = list.filter((x) => x !== value);
  return on ? [...without, value] : without;
}

// ---------------------------------------------------------------------------------------------------------
// Impact in words

/** "42 min", "72 min (1 h 12 min)". */
export function durationText(minutes: number | null): string {
  if (minutes == null) return DASH;
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return `${m} min (${h} h${rest ? ` ${rest} min` : ""})`;
}

/** The share of the monthly error budget used: the API's figure, or duration ÷ budget. */
export function budgetShare(impact: Pick<Impact, "errorBudgetPercent" | "durationMinutes" | "budgetMinutes">): number | null {
  if (impact.errorBudgetPercent != null) return impact.errorBudgetPercent;
  if (impact.durationMinutes == null || !(impact.budgetMinutes > 0)) return null;
  return (impact.durationMinutes / impact.budgetMinutes) * 100;
}

/** "97.2 % of the monthly error budget at 99.9 %", with "— budget exceeded" past 100 %. */
export function budgetText(impact: Pick<Impact, "errorBudgetPercent" | "durationMinutes" | "budgetMinutes" | "sloTarget">): string {
  const share = budgetShare(impact);
  if (share == null) return DASH;
  const text = `${formatPercent(share)} of the monthly error budget at ${impact.sloTarget} %`;
  return share > 100 ? `${text} — budget exceeded` : text;
}

// ---------------------------------------------------------------------------------------------------------
// The rendered postmortem: one markdown text per section

export type PreviewSection = { key: string; title: string; markdown: string };

const NOT_WRITTEN = "_Not written yet._";

/** One table cell: pipes escaped, line breaks flattened. */
export function tableCell(value: string): string {
  return value
    .replace(/\r?\n+/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/** One list line: line breaks flattened so the item stays one item. */
function oneLine(value: string): string {
  return value.replace(/\r?\n+/g, " ").trim();
}

function orNotWritten(value: string): string {
  return value.trim() ? value : NOT_WRITTEN;
}

export function timelineMarkdown(rows: readonly TimelineRow[]): string {
  if (rows.length === 0) return "_No timeline entries._";
  const lines = ["| Time (UTC) | Event |", "| --- | --- |"];
  for (const r of rows) lines.push(`| ${tableCell(formatUtc(r.at).replace(/ UTC$/, ""))} | ${tableCell(r.event) || " "} |`);
  return lines.join("\n");
}

// Plain labels (no bold): the only emphasis in a postmortem is its authors'.
export function impactMarkdown(impact: Impact): string {
  return [
    `- Users affected: ${oneLine(impact.usersAffected) || "—"}`,
    `- Duration: ${durationText(impact.durationMinutes)}`,
    `- Error budget: ${budgetText(impact)}`,
    `- Severity: ${impact.severity ?? DASH}`,
  ].join("\n");
}

export function actionItemsMarkdown(items: readonly ActionItem[]): string {
  if (items.length === 0) return "_No action items._";
  return items
    .map((a) => {
      const who = [a.owner.trim() ? `owner: ${oneLine(a.owner)}` : null, a.due ? `due ${a.due}` : null].filter(Boolean).join(", ");
      return `- [${a.done ? "x" : " "}] ${oneLine(a.text) || "(no text)"}${who ? ` — ${who}` : ""}`;
    })
    .join("\n");
}

export function metadataMarkdown(meta: PostmortemView["metadata"]): string {
  const list = (v: readonly string[]) => (v.length ? v.map(oneLine).join(", ") : DASH);
  return [
    `- Trigger: ${meta.trigger ? labelOf(TRIGGER_LABEL, meta.trigger) : DASH}`,
    `- Environment: ${meta.environment ? labelOf(ENVIRONMENT_LABEL, meta.environment) : DASH}`,
    `- Services affected: ${list(meta.servicesAffected)}`,
    `- Related incidents: ${list(meta.relatedIncidents)}`,
    `- DORA impact: ${list(meta.doraImpact.map((m) => labelOf(DORA_LABEL, m)))}`,
  ].join("\n");
}

/** The whole postmortem, section by section, as the preview and the published view render it. */
export function previewSections(pm: PostmortemView): PreviewSection[] {
  return [
    { key: "summary", title: "Summary", markdown: orNotWritten(pm.summary) },
    { key: "timeline", title: "Timeline", markdown: timelineMarkdown(pm.timeline) },
    { key: "impact", title: "Impact", markdown: impactMarkdown(pm.impact) },
    { key: "root-cause", title: "Root Cause", markdown: orNotWritten(pm.rootCause) },
    { key: "mitigation", title: "Mitigation", markdown: orNotWritten(pm.mitigation) },
    { key: "prevention", title: "Prevention", markdown: orNotWritten(pm.prevention) },
    { key: "action-items", title: "Action Items", markdown: actionItemsMarkdown(pm.actionItems) },
    { key: "metadata", title: "Metadata", markdown: metadataMarkdown(pm.metadata) },
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Conflicts and other people's saves

/** A 409 on the version: someone saved a newer version since this one was loaded. */
export type Me = { displayName: string; email: string };

/** Whether an "updated by" label (display name or email) is the signed-in user. */
export function isMe(label: string, me: Me): boolean {
  const l = label.trim().toLowerCase();
  return l !== "" && (l === me.email.toLowerCase() || (me.displayName !== "" && l === me.displayName.toLowerCase()));
}

/** "Grace saved version 4" when someone else saved a version newer than the one being edited; otherwise null. */
export function newerVersionNotice(editing: number, latest: Pick<PostmortemSummary, "version" | "updatedBy"> | undefined, me: Me): string | null {
  if (!latest || latest.version <= editing || isMe(latest.updatedBy, me)) return null;
  return `${latest.updatedBy} saved version ${latest.version}`;
}

// ---------------------------------------------------------------------------------------------------------
// Lists: query strings and live updates

export function postmortemsQuery(filter: PostmortemFilter, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  if (filter.status) q.set("status", filter.status);
  if (filter.incident != null) q.set("incident", String(filter.incident));
  q.set("limit", String(limit));
  return q.toString();
}

export function matchesPostmortemFilter(pm: PostmortemSummary, filter: PostmortemFilter): boolean {
  if (filter.status && pm.status !== filter.status) return false;
  if (filter.incident != null && pm.incidentId !== filter.incident) return false;
  return true;
}

/** Newest first: by id. */
export function upsertPostmortem(list: readonly PostmortemSummary[], pm: PostmortemSummary, filter: PostmortemFilter, limit?: number): PostmortemSummary[] {
  return upsertListItem(list, pm, matchesPostmortemFilter(pm, filter), (a, b) => a.id > b.id, limit) ?? [...list];
}

/** The summary in a `postmortem.updated` frame (the API sends the contract's PostmortemSummary); null for other frames. */
export function postmortemFromFrame(frame: ServerFrame): PostmortemSummary | null {
  return frame.type === "postmortem.updated" ? frame.postmortem : null;
}
