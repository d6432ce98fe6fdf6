import type { OpsConfig, TargetConfig } from "@ops/config";
import type { DbHandle, Row, runSteps, runbookRuns, targetState } from "@ops/db";
import {
  FINAL_RUN_STATUSES,
  evidenceText,
  nextMove,
  outcomeLabel,
  redactText,
  runOutcome,
  type AlertFacts,
  type PlanStep,
  type ResolvedAction,
  type StepProgress,
  type StepStatus,
} from "@ops/domain";
import type postgres from "postgres";
import type { FramePublisher } from "../bus.ts";
import { latestBackupBefore, resolveBackup, restoreBackup, runBackup, verifyBackup, type BackupEnv } from "../backups/backups.ts";
import { collectEvidence } from "../doctor/doctor.ts";
import { restartTarget, run as runArgv, switchTarget } from "../healing/drivers.ts";
import { setHealingPaused } from "../healing/ladder.ts";
import { writeAudit } from "../identity/audit.ts";
import { systemContext, type RequestContext } from "../identity/context.ts";
import { narrateIncident } from "../incidents/incidents.ts";
import { runProbeShard } from "../probe/run-shard.ts";
import type { RecordOutcome } from "../targets/record.ts";
import { closeRun, publishRun } from "./runs.ts";

export type ExecutorDeps = {
  db: DbHandle;
  config: OpsConfig;
  /** Where the run's `run.updated` frames go as it moves: the worker's bus. */
  bus: FramePublisher;
  /** A probe taken by a step is recorded like any other; the worker publishes it to the board. */
  afterProbe: (outcome: RecordOutcome) => Promise<void>;
  /** Raise an alert through the configured channels. */
  alert: (facts: AlertFacts) => Promise<void>;
  /** How often a waiting step looks for a cancel request and a new reading. */
  pollMs?: number;
  /** Where backups go and what they are of; without it backup steps fail and say so. */
  backups?: BackupEnv;
};

export type ActionResult = { ok: boolean; output: string; cancelled?: boolean };

const MAX_OUTPUT = 8000;
const clip = (text: string) => {
  const t = redactText(text.trim());
  return t.length > MAX_OUTPUT ? `…${t.slice(-MAX_OUTPUT)}` : t;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type RunContext = { runId: number; epoch: number; createdAt: Date; actor: RequestContext; cancelled: () => Promise<boolean> };

function targetOf(config: OpsConfig, name: string): TargetConfig {
  const t = config.fleet.targets.find((x) => x.name === name);
  if (!t) throw new Error(`${name} is not in the fleet file any more`);
  return t;
}

async function probeOnce(deps: ExecutorDeps, name: string) {
  const outcome = await runProbeShard(deps.db, deps.config, [name]);
  await deps.afterProbe(outcome);
  const [view] = outcome.updated;
  if (view) return view;
  const [row] = await deps.db.sql<
    Pick<Row<typeof targetState>, "status" | "reason" | "ready">[]
  >`SELECT status, reason, ready FROM target_state WHERE name = ${name}`;
  return { status: row?.status ?? "unknown", reason: row?.reason ?? "never probed", ready: row?.ready ?? null };
}

async function waitHealthy(deps: ExecutorDeps, rc: RunContext, a: Extract<ResolvedAction, { type: "wait-healthy" }>): Promise<ActionResult> {
  const started = Date.now();
  const deadline = started + a.timeoutSeconds * 1000;
  const seen: string[] = [];
  for (;;) {
    const v = await probeOnce(deps, a.target);
    const line = `${v.status}: ${v.reason}`;
    if (seen.at(-1) !== line) seen.push(line);
    // A gateway that answers but is not ready yet (starting) is not healthy, whatever its status says.
    if ((a.accept as string[]).includes(v.status) && v.ready !== false) {
      return { ok: true, output: `${a.target} healthy after ${((Date.now() - started) / 1000).toFixed(1)} s (${line})\nseen: ${seen.join(" → ")}` };
    }
    if (Date.now() >= deadline) return { ok: false, output: `${a.target} not healthy within ${a.timeoutSeconds} s; last: ${line}\nseen: ${seen.join(" → ")}` };
    if (await rc.cancelled()) return { ok: false, cancelled: true, output: `cancelled while waiting for ${a.target} (last: ${line})` };
    await sleep(deps.pollMs ?? 1000);
  }
}

async function httpCheck(deps: ExecutorDeps, a: Extract<ResolvedAction, { type: "http-check" }>): Promise<ActionResult> {
  const url = a.url ?? `${targetOf(deps.config, a.target!).baseUrl.replace(/\/$/, "")}${a.path}`;
  const started = Date.now();
  try {
    const res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(a.timeoutSeconds * 1000) });
    const body = await res.text();
    const ms = Date.now() - started;
    const statusOk = a.expectStatus.includes(res.status);
    const bodyOk = a.bodyIncludes === undefined || body.includes(a.bodyIncludes);
    const lines = [`GET ${url} → HTTP ${res.status} in ${ms} ms`, body.slice(0, 600)];
    if (!statusOk) lines.unshift(`expected HTTP ${a.expectStatus.join(" or ")}`);
    if (!bodyOk) lines.unshift(`the body does not contain ${JSON.stringify(a.bodyIncludes)}`);
    return { ok: statusOk && bodyOk, output: lines.join("\n") };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${a.timeoutSeconds} s` : (e.cause?.code ?? e.message);
    return { ok: false, output: `GET ${url}: ${why}` };
  }
}

async function notify(deps: ExecutorDeps, rc: RunContext, a: Extract<ResolvedAction, { type: "notify" }>): Promise<ActionResult> {
  await deps.alert({
    target: `run-${rc.runId}`,
    kind: "runbook",
    level: a.level,
    at: Date.now(),
    reason: a.message,
    failingSince: null,
    restartsInWindow: 0,
    windowSeconds: deps.config.monitoring.selfHealing.restartWindowSeconds,
    lastOkAt: null,
    actions: [`runbook run #${rc.runId} by ${rc.actor.actor.label}`],
    diagnosis: null,
    incidentKey: null,
  });
  return { ok: true, output: `alert raised (${a.level}): ${a.message}` };
}

