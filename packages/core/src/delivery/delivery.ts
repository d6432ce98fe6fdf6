import type { ChangePayload, Deployment, DeploymentBody, DeliveryReportView } from "@ops/contract";
import { columns, deployments, type DbHandle, type Row } from "@ops/db";
import { doraReport, runAsChange, type ChangeFailure, type DeliveryChange } from "@ops/domain";
import type postgres from "postgres";
import { writeAudit } from "../identity/audit.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";

// Delivery (DORA) metrics: the changes come from CI (`POST /api/deployments`), the agent versions the probes saw change,
// and applied governance changes; the failures from incidents and rollbacks. The maths is the domain's (`doraReport`).

type Sql = postgres.Sql | postgres.TransactionSql;
type DeploymentRow = Row<typeof deployments>;

const COLUMNS = columns(deployments);
const DAY = 86_400_000;

function toView(r: DeploymentRow): Deployment {
  return {
    id: r.id,
    service: r.service,
    version: r.version,
    commitAt: r.commitAt?.toISOString() ?? null,
    deployedAt: r.deployedAt.toISOString(),
    result: r.result,
    source: r.source,
    recordedBy: r.recordedBy,
    createdAt: r.createdAt.toISOString(),
  };
}

/** CI reports a deploy: recorded, audited, counted in the delivery metrics from now on. */
export async function recordDeployment(h: DbHandle, ctx: RequestContext, body: DeploymentBody): Promise<Deployment> {
  requirePermission(ctx, "deployments:write");
  return h.sql.begin(async (tx) => {
    const [row] = await tx.unsafe<DeploymentRow[]>(
      `INSERT INTO deployments (service, version, commit_at, deployed_at, result, source, recorded_by)
       VALUES ($1, $2, $3, $4, $5, 'api', $6) RETURNING ${COLUMNS}`,
      [body.service, body.version, new Date(body.commitAt), new Date(body.deployedAt), body.result, ctx.actor.label],
    );
    const view = toView(row!);
    await writeAudit(tx, ctx, { action: "deployment.record", targetType: "deployment", targetId: String(view.id), after: view });
    return view;
  });
}

/**
 * An agent's version as a probe saw it: a change from the version stored before is a change of that agent, recorded once
 * per (agent, version) however many probes see it. Its commit time is unknown, so it has no lead time.
 */
export async function recordObservedVersions(sql: Sql, seen: readonly { target: string; from: string; to: string; at: Date }[]): Promise<number> {
  if (seen.length === 0) return 0;
  const rows = await sql`
    INSERT INTO deployments (service, version, commit_at, deployed_at, result, source, recorded_by)
    SELECT s.target, s.to, NULL, s.at, 'succeeded', 'probe', 'probe'
    FROM jsonb_to_recordset(${sql.json(seen.map((s) => ({ target: s.target, to: s.to, at: s.at.toISOString() })))}) AS s(target text, "to" text, at timestamptz)
    ON CONFLICT (service, version) WHERE source = 'probe' DO NOTHING
    RETURNING id`;
  return rows.length;
}

/**
 * A runbook run that changed configuration, recorded as a change when it closes (inside the closing
 * transaction): source "runbook", its targets (held or named by its steps; none: the whole fleet), failed when the run or a
 * config-changing step failed. Lead time runs from the run's creation to its end. Returns the change's id.
 */
