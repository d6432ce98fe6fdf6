import type { Status, TargetView, TargetsPage, TargetsQuery, TargetsSummary } from "@ops/contract";

// The fleet as one API process holds it in memory, and the pure rules over it: which result wins, what changed
// since a version, filters, paging and the summary. No I/O here; state.ts feeds it from the bus and PostgreSQL.

/** True unless `incoming` was checked strictly before `current` (a late, out-of-order result); the board's rule too. */
export function isNotOlder(incoming: TargetView, current: TargetView): boolean {
  const a = incoming.checkedAt ? Date.parse(incoming.checkedAt) : NaN;
  const b = current.checkedAt ? Date.parse(current.checkedAt) : NaN;
  if (Number.isNaN(a) || Number.isNaN(b)) return true;
  return a >= b;
}

/** What a client missed since its version: the targets as they are now, and the names that left the fleet. */
export type FleetChanges = { targets: TargetView[]; removed: string[] };

/**
 * Every target's current view in config order, a fleet version that grows by one per applied change, and the
 * version at which each name last changed (at most `ringSize` names remembered; forgetting one raises `floor`,
 * the oldest version a client can resume from).
 */
export class Fleet {
  private readonly byName = new Map<string, TargetView>();
  private readonly text = new Map<string, string>();
  private order: string[] = [];
  private ordered: TargetView[] | null = [];
  /** name → the version at which it last changed, oldest first (re-inserted on change). */
  private readonly changed = new Map<string, number>();
  version = 0;
  floor = 0;

  constructor(private readonly ringSize = 20_000) {}

  get size(): number {
    return this.byName.size;
  }

  /** Every target in config order (new names from frames last); the same array until something changes. */
  list(): TargetView[] {
    this.ordered ??= this.order.map((n) => this.byName.get(n)!);
    return this.ordered;
  }

  /** The targets' JSON texts joined with commas, in list order: the inside of a `[…]` without serialising again. */
  jsonOfList(): string {
    return this.order.map((n) => this.text.get(n)!).join(",");
  }

  get(name: string): TargetView | undefined {
    return this.byName.get(name);
  }

  /**
   * Applies targets from a frame: an out-of-order result (checked before the one held) and a view equal to the
   * one held change nothing. Returns the names that changed; the version grows by one when any did.
   */
  apply(targets: readonly TargetView[]): string[] {
    const names: string[] = [];
    for (const t of targets) {
      const held = this.byName.get(t.name);
      if (held && !isNotOlder(t, held)) continue;
      const json = JSON.stringify(t);
      if (held && this.text.get(t.name) === json) continue;
      if (!held) this.order.push(t.name);
      this.byName.set(t.name, t);
      this.text.set(t.name, json);
      names.push(t.name);
    }
    if (names.length > 0) this.bump(names);
    return names;
  }

  /**
   * Replaces the fleet with PostgreSQL's rows (config order), as a change like any other, so a client can
   * resume across it. Names in `keep` changed through frames while the rows were read: the held view stays
   * unless the row is newer. Returns the names that changed or left.
   */
  rebuild(rows: readonly TargetView[], keep: ReadonlySet<string> = new Set()): string[] {
    const names: string[] = [];
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.name);
      const held = this.byName.get(row.name);
      if (held && keep.has(row.name) && !(row.checkedAt && held.checkedAt && Date.parse(row.checkedAt) > Date.parse(held.checkedAt))) continue;
      const json = JSON.stringify(row);
      if (held && this.text.get(row.name) === json) continue;
      this.byName.set(row.name, row);
      this.text.set(row.name, json);
      names.push(row.name);
    }
    // Names only frames knew (a target added after the rows were read) stay while they are being kept.
    for (const name of this.byName.keys()) {
      if (seen.has(name) || keep.has(name)) continue;
      this.byName.delete(name);
      this.text.delete(name);
      names.push(name);
    }
    const rowOrder = rows.map((r) => r.name);
    const extra = this.order.filter((n) => !seen.has(n) && this.byName.has(n));
    const order = [...rowOrder, ...extra];
    const orderChanged = order.length !== this.order.length || order.some((n, i) => n !== this.order[i]);
    this.order = order;
    if (orderChanged) this.ordered = null;
    if (names.length > 0) this.bump(names);
    else if (orderChanged) this.version++;
    return names;
  }

  /** What changed after `since`; null when the ring no longer covers it (or it is from the future): send a snapshot. */
  changesSince(since: number): FleetChanges | null {
    if (!Number.isInteger(since) || since < this.floor || since > this.version) return null;
    const targets: TargetView[] = [];
    const removed: string[] = [];
    if (since === this.version) return { targets, removed };
    for (const [name, v] of this.changed) {
      if (v <= since) continue;
      const t = this.byName.get(name);
      if (t) targets.push(t);
      else removed.push(name);
    }
    return { targets, removed };
  }

  private bump(names: readonly string[]) {
    this.version++;
    this.ordered = null;
    for (const n of names) {
      this.changed.delete(n);
      this.changed.set(n, this.version);
    }
    while (this.changed.size > this.ringSize) {
      const [oldest, v] = this.changed.entries().next().value!;
      this.changed.delete(oldest);
      this.floor = Math.max(this.floor, v);
    }
  }
}

