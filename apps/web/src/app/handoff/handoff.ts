import { normalizeIncident } from "../../features/incidents/types.ts";
import type { Incident } from "../../features/incidents/types.ts";
import { hasStringId, normalizeLearningSummary, normalizePromotion } from "../../features/learnings/types.ts";
import type { LearningSummary, Promotion } from "../../features/learnings/types.ts";
import { normalizeRunSummary } from "../../features/runbooks/types.ts";
import type { RunSummary } from "../../features/runbooks/types.ts";
import { hasNumericId, num, record, str, text } from "../../lib/parse.ts";
import type { Frame } from "../../lib/ws.ts";

export type HandoffRestart = { id: number; target: string; attempt: number; status: string; startedAt: string; reason: string };

export type Handoff = {
  openIncidents: Incident[];
  learnings: LearningSummary[];
  restarts: HandoffRestart[];
  checklist: Promotion[];
  runs: RunSummary[];
};

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function normalizeRestart(raw: unknown): HandoffRestart {
  const r = record(raw);
  return {
    id: num(r.id) ?? 0,
    target: text(r.target),
    attempt: num(r.attempt) ?? 1,
    status: str(r.status) ?? "unknown",
    startedAt: str(r.startedAt) ?? new Date(0).toISOString(),
    reason: text(r.reason),
  };
}

export function normalizeHandoff(raw: unknown): Handoff {
  const h = record(raw);
  return {
    openIncidents: list(h.openIncidents).filter(hasNumericId).map((i) => normalizeIncident(i as Incident)),
    learnings: list(h.learnings).filter(hasStringId).map(normalizeLearningSummary),
    restarts: list(h.restarts).map(normalizeRestart),
    checklist: list(h.checklist).map(normalizePromotion),
    runs: list(h.runs).filter(hasNumericId).map((r) => normalizeRunSummary(r as RunSummary)),
  };
}

/** The checklist after an item was ticked or unticked: it stays in place until the next refresh. */
export function tickChecklist(h: Handoff, p: Promotion): Handoff {
  return { ...h, checklist: h.checklist.map((x) => (x.id === p.id ? p : x)) };
}

const RELEVANT = new Set(["snapshot", "incident.updated", "run.updated", "learning.updated"]);

/** Frames after which the handoff view is out of date. */
export function affectsHandoff(frame: Frame): boolean {
  return RELEVANT.has(frame.type);
}

/** "3 open incidents" for the print header. */
export function countText(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