/** Carry out one action. Every external effect goes through a driver, the prober or an argv: no shell. */
export async function performAction(deps: ExecutorDeps, rc: RunContext, a: ResolvedAction): Promise<ActionResult> {
  const { db, config } = deps;
  switch (a.type) {
    case "restart-target":
      return restartTarget(targetOf(config, a.target), config.fleet, db);
    case "stop-target":
      return switchTarget(targetOf(config, a.target), config.fleet, "stop", db);
    case "start-target":
      return switchTarget(targetOf(config, a.target), config.fleet, "start", db);
    case "wait-healthy":
      return waitHealthy(deps, rc, a);
    case "check-target": {
      const v = await probeOnce(deps, a.target);
      const ok = (a.expect as string[]).includes(v.status);
      return { ok, output: `${a.target} is ${v.status}: ${v.reason}${ok ? "" : ` (expected ${a.expect.join(" or ")})`}` };
    }
    case "http-check":
      return httpCheck(deps, a);
    case "collect-evidence": {
      const evidence = evidenceText(await collectEvidence(db, config, targetOf(config, a.target)));
      return { ok: true, output: evidence || `no evidence found for ${a.target}` };
    }
    case "backup": {
      if (!deps.backups) return { ok: false, output: "this executor has no backup location configured" };
      const b = await runBackup(db, deps.backups, a.kind, `run #${rc.runId}`);
      const v = await verifyBackup(db, deps.backups, b);
      return { ok: v.ok, output: `${b.id}: ${b.size} bytes in ${b.path}\n${(v.ok ? v.checks : v.problems).join("\n")}` };
    }
    case "restore-backup": {
      if (!deps.backups) return { ok: false, output: "this executor has no backup location configured" };
      // "latest" is the newest backup from before this run started: never the safety copy the run just made.
      const b = a.backup === "latest" ? await latestBackupBefore(db, a.kind, rc.createdAt) : await resolveBackup(db, deps.backups, a.backup, a.kind);
      if (b.type !== a.kind) return { ok: false, output: `${b.id} is a ${b.type} backup, not ${a.kind}` };
      const log = await restoreBackup(db, deps.backups, b);
      return { ok: true, output: [`restored ${b.id}`, ...log].join("\n") };
    }
    case "notify":
      return notify(deps, rc, a);
    case "pause-healing":
    case "resume-healing":
      await setHealingPaused(db, rc.actor, a.target, a.type === "pause-healing");
      return { ok: true, output: `auto-healing ${a.type === "pause-healing" ? "paused" : "resumed"} for ${a.target}` };
    case "wait": {
      const until = Date.now() + a.seconds * 1000;
      while (Date.now() < until) {
        if (await rc.cancelled()) return { ok: false, cancelled: true, output: "cancelled during the wait" };
        await sleep(Math.min(deps.pollMs ?? 1000, until - Date.now()));
      }
      return { ok: true, output: `waited ${a.seconds} s` };
    }
    case "command": {
      const r = await runArgv(a.argv, a.timeoutSeconds * 1000);
      return { ok: r.ok, output: `$ ${a.argv.map(quoteForDisplay).join(" ")}\n${r.output}` };
    }
    case "manual":
      return { ok: false, output: "a manual step is confirmed by a person, never executed" };
  }
}

