import type { DbHandle } from "@ops/db";
import {
  SEED_CAPACITY_LIMITS,
  detectAlertFatigue,
  detectCapacity,
  detectChangeFailureRate,
  detectRecurrence,
  detectRepeatedRemediation,
  detectSlowDetection,
  detectSlowResolution,
  type AlertDay,
  type Change,
  type DetectionFinding,
  type IncidentFact,
  type Remediation,
  type ResourceSample,
  type Severity,
} from "@ops/domain";
import type { FramePublisher } from "../bus.ts";
import { recordFinding, type RecordedFinding } from "./learnings.ts";

const DAY = 86_400_000;

/** The facts the detection triggers look at, read from the store for the window ending at `now`. */
export async function gatherFindings(h: DbHandle, now: number): Promise<DetectionFinding[]> {
  const at = new Date(now);
  const incidents = (
    await h.sql<
      {
        id: number;
        target: string | null;
        signature: string | null;
        severity: Severity;
        startedAt: Date;
        detectedAt: Date;
        resolvedAt: Date | null;
        title: string;
      }[]
    >`
      SELECT id, target, signature, severity, started_at AS "startedAt", detected_at AS "detectedAt", resolved_at AS "resolvedAt", title
      FROM incidents WHERE started_at > ${new Date(now - 30 * DAY)} AND started_at <= ${at}`
  ).map((r): IncidentFact => ({
    id: r.id,
    target: r.target,
    signature: r.signature,
    severity: r.severity,
    startedAt: r.startedAt.getTime(),
    // A detection clock in the future of the record (a test's controlled clock) must not see time run backwards.
    detectedAt: Math.max(r.detectedAt.getTime(), r.startedAt.getTime()),
    resolvedAt: r.resolvedAt?.getTime() ?? null,
    title: r.title,
  }));
  const alertDays = await h.sql<AlertDay[]>`
    SELECT target, kind, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(DISTINCT at)::int AS count
    FROM alerts WHERE at > ${new Date(now - 7 * DAY)} AND at <= ${at} GROUP BY 1, 2, 3`;
  const restarts = await h.sql<{ id: number; target: string; at: Date }[]>`
    SELECT id, target, started_at AS at FROM restarts WHERE status IN ('succeeded', 'failed') AND started_at > ${new Date(now - 30 * DAY)} AND started_at <= ${at}`;
  const cases = await h.sql<{ id: number; target: string; caseId: string; at: Date }[]>`
    SELECT id, target, case_id AS "caseId", at FROM diagnoses
    WHERE case_id IS NOT NULL AND outcome IN ('fixed', 'not-fixed') AND at > ${new Date(now - 30 * DAY)} AND at <= ${at}`;
  const runs = await h.sql<{ id: number; runbook: string; procedure: string; title: string; params: unknown; targets: string[]; status: string; at: Date }[]>`
    SELECT id, runbook_id AS runbook, procedure_id AS procedure, runbook_title || ' → ' || procedure_title AS title, params, targets, status,
      coalesce(finished_at, created_at) AS at
    FROM runbook_runs WHERE status IN ('succeeded', 'failed') AND created_at > ${new Date(now - 30 * DAY)} AND created_at <= ${at}`;
  const remediations: Remediation[] = [
    ...restarts.map((r) => ({ key: `restart.${r.target}`, label: `Restart of ${r.target} by the watchdog`, id: `restart-${r.id}`, at: r.at.getTime() })),
    ...cases.map((c) => ({
      key: `case.${c.caseId}.${c.target}`,
      label: `Doctor case ${c.caseId} on ${c.target}`,
      id: `diagnosis-${c.id}`,
      at: c.at.getTime(),
    })),
    ...runs
      .filter((r) => r.targets.length > 0)
      .map((r) => ({
        key: `runbook.${r.runbook}.${r.procedure}.${JSON.stringify(r.params)}`,
        label: `${r.title} ${JSON.stringify(r.params)}`,
        id: `run-${r.id}`,
        at: r.at.getTime(),
      })),
  ];
  // A change is a run that acted on targets; runs that only looked (troubleshooting) are not changes.
  const changes: Change[] = runs
    .filter((r) => r.targets.length > 0)
    .map((r) => ({ id: `run-${r.id}`, at: r.at.getTime(), failed: r.status === "failed", targets: r.targets }));
  // DORA's change failure rate: a run followed by an incident on one of its targets within 24 h failed too.
  const failures = incidents
    .filter((i) => i.target !== null)
    .map((i) => ({ id: `incident-${i.id}`, kind: "incident" as const, targets: [i.target!], startedAt: i.startedAt, restoredAt: i.resolvedAt }));
  const samples = (
    await h.sql<{ target: string; at: Date; cpu: number | null; memory: number | null; disk: number | null }[]>`
      SELECT target, checked_at AS at, cpu_percent AS cpu, memory_percent AS memory, disk_percent AS disk
      FROM probe_samples WHERE checked_at > ${new Date(now - SEED_CAPACITY_LIMITS.cpuSustainMs - 5 * 60_000)} AND checked_at <= ${at}
        AND (cpu_percent IS NOT NULL OR memory_percent IS NOT NULL OR disk_percent IS NOT NULL)`
  ).map((s): ResourceSample => ({ target: s.target, at: s.at.getTime(), cpu: s.cpu, memory: s.memory, disk: s.disk }));
  return [
    ...detectRecurrence(incidents, now),
    ...detectSlowResolution(incidents, now),
    ...detectSlowDetection(incidents),
    ...detectAlertFatigue(alertDays),
    ...detectRepeatedRemediation(remediations, now),
    ...detectChangeFailureRate(changes, now, undefined, undefined, undefined, failures),
    ...detectCapacity(samples, now),
  ];
}

/** Run every detection trigger once; returns the learnings created or changed, each told to the dashboards. Safe to repeat. */
export async function runDetections(h: DbHandle, now: number, bus: FramePublisher): Promise<RecordedFinding[]> {
  const out: RecordedFinding[] = [];
  for (const f of await gatherFindings(h, now)) {
    const r = await recordFinding(h, f, now, bus);
    if (r) out.push(r);
  }
  return out;
}
