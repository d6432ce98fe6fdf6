import type { StatusEventView, TargetView } from "@ops/contract";
import type { EventFilter } from "../../lib/targets.ts";
import type { ServerFrame } from "@ops/contract";

/** The frames the board acts on: parsed by lib/ws.ts with the contract's ServerFrame schema. */
export type LiveFrame = Extract<ServerFrame, { type: "snapshot" | "target.status" | "target.update" | "heartbeat" | "error" }>;

const LIVE_TYPES: ReadonlySet<ServerFrame["type"]> = new Set(["snapshot", "target.status", "target.update", "heartbeat", "error"]);

/** The frame if the board acts on it; null for the other features' frames. */
export function toLiveFrame(frame: ServerFrame): LiveFrame | null {
  return LIVE_TYPES.has(frame.type) ? (frame as LiveFrame) : null;
}

/** True unless `incoming` was checked strictly before `current` (a late, out-of-order result). */
export function isNotOlder(incoming: TargetView, current: TargetView): boolean {
  const a = incoming.checkedAt ? Date.parse(incoming.checkedAt) : NaN;
  const b = current.checkedAt ? Date.parse(current.checkedAt) : NaN;
  if (Number.isNaN(a) || Number.isNaN(b)) return true;
  return a >= b;
}

/**
 * Replaces targets by name, keeping the list's order and appending new names.
 * Returns the same array when nothing changed, so React Query does not re-render for nothing.
 */
export function upsertTargets(list: readonly TargetView[] | undefined, updates: readonly TargetView[]): TargetView[] | undefined {
  if (!list) return undefined;
  const byName = new Map(updates.map((t) => [t.name, t]));
  let changed = false;
  const next = list.map((t) => {
    const u = byName.get(t.name);
    if (!u) return t;
    byName.delete(t.name);
    if (!isNotOlder(u, t)) return t;
    changed = true;
    return u;
  });
  for (const u of byName.values()) {
    next.push(u);
    changed = true;
  }
  return changed ? next : (list as TargetView[]);
}

/** The targets list after a frame. A snapshot replaces everything: it is the truth after a reconnect. */
export function applyFrame(list: TargetView[] | undefined, frame: LiveFrame): TargetView[] | undefined {
  switch (frame.type) {
    case "snapshot":
      return frame.targets;
    case "target.status":
      return upsertTargets(list, [frame.target]);
    case "target.update":
      return upsertTargets(list, frame.targets);
    default:
      return list;
  }
}

/** Adds a pushed event to a cached, newest-first list if it matches the list's filter. */
export function prependEvent(events: StatusEventView[] | undefined, event: StatusEventView, filter: EventFilter): StatusEventView[] | undefined {
  if (!events) return undefined;
  if (filter.target !== undefined && filter.target !== event.target) return events;
  if (events.some((e) => e.id === event.id)) return events;
  return [event, ...events].slice(0, filter.limit ?? 50);
}
