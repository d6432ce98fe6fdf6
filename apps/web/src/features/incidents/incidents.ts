import { DASH, elapsedSince, formatDuration, formatTimestamp } from "../../lib/format.ts";
import type { ServerFrame } from "@ops/contract";
import type { Incident, IncidentFilter, Severity, StatusFilter, TimelineEntry } from "./types.ts";

export const PAGE_SIZE = 50;
export const NOTE_MAX = 4000;

export const SEVERITY_RANK: Record<Severity, number> = { P1: 0, P2: 1, P3: 2, P4: 3 };

export const STATUS_LABEL: Record<Incident["status"], string> = {
  open: "Open",
  acknowledged: "Acknowledged",
  mitigated: "Mitigated",
  resolved: "Resolved",
};

export const FILTER_LABEL: Record<StatusFilter, string> = { open: "Open", resolved: "Resolved", all: "All" };

export function isResolved(i: Pick<Incident, "status">): boolean {
  return i.status === "resolved";
}

/** Worst first: by severity, then the one that started earliest (it has been burning longest). */
export function compareWorstFirst(a: Incident, b: Incident): number {
  const s = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (s !== 0) return s;
  return (Date.parse(a.startedAt) || 0) - (Date.parse(b.startedAt) || 0) || a.id - b.id;
}

export function sortWorstFirst(list: readonly Incident[]): Incident[] {
  return [...list].sort(compareWorstFirst);
}

export function matchesFilter(i: Incident, filter: IncidentFilter): boolean {
  if (filter.target !== undefined && !i.targets.includes(filter.target)) return false;
  if (filter.status === "open") return !isResolved(i);
  if (filter.status === "resolved") return isResolved(i);
  return true;
}

export function incidentsQuery(filter: IncidentFilter, before?: string, limit = PAGE_SIZE): string {
  const q = new URLSearchParams();
  q.set("status", filter.status);
  if (filter.target) q.set("target", filter.target);
  q.set("limit", String(limit));
  if (before !== undefined) q.set("before", before);
  return q.toString();
}

/** How long it has been going on (open) or took (resolved), in ms; null when the times are unusable. */
export function incidentElapsed(i: Incident, now: number): number | null {
  if (isResolved(i)) {
    if (i.mttrMs != null) return Math.max(0, i.mttrMs);
    const end = i.resolvedAt ? Date.parse(i.resolvedAt) : NaN;
    const ms = elapsedSince(i.startedAt, end);
    return ms == null || Number.isNaN(ms) ? null : Math.max(0, ms);
  }
  const ms = elapsedSince(i.startedAt, now);
  return ms == null ? null : Math.max(0, ms);
}

/** Targets read in hours as the SPEC states them ("24 h", not "1 d"). */
export function formatTarget(ms: number): string {
  return ms % 3_600_000 === 0 && ms <= 72 * 3_600_000 ? `${ms / 3_600_000} h` : formatDuration(ms);
}

export type TargetState = "met" | "missed" | "running" | "over" | "none";
export type VsTarget = { text: string; state: TargetState };

/**
 * MTTR against the severity's target: "1 h 20 m of 8 h" once resolved; while open, what is left of
 * the target ("2 h 40 m left of 4 h") or how far past it ("20 m over 4 h").
 */
export function mttrVsTarget(i: Incident, now: number): VsTarget {
  const target = i.mttrTargetMs;
  const elapsed = incidentElapsed(i, now);
  if (isResolved(i)) {
    if (elapsed == null) return { text: DASH, state: "none" };
    if (target == null) return { text: formatDuration(elapsed), state: "none" };
    return { text: `${formatDuration(elapsed)} of ${formatTarget(target)}`, state: elapsed <= target ? "met" : "missed" };
  }
  if (target == null) return { text: "no target", state: "none" };
  if (elapsed == null) return { text: `target ${formatTarget(target)}`, state: "none" };
  if (elapsed > target) return { text: `${formatDuration(elapsed - target)} over ${formatTarget(target)}`, state: "over" };
  return { text: `${formatDuration(target - elapsed)} left of ${formatTarget(target)}`, state: "running" };
}

