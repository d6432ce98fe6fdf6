/**
 * The board's pure rules: what the URL's search and filters mean, which targets match, how the board is laid out
 * (problems first, the fleet's own agents and services pinned, the healthy rest grouped and counted) and how that
 * layout is cut into rows for the virtualised list. No I/O here; BoardPage reads the URL and the live cache.
 */
import type { Status, TargetView } from "@ops/contract";
import { elapsedSince } from "../../lib/format.ts";
import { SEVERITY } from "../../lib/target-status.ts";

/** A status filter: a probe status, or `off` for targets that are not monitored. */
export type BoardStatus = Status | "off";
export const BOARD_STATUSES: readonly BoardStatus[] = ["down", "critical", "warning", "ok", "unknown", "off"];
export type BoardKind = TargetView["kind"];

export type BoardQuery = { text: string; statuses: readonly BoardStatus[]; kind: BoardKind | null };
export const EMPTY_QUERY: BoardQuery = { text: "", statuses: [], kind: null };

/** `?q=redis&status=down,critical&kind=service` → the query; unknown words are dropped, order follows BOARD_STATUSES. */
export function parseBoardQuery(search: string): BoardQuery {
  const p = new URLSearchParams(search);
  const text = (p.get("q") ?? "").slice(0, 200);
  const asked = new Set(
    p
      .getAll("status")
      .flatMap((s) => s.split(","))
      .map((s) => s.trim().toLowerCase()),
  );
  const statuses = BOARD_STATUSES.filter((s) => asked.has(s));
  const k = p.get("kind");
  return { text, statuses, kind: k === "agent" || k === "service" ? k : null };
}

/** The query's URL parameters ("" when nothing is filtered): `q=redis&status=down%2Ccritical&kind=service`. */
export function boardSearch(q: BoardQuery): string {
  const p = new URLSearchParams();
  if (q.text.trim()) p.set("q", q.text);
  if (q.statuses.length) p.set("status", BOARD_STATUSES.filter((s) => q.statuses.includes(s)).join(","));
  if (q.kind) p.set("kind", q.kind);
  return p.toString();
}

export function isFiltered(q: BoardQuery): boolean {
  return q.text.trim() !== "" || q.statuses.length > 0 || q.kind !== null;
}

export function boardStatusOf(t: TargetView): BoardStatus {
  return t.enabled ? t.status : "off";
}

/** Every word of the text must appear (any case) in the name, the display name or the description. */
export function matchesText(t: TargetView, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = haystackOf(t);
  return words.every((w) => hay.includes(w));
}

/** A target's searchable text, lower-cased once per target object (a live frame replaces the objects it changes). */
const HAYSTACKS = new WeakMap<TargetView, string>();
function haystackOf(t: TargetView): string {
  let hay = HAYSTACKS.get(t);
  if (hay === undefined) {
    hay = `${t.name}\n${t.displayName}\n${t.description ?? ""}`.toLowerCase();
    HAYSTACKS.set(t, hay);
  }
  return hay;
}

export function matchesQuery(t: TargetView, q: BoardQuery): boolean {
  if (q.kind && t.kind !== q.kind) return false;
  if (q.statuses.length && !q.statuses.includes(boardStatusOf(t))) return false;
  return matchesText(t, q.text);
}

export function filterTargets(targets: readonly TargetView[], q: BoardQuery): TargetView[] {
  return isFiltered(q) ? targets.filter((t) => matchesQuery(t, q)) : [...targets];
}

/** Counts per board status over the targets (for the filter chips). */
export function countBoardStatuses(targets: readonly TargetView[]): Record<BoardStatus, number> {
  const c: Record<BoardStatus, number> = { down: 0, critical: 0, warning: 0, ok: 0, unknown: 0, off: 0 };
  for (const t of targets) c[boardStatusOf(t)] += 1;
  return c;
}

export function isProblem(t: TargetView): boolean {
  return t.enabled && (t.status === "down" || t.status === "critical" || t.status === "warning");
}

/** An enabled target whose last result is older than the API's stale rule (or that was never probed). */
export function isStale(t: TargetView, now: number, staleAfterMs: number): boolean {
  return staleTest(now, staleAfterMs)(t);
}

