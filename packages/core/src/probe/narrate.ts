import type { StatusEventView } from "@ops/contract";
import type { DbHandle } from "@ops/db";
import { narrateIncident } from "../incidents/incidents.ts";

/**
 * Add the prober's status events to the open incidents of their targets: one query finds which targets have
 * an open incident (at 10,000 first sightings, usually none), then one entry each. Returns the incidents narrated.
 */
export async function narrateStatusEvents(h: DbHandle, events: readonly StatusEventView[]): Promise<number[]> {
  if (events.length === 0) return [];
  const names = [...new Set(events.map((e) => e.target))];
  const open = await h.sql<{ id: number; target: string }[]>`SELECT id, target FROM incidents WHERE target = ANY(${names}) AND resolved_at IS NULL`;
  if (open.length === 0) return [];
  const byTarget = new Map(open.map((r) => [r.target, r.id]));
  const narrated: number[] = [];
  for (const e of events) {
    const id = byTarget.get(e.target);
    if (id === undefined) continue;
    const text = e.kind === "restart" ? e.reason : `${e.from} → ${e.to}: ${e.reason}`;
    await narrateIncident(h, id, "status", "prober", text);
    if (!narrated.includes(id)) narrated.push(id);
  }
  return narrated;
}