/** Where the watchdog took an outage's start from (the "opened" entry's details say). */
export type StartedFrom = "exit" | "last-ok" | "detection";

const START_BASIS: Record<StartedFrom, string> = {
  exit: "from the process exit",
  "last-ok": "from the last healthy sample",
  detection: "no earlier healthy sample",
};

/** The start's source from the timeline's "opened" entry, when the watchdog recorded one. */
export function startedFromOf(timeline: readonly TimelineEntry[] | undefined): StartedFrom | null {
  const opened = timeline?.find((e) => e.kind === "opened");
  const v = opened ? detailsOf(opened)?.startedFrom : undefined;
  return v === "exit" || v === "last-ok" || v === "detection" ? v : null;
}

/** "19 s", "<1 s", "4 m": how long detection took. */
export function formatLag(ms: number): string {
  if (ms < 1000) return "<1 s";
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  return formatDuration(ms);
}

export type MttdText = { text: string; basis: string | null; state: "lag" | "unknown" };

/**
 * MTTD read plainly: "Failed 10:04:12 · detected 10:04:31 (19 s later)". When the start is the detection
 * because nothing earlier is known, it says so instead of "0 s": "Failed and detected 10:04:31 (no earlier
 * healthy sample)"; an incident opened by hand has no failure time of its own.
 */
export function mttdText(i: Pick<Incident, "startedAt" | "detectedAt" | "source">, startedFrom: StartedFrom | null, now: number, timeZone?: string): MttdText {
  const started = Date.parse(i.startedAt);
  const detected = Date.parse(i.detectedAt);
  if (Number.isNaN(started) || Number.isNaN(detected)) return { text: DASH, basis: null, state: "unknown" };
  const clock = (iso: string) => formatTimestamp(iso, now, timeZone === undefined ? {} : { timeZone });
  const lag = detected - started;
  if (lag <= 0) {
    if (i.source === "manual") return { text: `Opened by hand ${clock(i.detectedAt)}`, basis: "no earlier failure time known", state: "unknown" };
    if (startedFrom === null || startedFrom === "detection")
      return { text: `Failed and detected ${clock(i.detectedAt)}`, basis: START_BASIS.detection, state: "unknown" };
    return { text: `Failed and detected ${clock(i.detectedAt)}`, basis: `${START_BASIS[startedFrom]}, at the same moment`, state: "lag" };
  }
  return {
    text: `Failed ${clock(i.startedAt)} · detected ${clock(i.detectedAt)} (${formatLag(lag)} later)`,
    basis: startedFrom === null ? null : START_BASIS[startedFrom],
    state: "lag",
  };
}

/** Open incidents per target, worst first, for the board's tile badges. */
export function openByTarget(list: readonly Incident[] | undefined): Map<string, Incident[]> {
  const map = new Map<string, Incident[]>();
  for (const i of sortWorstFirst((list ?? []).filter((x) => !isResolved(x)))) {
    for (const t of i.targets) {
      const cur = map.get(t);
      if (cur) cur.push(i);
      else map.set(t, [i]);
    }
  }
  return map;
}

export function countLabel(n: number): string {
  return `${n} open incident${n === 1 ? "" : "s"}`;
}

/**
 * A cached, newest-first list after an incident changed: replaced in place, dropped when it no
 * longer matches the list's filter, or inserted by id when it newly does. Same array when nothing changed.
 */
export function upsertIncident(list: readonly Incident[] | undefined, inc: Incident, filter: IncidentFilter, limit?: number): Incident[] | undefined {
  if (!list) return undefined;
  const at = list.findIndex((x) => x.id === inc.id);
  const matches = matchesFilter(inc, filter);
  if (at !== -1) {
    const next = [...list];
    if (matches) next[at] = inc;
    else next.splice(at, 1);
    return next;
  }
  if (!matches) return list as Incident[];
  const pos = list.findIndex((x) => x.id < inc.id);
  const next = [...list];
  next.splice(pos === -1 ? next.length : pos, 0, inc);
  return limit !== undefined ? next.slice(0, limit) : next;
}