/** `2026-12-05T18:47:35.146Z`: the API's own timestamps, which sort as text in time order. */
function isCanonicalIso(s: string): boolean {
  return s.length === 24 && s.charCodeAt(23) === 90 /* Z */ && s.charCodeAt(19) === 46 /* . */ && s.charCodeAt(10) === 84; /* T */
}

/**
 * isStale for many targets at one moment: the API's timestamps are compared as text with the cut-off (no date
 * parsing per target, which was most of laying out 10,000 targets); any other form is parsed.
 */
export function staleTest(now: number, staleAfterMs: number): (t: TargetView) => boolean {
  const cutoff = now - staleAfterMs;
  const cutoffIso = Number.isFinite(cutoff) ? new Date(cutoff).toISOString() : null;
  return (t) => {
    if (!t.enabled || !t.checkedAt) return false;
    if (cutoffIso && isCanonicalIso(t.checkedAt) && isCanonicalIso(cutoffIso)) return t.checkedAt < cutoffIso;
    const ms = elapsedSince(t.checkedAt, now);
    return ms != null && ms > staleAfterMs;
  };
}

/** Worst first (down, critical, warning, ok, unknown); equal ones keep their fleet order. */
export function worstFirst(targets: readonly TargetView[]): TargetView[] {
  return targets
    .map((t, i) => ({ t, i }))
    .sort((a, b) => SEVERITY[b.t.status] - SEVERITY[a.t.status] || a.i - b.i)
    .map((x) => x.t);
}

/**
 * A (kind, check) family this small is the fleet's own and is pinned whole, whatever its status: the eleven
 * agents and the core services. A family larger than this (a farm of thousands of HTTP checks) shows only its
 * problems; its healthy rest is grouped and counted.
 */
export const PIN_FAMILY_MAX = 32;

export function familyOf(t: TargetView): string {
  return `${t.kind}:${t.check}`;
}

/** The families of at most `max` targets: the fleet's own, pinned whole. */
export function pinnedFamilies(targets: readonly TargetView[], max = PIN_FAMILY_MAX): Set<string> {
  const size = new Map<string, number>();
  for (const t of targets) {
    const f = familyOf(t);
    size.set(f, (size.get(f) ?? 0) + 1);
  }
  return new Set([...size].filter(([, n]) => n <= max).map(([f]) => f));
}

export function pinnedNames(targets: readonly TargetView[], max = PIN_FAMILY_MAX): Set<string> {
  const families = pinnedFamilies(targets, max);
  return new Set(targets.filter((t) => families.has(familyOf(t))).map((t) => t.name));
}

export type SectionTone = "problems" | "pinned" | "attention" | "rest" | "off" | "results";

/** One block of the board: a heading and its tiles; a collapsible one shows its count and its tiles only when open. */
export type BoardSection = {
  id: string;
  title: string;
  /** Singular and plural noun for the section's summary ("agent"/"agents"). */
  noun: readonly [string, string];
  tone: SectionTone;
  targets: TargetView[];
  collapsible: boolean;
  /** A collapsible section drawn open until the viewer closes it. */
  defaultOpen?: boolean;
};

/** An "unknown or stale" section larger than this starts closed (a fleet starting up, a stalled worker). */
export const OPEN_ATTENTION_MAX = 60;

const plural = (kind: BoardKind): readonly [string, string] => (kind === "agent" ? ["agent", "agents"] : ["service", "services"]);

/**
 * The board for the targets that matched. Unfiltered: problems outside the pinned families first (worst first),
 * then Agents and Services (pinned families, fleet order, every status), then "unknown or stale", then the healthy
 * rest in one collapsible group per family ("9,984 ok"), then those not monitored. Filtered: one results section,
 * worst first, so a search lands on its targets directly.
 */