/** Show an argv the way a person would type it; display only, it never reaches a shell. */
export function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

// ---------------------------------------------------------------------------------------------------------

type StepRow = Pick<Row<typeof runSteps>, "status" | "retrySafe" | "onFailure" | "title" | "output"> & { index: number; action: ResolvedAction };

/** Move a step under the executor's epoch; false means another executor owns the run now. */
async function moveStep(
  sql: postgres.Sql,
  rc: RunContext,
  index: number,
  from: StepStatus[],
  set: { status: StepStatus; output?: string; start?: boolean; finish?: boolean },
): Promise<boolean> {
  const rows = await sql`
    UPDATE run_steps SET status = ${set.status},
      output = coalesce(${set.output ?? null}, output),
      started_at = CASE WHEN ${set.start ?? false} THEN now() ELSE started_at END,
      finished_at = CASE WHEN ${set.finish ?? false} THEN now() ELSE finished_at END,
      attempts = attempts + CASE WHEN ${set.start ?? false} THEN 1 ELSE 0 END
    WHERE run_id = ${rc.runId} AND idx = ${index} AND status = ANY(${from})
      AND EXISTS (SELECT 1 FROM runbook_runs WHERE id = ${rc.runId} AND epoch = ${rc.epoch})
    RETURNING idx`;
  return rows.length === 1;
}

async function finish(deps: ExecutorDeps, rc: RunContext, status: "succeeded" | "failed" | "cancelled", error: string | null): Promise<void> {
  const done = await deps.db.sql.begin(async (tx) => {
    const [run] = await tx<(Pick<Row<typeof runbookRuns>, "epoch" | "status" | "incidentId"> & { title: string })[]>`
      SELECT epoch, status, incident_id AS "incidentId", runbook_title || ' → ' || procedure_title AS title FROM runbook_runs WHERE id = ${rc.runId} FOR UPDATE`;
    if (!run || run.epoch !== rc.epoch || FINAL_RUN_STATUSES.includes(run.status)) return null;
    const warnings = await closeRun(tx, rc.runId, status, error);
    const steps = await tx<Pick<Row<typeof runSteps>, "key" | "status">[]>`SELECT key, status FROM run_steps WHERE run_id = ${rc.runId} ORDER BY idx`;
    await writeAudit(tx, systemContext(`runbook executor`), {
      action: "runbook.run.finish",
      targetType: "run",
      targetId: String(rc.runId),
      after: { status, outcome: outcomeLabel(status, warnings.length), error, warnings, steps: Object.fromEntries(steps.map((s) => [s.key, s.status])) },
    });
    return { ...run, warnings };
  });
  if (!done) return;
  if (done.incidentId !== null) {
    const notes = [error, ...done.warnings].filter((x): x is string => !!x);
    const message = `runbook run #${rc.runId} ${outcomeLabel(status, done.warnings.length)}: ${done.title}${notes.length ? ` (${notes.join("; ")})` : ""}`;
    await narrateIncident(deps.db, done.incidentId, "runbook", "runbook executor", message, {
      runId: rc.runId,
      ...(done.warnings.length ? { warnings: done.warnings } : {}),
    });
  }
  await publishRun(deps.bus, deps.db.sql, rc.runId, null);
}

async function waitForHuman(deps: ExecutorDeps, rc: RunContext, index: number, output: string | undefined): Promise<void> {
  const moved = await moveStep(deps.db.sql, rc, index, ["pending", "running"], { status: "waiting-for-human", ...(output === undefined ? {} : { output }) });
  if (!moved) return;
  await deps.db.sql`UPDATE runbook_runs SET status = 'waiting' WHERE id = ${rc.runId} AND epoch = ${rc.epoch}`;
  await publishRun(deps.bus, deps.db.sql, rc.runId, index);
}

export type ExecuteOutcome = { status: string; executed: number[] };