export type IncidentPage = { incidents: Incident[]; next: string | undefined };

/** The `before` cursor for the next page, fixed when the page is fetched; none once a page comes back short. */
export function nextBefore(page: readonly Incident[], limit = PAGE_SIZE): string | undefined {
  if (page.length < limit) return undefined;
  const last = page[page.length - 1];
  return last === undefined ? undefined : String(last.id);
}

/**
 * The same for a paged list: an incident newer than the oldest loaded one goes into the page it
 * belongs to; an older one is left for "load more" to bring, unless every page is already loaded.
 */
export function upsertIncidentPages(pages: readonly IncidentPage[], inc: Incident, filter: IncidentFilter): IncidentPage[] {
  const matches = matchesFilter(inc, filter);
  const found = pages.findIndex((p) => p.incidents.some((x) => x.id === inc.id));
  if (found !== -1) {
    return pages.map((p, n) => (n === found ? { ...p, incidents: upsertIncident(p.incidents, inc, filter) ?? [] } : p));
  }
  if (!matches) return pages as IncidentPage[];
  let target = pages.findIndex((p) => p.incidents.some((x) => x.id < inc.id));
  const last = pages[pages.length - 1];
  if (target === -1 && last && last.next === undefined) target = pages.length - 1;
  if (target === -1) return pages as IncidentPage[];
  return pages.map((p, n) => (n === target ? { ...p, incidents: upsertIncident(p.incidents, inc, filter) ?? [] } : p));
}

/** Pages flattened, without the duplicates a race between a fetch and a push could leave. */
export function flattenPages(pages: readonly IncidentPage[] | undefined): Incident[] {
  const seen = new Set<number>();
  const out: Incident[] = [];
  for (const p of pages ?? []) {
    for (const i of p.incidents) {
      if (seen.has(i.id)) continue;
      seen.add(i.id);
      out.push(i);
    }
  }
  return out;
}

/** The incident in an `incident.updated` frame (the API built it as the contract's view); null for other frames. */
export function incidentFromFrame(frame: ServerFrame): Incident | null {
  return frame.type === "incident.updated" ? frame.incident : null;
}

/** Adds an entry to an oldest-first timeline unless it is already there. */
export function appendEntry(timeline: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  if (timeline.some((e) => e.id === entry.id)) return timeline as TimelineEntry[];
  const next = [...timeline, entry];
  return next.sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
}

/** People sign with an email; everything else is a part of the system (watchdog, prober). */
export function isPerson(actor: string): boolean {
  return actor.includes("@");
}

/** An entry's details as named fields; null when it has none (details are open-ended JSON: an array or a scalar has no fields). */
export function detailsOf(e: Pick<TimelineEntry, "details">): Record<string, unknown> | null {
  const d = e.details;
  return typeof d === "object" && d !== null && !Array.isArray(d) ? (d as Record<string, unknown>) : null;
}

/** "attempt: 2 · driver: docker" for an entry's details; long or nested values are cut short. */
export function detailsLine(details: Record<string, unknown> | null, max = 6): string {
  if (!details) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(details)) {
    if (v === null || v === undefined || v === "") continue;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    parts.push(`${k}: ${text.length > 80 ? `${text.slice(0, 79)}…` : text}`);
  }
  return parts.length > max ? `${parts.slice(0, max).join(" · ")} · …` : parts.join(" · ");
}

/** "+4 m" since the incident started, for the timeline. */
export function sinceStart(at: string, startedAt: string): string {
  const ms = elapsedSince(startedAt, Date.parse(at));
  if (ms == null || Number.isNaN(ms)) return "";
  return ms < 0 ? `−${formatDuration(-ms)}` : `+${formatDuration(ms)}`;
}

export function validateNote(message: string): string | null {
  if (message.trim() === "") return "Write something first.";
  if (message.length > NOTE_MAX) return `At most ${NOTE_MAX} characters (${message.length} now).`;
  return null;
}