/** Worst first; the order problems are listed in. */
const SEVERITY: Record<Status, number> = { down: 0, critical: 1, warning: 2, unknown: 3, ok: 4 };
export const PROBLEM_STATUSES: readonly Status[] = ["down", "critical", "warning"];

/** True when the query asks for anything but the whole list. */
export function isFiltered(q: TargetsQuery): boolean {
  return q.status !== undefined || q.kind !== undefined || q.q !== undefined || q.limit !== undefined || q.cursor !== undefined || q.offset !== undefined;
}

/** The targets a query selects, in fleet order: status and kind (any of a comma list), text over name, display name and description. */
export function filterTargets(targets: readonly TargetView[], q: Pick<TargetsQuery, "status" | "kind" | "q">): TargetView[] {
  const statuses = q.status ? new Set(q.status.split(",")) : null;
  const kinds = q.kind ? new Set(q.kind.split(",")) : null;
  const needle = q.q?.trim().toLowerCase() || null;
  if (!statuses && !kinds && !needle) return [...targets];
  return targets.filter(
    (t) =>
      (!statuses || statuses.has(t.status)) &&
      (!kinds || kinds.has(t.kind)) &&
      (!needle ||
        t.name.toLowerCase().includes(needle) ||
        t.displayName.toLowerCase().includes(needle) ||
        (t.description ?? "").toLowerCase().includes(needle)),
  );
}

/**
 * One page: from `offset`, or after the target named by `cursor` (the previous page's nextCursor; a cursor that is
 * no longer in the selection starts from the top), at most `limit` targets.
 */
export function pageTargets(
  selected: readonly TargetView[],
  q: Pick<TargetsQuery, "limit" | "cursor" | "offset">,
): { targets: TargetView[]; nextCursor: string | null; total: number } {
  let start = q.offset ?? 0;
  if (q.cursor !== undefined) {
    const at = selected.findIndex((t) => t.name === q.cursor);
    start = at < 0 ? 0 : at + 1;
  }
  const end = q.limit === undefined ? selected.length : Math.min(selected.length, start + q.limit);
  const targets = selected.slice(start, end);
  const last = targets.at(-1);
  return { targets, nextCursor: end < selected.length && last ? last.name : null, total: selected.length };
}

/** A filtered page of the fleet, as GET /api/targets answers a query. */
export function queryTargets(targets: readonly TargetView[], q: TargetsQuery, version: number): TargetsPage {
  const page = pageTargets(filterTargets(targets, q), q);
  return { ...page, version };
}

/** Agents first, then core services (disabled targets last), each worst status first, then fleet order. */
export function problemOrder(a: TargetView, b: TargetView, indexOf: (t: TargetView) => number): number {
  const rank = (t: TargetView) => (t.kind === "agent" ? 0 : 1);
  return rank(a) - rank(b) || SEVERITY[a.status] - SEVERITY[b.status] || indexOf(a) - indexOf(b);
}

/** Counts by status, and the targets with a problem (down, critical, warning): agents and core services first. */
export function summarize(targets: readonly TargetView[], version: number): TargetsSummary {
  const counts: Record<Status, number> = { ok: 0, warning: 0, critical: 0, down: 0, unknown: 0 };
  const index = new Map<TargetView, number>();
  const problems: TargetView[] = [];
  targets.forEach((t, i) => {
    counts[t.status]++;
    if (PROBLEM_STATUSES.includes(t.status) && t.enabled) {
      problems.push(t);
      index.set(t, i);
    }
  });
  problems.sort((a, b) => problemOrder(a, b, (t) => index.get(t) ?? 0));
  return { version, total: targets.length, counts, problems };
}