/**
 * Execute a run from wherever it stands. Each step is marked running (committed) before it acts and done
 * after; an executor that finds a step still marked running knows the last one died inside it, and
 * repeats it only if the step is safe to repeat. Completed steps are never executed again.
 */
export async function executeRun(deps: ExecutorDeps, runId: number): Promise<ExecuteOutcome> {
  const { sql } = deps.db;
  const [claim] = await sql<Pick<Row<typeof runbookRuns>, "epoch" | "startedBy" | "createdAt">[]>`
    UPDATE runbook_runs SET epoch = epoch + 1, status = 'running', started_at = coalesce(started_at, now())
    WHERE id = ${runId} AND status IN ('queued', 'running') RETURNING epoch, started_by AS "startedBy", created_at AS "createdAt"`;
  const executed: number[] = [];
  if (!claim) {
    const [run] = await sql<Pick<Row<typeof runbookRuns>, "status">[]>`SELECT status FROM runbook_runs WHERE id = ${runId}`;
    return { status: run?.status ?? "missing", executed };
  }
  const rc: RunContext = {
    runId,
    epoch: claim.epoch,
    createdAt: claim.createdAt,
    actor: systemContext(`run #${runId} (${claim.startedBy})`),
    cancelled: async () => {
      const [r] = await sql<{ c: Date | null }[]>`SELECT cancel_requested_at AS c FROM runbook_runs WHERE id = ${runId}`;
      return r?.c != null;
    },
  };
  await publishRun(deps.bus, deps.db.sql, runId, null);
  for (;;) {
    if (await rc.cancelled()) {
      const [who] = await sql<{ by: string | null }[]>`SELECT cancelled_by AS by FROM runbook_runs WHERE id = ${runId}`;
      await finish(deps, rc, "cancelled", `cancelled by ${who?.by ?? "someone"}`);
      return { status: "cancelled", executed };
    }
    const steps = await sql<StepRow[]>`
      SELECT idx AS index, status, retry_safe AS "retrySafe", on_failure AS "onFailure", action, title, output FROM run_steps WHERE run_id = ${runId} ORDER BY idx`;
    const progress: StepProgress[] = steps.map((s) => ({
      index: s.index,
      status: s.status,
      retrySafe: s.retrySafe,
      onFailure: s.onFailure,
      manual: s.action.type === "manual",
    }));
    const move = nextMove(progress);
    if (move.kind === "finished") {
      // Only a failing step without `onFailure: continue` fails the run; the others are its warnings.
      const outcome = runOutcome(steps);
      await finish(deps, rc, outcome.status, outcome.error);
      return { status: outcome.status, executed };
    }
    if (move.kind === "waiting") {
      await sql`UPDATE runbook_runs SET status = 'waiting' WHERE id = ${runId} AND epoch = ${rc.epoch}`;
      await publishRun(deps.bus, deps.db.sql, runId, move.index);
      return { status: "waiting", executed };
    }
    if (move.kind === "ask-human") {
      await waitForHuman(deps, rc, move.index, undefined);
      return { status: "waiting", executed };
    }
    const step = steps[move.index]!;
    if (move.kind === "interrupted") {
      const note =
        "The worker stopped while this step was acting, and it is not safe to repeat blindly. Check the target, then retry the step, mark it done, or skip it.";
      await waitForHuman(deps, rc, move.index, step.output ? `${step.output}\n${note}` : note);
      return { status: "waiting", executed };
    }
    const from: StepStatus[] = move.resumed ? ["running"] : ["pending"];
    if (
      !(await moveStep(sql, rc, move.index, from, {
        status: "running",
        output: move.resumed ? "resumed after the worker stopped during this step\n" : "",
        start: true,
      }))
    ) {
      return { status: "lost", executed };
    }
    await publishRun(deps.bus, deps.db.sql, runId, move.index);
    executed.push(move.index);
    let result: ActionResult;
    try {
      result = await performAction(deps, rc, step.action);
    } catch (err) {
      result = { ok: false, output: `error: ${(err as Error).message}` };
    }
    const output = clip(`${move.resumed ? "resumed after the worker stopped during this step\n" : ""}${result.output}`);
    const status: StepStatus = result.cancelled ? "skipped" : result.ok ? "succeeded" : "failed";
    if (!(await moveStep(sql, rc, move.index, ["running"], { status, output, finish: true }))) return { status: "lost", executed };
    await publishRun(deps.bus, deps.db.sql, runId, move.index);
  }
}

export type { PlanStep };