export function boardSections(all: readonly TargetView[], q: BoardQuery, opts: { now: number; staleAfterMs: number; pinMax?: number }): BoardSection[] {
  if (isFiltered(q)) {
    const hits = worstFirst(filterTargets(all, q));
    return [{ id: "results", title: "Results", noun: ["target", "targets"], tone: "results", targets: hits, collapsible: false }];
  }
  // One pass, a family string and no date parsing per target: this runs on every live frame at 10,000 targets.
  const pinned = pinnedFamilies(all, opts.pinMax);
  const stale = staleTest(opts.now, opts.staleAfterMs);
  const problems: TargetView[] = [];
  const agents: TargetView[] = [];
  const services: TargetView[] = [];
  const attention: TargetView[] = [];
  const off: TargetView[] = [];
  const rest = new Map<string, TargetView[]>();
  for (const t of all) {
    const family = familyOf(t);
    if (pinned.has(family)) (t.kind === "agent" ? agents : services).push(t);
    else if (!t.enabled) off.push(t);
    else if (isProblem(t)) problems.push(t);
    else if (t.status === "unknown" || stale(t)) attention.push(t);
    else {
      const list = rest.get(family);
      if (list) list.push(t);
      else rest.set(family, [t]);
    }
  }
  const out: BoardSection[] = [];
  if (problems.length)
    out.push({ id: "problems", title: "Problems", noun: ["target", "targets"], tone: "problems", targets: worstFirst(problems), collapsible: false });
  // The fleet's own families keep today's two sections, even when one is empty while the other has targets.
  if (agents.length || services.length || all.length === 0) {
    out.push({ id: "agents", title: "Agents", noun: plural("agent"), tone: "pinned", targets: agents, collapsible: false });
    out.push({ id: "services", title: "Services", noun: plural("service"), tone: "pinned", targets: services, collapsible: false });
  }
  if (attention.length) {
    out.push({
      id: "attention",
      title: "unknown or stale",
      noun: ["target", "targets"],
      tone: "attention",
      targets: attention,
      collapsible: true,
      defaultOpen: attention.length <= OPEN_ATTENTION_MAX,
    });
  }
  for (const [family, targets] of rest) {
    const [kind, check] = family.split(":") as [BoardKind, string];
    out.push({ id: `ok-${kind}-${check}`, title: `${check} ${plural(kind)[1]}`, noun: plural(kind), tone: "rest", targets, collapsible: true });
  }
  if (off.length) out.push({ id: "off", title: "not monitored", noun: ["target", "targets"], tone: "off", targets: off, collapsible: true });
  return out;
}

/** A row of the virtualised list: a section's heading, a row of up to `cols` tiles, or a section's empty note. */
export type BoardRow =
  | { type: "head"; key: string; section: BoardSection; open: boolean }
  | { type: "tiles"; key: string; section: BoardSection; targets: TargetView[]; first: boolean; last: boolean }
  | { type: "empty"; key: string; section: BoardSection };

/** Cuts the sections into rows; a collapsible section is open when its id is in `toggled` xor it opens by default. */
export function boardRows(sections: readonly BoardSection[], cols: number, toggled: ReadonlySet<string>): BoardRow[] {
  const n = Math.max(1, Math.floor(cols));
  const rows: BoardRow[] = [];
  for (const s of sections) {
    const isOpen = !s.collapsible || toggled.has(s.id) !== (s.defaultOpen ?? false);
    rows.push({ type: "head", key: `h:${s.id}`, section: s, open: isOpen });
    if (!isOpen) continue;
    if (s.targets.length === 0) {
      if (s.tone === "pinned" || s.tone === "results") rows.push({ type: "empty", key: `e:${s.id}`, section: s });
      continue;
    }
    for (let i = 0; i < s.targets.length; i += n) {
      rows.push({
        type: "tiles",
        key: `t:${s.id}:${i / n}`,
        section: s,
        targets: s.targets.slice(i, i + n),
        first: i === 0,
        last: i + n >= s.targets.length,
      });
    }
  }
  return rows;
}

/** Tile columns for a list this wide: a column only when each tile keeps about 215 px (the same steps as before). */
export function columnsFor(width: number): number {
  if (width >= 2150) return 8;
  if (width >= 1650) return 6;
  if (width >= 1150) return 5;
  if (width >= 930) return 4;
  if (width >= 670) return 3;
  if (width >= 450) return 2;
  return 1;
}

/** "12 of 10,000 targets match" / "10,000 targets" — what the live region reads out. */
export function resultsLine(matched: number, total: number, filtered: boolean): string {
  const fmt = formatCount;
  const noun = (n: number) => (n === 1 ? "target" : "targets");
  if (!filtered) return `${fmt(total)} ${noun(total)}`;
  if (matched === 0) return `No target matches (of ${fmt(total)})`;
  return `${fmt(matched)} of ${fmt(total)} ${noun(total)} match`;
}

const COUNT_FORMAT = new Intl.NumberFormat("en-US");

/** 10016 → "10,016". One formatter for the board: `toLocaleString` builds a new one per call, which showed in its profile. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}
