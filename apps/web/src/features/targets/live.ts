import type { StatusEventView, TargetView } from "@ops/contract";
import type { EventFilter } from "../../lib/targets.ts";
import type { Frame } from "../../lib/ws.ts";

export type LiveFrame =
  | { type: "snapshot"; targets: TargetView[]; serverTime?: string }
  | { type: "target.status"; target: TargetView; event: StatusEventView | null }
  | { type: "target.update"; targets: TargetView[] }
  | { type: "heartbeat"; serverTime?: string }
  | { type: "error"; code?: string; message: string };

function isTargetLike(v: unknown): v is TargetView {
  return typeof v === "object" && v !== null && typeof (v as { name?: unknown }).name === "string";
}

function isEventLike(v: unknown): v is StatusEventView {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { target?: unknown }).target === "string" &&
    typeof (v as { at?: unknown }).at === "string"
  );
}

/** Narrows a raw frame to one we understand; unknown types and malformed payloads give null. */
export function toLiveFrame(frame: Frame): LiveFrame | null {
  switch (frame.type) {
    case "snapshot":
    case "target.update": {
      if (!Array.isArray(frame.targets)) return null;
      const targets = frame.targets.filter(isTargetLike);
      return frame.type === "snapshot"
        ? { type: "snapshot", targets, serverTime: typeof frame.serverTime === "string" ? frame.serverTime : undefined }
        : { type: "target.update", targets };
    }
    case "target.status":
      if (!isTargetLike(frame.target)) return null;
      return {
        type: "target.status",
        target: frame.target,
        event: isEventLike(frame.event) ? frame.event : null,
      };
    case "heartbeat":
      return { type: "heartbeat", serverTime: typeof frame.serverTime === "string" ? frame.serverTime : undefined };
    case "error":
      return {
        type: "error",
        code: typeof frame.code === "string" ? frame.code : undefined,
        message: typeof frame.message === "string" ? frame.message : "live stream error",
      };
    default:
      return null;
  }
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
export function prependEvent(
  events: StatusEventView[] | undefined,
  event: StatusEventView,
  filter: EventFilter,
): StatusEventView[] | undefined {
  if (!events) return undefined;
  if (filter.target !== undefined && filter.target !== event.target) return events;
  if (events.some((e) => e.id === event.id)) return events;
  return [event, ...events].slice(0, filter.limit ?? 50);
}
