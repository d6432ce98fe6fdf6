import type { DbHandle } from "@ops/db";
import { listIncidents } from "../incidents/incidents.ts";
import { getLearningSummary, listPromotions, type LearningSummary } from "../learnings/learnings.ts";
import { listRuns } from "../runbooks/runs.ts";

/**
 * What the next on-call engineer needs at shift start: open incidents, pending high and critical
 * learnings, the last day's restarts, the handoff checklist, and runbook runs still going.
 */
export async function getHandoff(h: DbHandle) {
  const [openIncidents, learningRows, restarts, checklist, running, waiting, queued] = await Promise.all([
    listIncidents(h, { status: "open", limit: 100 }),
    h.sql<{ id: string }[]>`
      SELECT id FROM learnings WHERE status IN ('pending', 'in_progress') AND priority IN ('high', 'critical')
      ORDER BY CASE priority WHEN 'critical' THEN 0 ELSE 1 END, ord DESC LIMIT 50`,
    h.sql<{ id: string; target: string; attempt: number; status: string; startedAt: Date; reason: string }[]>`
      SELECT id, target, attempt, status, started_at AS "startedAt", reason FROM restarts WHERE started_at > now() - interval '24 hours' ORDER BY started_at DESC LIMIT 100`,
    listPromotions(h, { kind: "handoff", done: false, limit: 100 }),
    listRuns(h, { status: "running", limit: 50 }),
    listRuns(h, { status: "waiting", limit: 50 }),
    listRuns(h, { status: "queued", limit: 50 }),
  ]);
  const learnings: LearningSummary[] = [];
  for (const r of learningRows) learnings.push(await getLearningSummary(h.sql, r.id));
  return {
    openIncidents,
    learnings,
    restarts: restarts.map((r) => ({ ...r, id: Number(r.id), startedAt: r.startedAt.toISOString() })),
    checklist,
    runs: [...running, ...waiting, ...queued],
  };
}
