import type { Handoff, PromotionView } from "@ops/contract";
import type { ServerFrame } from "@ops/contract";

/** The checklist after an item was ticked or unticked: it stays in place until the next refresh. */
export function tickChecklist(h: Handoff, p: PromotionView): Handoff {
  return { ...h, checklist: h.checklist.map((x) => (x.id === p.id ? p : x)) };
}

const RELEVANT = new Set(["snapshot", "incident.updated", "run.updated", "learning.updated"]);

/** Frames after which the handoff view is out of date. */
export function affectsHandoff(frame: ServerFrame): boolean {
  return RELEVANT.has(frame.type);
}

/** "3 open incidents" for the print header. */
export function countText(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