export async function recordRunbookChange(tx: Sql, runId: number, status: "succeeded" | "failed" | "cancelled"): Promise<number | null> {
  const [run] = await tx<{ runbookId: string; procedureId: string; targets: string[]; createdAt: Date; startedBy: string }[]>`
    SELECT runbook_id AS "runbookId", procedure_id AS "procedureId", targets, created_at AS "createdAt", started_by AS "startedBy" FROM runbook_runs WHERE id = ${runId}`;
  if (!run) return null;
  const steps = await tx<
    { actionType: string; status: string; target: string | null }[]
  >`SELECT action->>'type' AS "actionType", status, target FROM run_steps WHERE run_id = ${runId} ORDER BY idx`;
  const change = runAsChange(status, steps);
  if (!change) return null;
  // Its targets: those it held and those its steps named; none named: the whole fleet.
  const targets = [...new Set([...run.targets, ...steps.map((s) => s.target).filter((t): t is string => t !== null)])];
  const [row] = await tx<{ id: number }[]>`
    INSERT INTO deployments (service, version, commit_at, deployed_at, result, source, recorded_by, targets)
    VALUES (${targets.length === 1 ? targets[0]! : `runbook ${run.runbookId}`}, ${`run #${runId} ${run.runbookId}/${run.procedureId}`}, ${run.createdAt},
            now(), ${change.failed ? "failed" : "succeeded"}, 'runbook', ${run.startedBy}, ${targets}::text[])
    RETURNING id`;
  return row!.id;
}

export async function listDeployments(h: DbHandle, opts: { limit: number; service?: string | undefined }): Promise<Deployment[]> {
  const rows = await h.sql.unsafe<DeploymentRow[]>(
    `SELECT ${COLUMNS} FROM deployments WHERE ($1::text IS NULL OR service = $1) ORDER BY deployed_at DESC, id DESC LIMIT $2`,
    [opts.service ?? null, opts.limit],
  );
  return rows.map(toView);
}

const changeTargets = (c: ChangePayload | null): string[] => (c?.kind === "auto-heal-toggle" ? [c.target] : []);

/** The changes and failures of the last `days` (+ the failure window), as the domain's DORA maths takes them. */
export async function deliveryInputs(sql: Sql, now: number, days = 30): Promise<{ changes: DeliveryChange[]; failures: ChangeFailure[] }> {
  const since = new Date(now - (days + 1) * DAY);
  const deploys = await sql<DeploymentRow[]>`
    SELECT ${sql.unsafe(COLUMNS)} FROM deployments WHERE deployed_at > ${since} ORDER BY deployed_at`;
  // A governance change that was applied (a threshold changes the whole fleet; an auto-heal toggle its one target).
  const applied = await sql<{ id: number; change: ChangePayload | null; appliedAt: Date; openedAt: Date }[]>`
    SELECT id, change, applied_at AS "appliedAt", opened_at AS "openedAt" FROM proposals
    WHERE apply_status = 'applied' AND applied_at > ${since} AND change->>'kind' IN ('monitoring-threshold', 'auto-heal-toggle')`;
  const incidents = await sql<{ id: number; targets: string[]; startedAt: Date; resolvedAt: Date | null }[]>`
    SELECT id, targets, started_at AS "startedAt", resolved_at AS "resolvedAt" FROM incidents WHERE started_at > ${since}`;
  const changes: DeliveryChange[] = [
    ...deploys.map((d): DeliveryChange => ({
      id: `deployment-${d.id}`,
      source: d.source === "probe" ? "agent_version" : d.source === "api" ? "deployment" : d.source,
      targets: d.targets ?? [d.service],
      committedAt: d.commitAt?.getTime() ?? null,
      deployedAt: d.deployedAt.getTime(),
      failed: d.result !== "succeeded",
    })),
    ...applied.map((p): DeliveryChange => ({
      id: `proposal-${p.id}`,
      source: "governance",
      targets: changeTargets(p.change),
      // The proposal was written when it opened: lead time runs from there to its application.
      committedAt: p.openedAt.getTime(),
      deployedAt: p.appliedAt.getTime(),
      failed: false,
    })),
  ];
  const failures: ChangeFailure[] = [
    ...incidents.map((i): ChangeFailure => ({
      id: `INC-${i.id}`,
      kind: "incident",
      targets: i.targets,
      startedAt: i.startedAt.getTime(),
      restoredAt: i.resolvedAt?.getTime() ?? null,
    })),
    // A rollback is a failure of what it rolled back: the service's changes just before it.
    ...deploys
      .filter((d) => d.result === "rolled_back")
      .map((d): ChangeFailure => ({
        id: `rollback-${d.id}`,
        kind: "rollback",
        targets: [d.service],
        startedAt: d.deployedAt.getTime(),
        restoredAt: d.deployedAt.getTime(),
      })),
  ];
  return { changes, failures };
}

/** The DORA report: the last 7 and 30 days and a weekly trend, with the seed's bands. */
export async function deliveryReport(h: DbHandle, now = Date.now(), opts: { weeks?: number; failureWindowMs?: number } = {}): Promise<DeliveryReportView> {
  const weeks = opts.weeks ?? 8;
  const { changes, failures } = await deliveryInputs(h.sql, now, Math.max(30, weeks * 7));
  const report = doraReport(changes, failures, now, { weeks, ...(opts.failureWindowMs ? { failureWindowMs: opts.failureWindowMs } : {}) });
  const iso = (p: (typeof report)["week"]) => ({ ...p, from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() });
  return { generatedAt: new Date(now).toISOString(), week: iso(report.week), days30: iso(report.days30), weeks: report.weeks.map(iso) };
}
