import type { Handoff, HandoffRestart } from "@ops/contract";
import { columns, restarts as restartsTable, type DbHandle, type learnings, type Row } from "@ops/db";
import { listIncidents } from "../incidents/incidents.ts";
import { getLearningSummary, listPromotions, type LearningSummary } from "../learnings/learnings.ts";
import { listRuns } from "../runbooks/runs.ts";

export type { Handoff };

const RESTART = ["id", "target", "attempt", "status", "startedAt", "reason"] as const;

/**
 * What the next on-call engineer needs at shift start: open incidents, pending high and critical
 * learnings, the last day's restarts, the handoff checklist, and runbook runs still going.
 */
export async function getHandoff(h: DbHandle): Promise<Handoff> {
  const [openIncidents, learningRows, restarts, checklist, running, waiting, queued] = await Promise.all([
    listIncidents(h, { status: "open", limit: 100 }),
    h.sql<Pick<Row<typeof learnings>, "id">[]>`
      SELECT id FROM learnings WHERE status IN ('pending', 'in_progress') AND priority IN ('high', 'critical')
      ORDER BY CASE priority WHEN 'critical' THEN 0 ELSE 1 END, ord DESC LIMIT 50`,
    h.sql<Pick<Row<typeof restartsTable>, (typeof RESTART)[number]>[]>`
      SELECT ${h.sql.unsafe(columns(restartsTable, { only: RESTART }))} FROM restarts WHERE started_at > now() - interval '24 hours' ORDER BY started_at DESC LIMIT 100`,
    listPromotions(h, { kind: "handoff", done: false, limit: 100 }),
    listRuns(h, { status: "running", limit: 50 }),
    listRuns(h, { status: "waiting", limit: 50 }),
    listRuns(h, { status: "queued", limit: 50 }),
  ]);
  const learningSummaries: LearningSummary[] = [];
  for (const r of learningRows) learningSummaries.push(await getLearningSummary(h.sql, r.id));
  return {
    openIncidents,
    learnings: learningSummaries,
    restarts: restarts.map((r): HandoffRestart => ({ ...r, startedAt: r.startedAt.toISOString() })),
    checklist,
    runs: [...running, ...waiting, ...queued],
  };
}
