import type { OpsConfig, TargetConfig } from "@ops/config";
import type { HealingAction, RestartView, TargetView } from "@ops/contract";
import { columns, restarts, targetHealing, type DbHandle, type Row } from "@ops/db";
import {
  crashesInWindow,
  decideLadder,
  deterministicFailure,
  onDown,
  onHealthy,
  policyFromConfig,
  rememberedRestarts,
  uptimeResetIsNewCrash,
  type LadderDecision,
  type LadderState,
  type StartAttempt,
} from "@ops/domain";
import type postgres from "postgres";
import { writeAudit } from "../identity/audit.ts";
import { stageJob } from "../outbox.ts";
import { requirePermission, systemContext, type RequestContext } from "../identity/context.ts";
import { ServiceError, notFound } from "../errors.ts";
import type { FramePublisher } from "../bus.ts";
import { getTarget } from "../targets/queries.ts";
import { describeDriver, restartTarget, switchTarget } from "./drivers.ts";
import { managedState } from "./process-driver.ts";

export type LastExit = { pid: number | null; code: number | null; signal: string | null; at: string; tail: string[] };

const HEALING_KEYS = [
  "target",
  "paused",
  "restarts",
  "crashes",
  "failingSince",
  "escalatedAt",
  "escalationReason",
  "nextRestartAt",
  "nextAttempt",
  "restartingAt",
  "startingSince",
  "startingAttemptKey",
  "startDeadline",
  "lastExit",
] as const;

/** A target's healing row, with the kind of the start in progress (from its restart row). */
export type HealingRow = Omit<Pick<Row<typeof targetHealing>, (typeof HEALING_KEYS)[number]>, "lastExit"> & {
  lastExit: LastExit | null;
  startingKind: Row<typeof restarts>["kind"] | null;
};

export type RestartJob = {
  target: string;
  attempt: number;
  attemptKey: string;
  dueAt: number;
  kind?: "start" | "restart" | undefined;
  by?: string | undefined;
};

const COLUMNS = `${columns(targetHealing, { alias: "h", only: HEALING_KEYS })},
  (SELECT r.kind FROM restarts r WHERE r.attempt_key = h.starting_attempt_key) AS "startingKind"`;

function toState(r: HealingRow): LadderState {
  const starting: StartAttempt | null =
    r.startingSince && r.startDeadline ? { kind: r.startingKind ?? "restart", since: r.startingSince.getTime(), deadline: r.startDeadline.getTime() } : null;
  return {
    restarts: r.restarts.map(Number),
    crashes: r.crashes.map(Number),
    failingSince: r.failingSince?.getTime() ?? null,
    escalatedAt: r.escalatedAt?.getTime() ?? null,
    paused: r.paused,
    starting,
  };
}

export async function lockHealing(tx: postgres.TransactionSql, target: string): Promise<HealingRow> {
  await tx`INSERT INTO target_healing (target) VALUES (${target}) ON CONFLICT (target) DO NOTHING`;
  const [row] = await tx.unsafe<HealingRow[]>(`SELECT ${COLUMNS} FROM target_healing h WHERE h.target = $1 FOR UPDATE OF h`, [target]);
  return row!;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The doctor's first evidence of the current outage: how the process last ended, if it ended since it was last healthy. */
export function currentExit(lastExit: LastExit | null, lastOkAt: Date | null): LastExit | null {
  if (!lastExit) return null;
  return lastOkAt && lastOkAt.getTime() > Date.parse(lastExit.at) ? null : lastExit;
}

export type LadderEvaluation = {
  decision: LadderDecision;
  /** A start attempt that ended in this evaluation (healthy or timed out). */
  ended: { attemptKey: string; outcome: "healthy" | "timed-out"; reason: string; kind: "start" | "restart" } | null;
  enqueue: RestartJob | null;
  /** A queued restart that this evaluation cancelled (the target escalated): remove its delayed job. */
  cancelled: RestartJob | null;
  status: string;
  reason: string;
  failingSince: number | null;
  /** The console is starting this target for the first time (or after Ctrl-C): no incident. */
  firstStart: boolean;
  exit: LastExit | null;
};

/**
 * Look at one target and move its ladder: end a start that became healthy or timed out, start what the
 * console runs and has not started, schedule the next restart, or escalate. Returns the job to enqueue (at
 * most one start or restart is pending or in progress per target at a time).
 */
export async function evaluateLadder(h: DbHandle, config: OpsConfig, target: TargetConfig, now = Date.now()): Promise<LadderEvaluation> {
  const policy = policyFromConfig(config.monitoring.selfHealing);
  const managed = target.restart.driver === "process" ? await managedState(h, target.name) : null;
  return h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, target.name);
    const [st] = await tx<{ status: string; reason: string; ready: boolean | null; lastOkAt: Date | null; checkedAt: Date | null }[]>`
      SELECT status, reason, ready, last_ok_at AS "lastOkAt", checked_at AS "checkedAt" FROM target_state WHERE name = ${target.name}`;
    const status = st?.status ?? "unknown";
    const exit = currentExit(row.lastExit, st?.lastOkAt ?? null);
    let state = toState(row);
    state = status === "down" ? onDown(state, now) : status === "ok" ? onHealthy(state, now, policy) : state;
    const input = {
      status,
      ready: st?.ready ?? null,
      alive: st?.lastOkAt != null && st.checkedAt != null && st.lastOkAt.getTime() >= st.checkedAt.getTime(),
      neverStarted: managed === "never-started" || managed === "stopped",
      deterministic: exit
        ? (deterministicFailure({ exit: { code: exit.code, signal: exit.signal }, output: exit.tail, probe: st?.reason ?? null, findings: [] })?.reason ?? null)
        : null,
    };
    let decision = decideLadder(state, input, now, policy);
    let ended: LadderEvaluation["ended"] = null;
    if (decision.action === "end-start") {
      ended = { attemptKey: row.startingAttemptKey ?? "", outcome: decision.outcome, reason: decision.reason, kind: state.starting?.kind ?? "restart" };
      await tx`
        UPDATE restarts SET status = ${decision.outcome}, ended_at = now(),
          output = trim(coalesce(output, '') || ${`\n${decision.reason}`})
        WHERE attempt_key = ${row.startingAttemptKey} AND status = 'starting'`;
      state = { ...state, starting: null };
      // A start that never became healthy is a failure like a crash: it counts for the window rule.
      if (decision.outcome === "healthy") state = onHealthy(state, now, policy);
      else state = { ...state, crashes: [...state.crashes, now] };
      decision = decideLadder(state, input, now, policy);
    }
    let next = { at: row.nextRestartAt?.getTime() ?? null, attempt: row.nextAttempt };
    let enqueue: RestartJob | null = null;
    let cancelled: RestartJob | null = null;
    if (decision.action === "restart" || decision.action === "start") {
      const attempt = decision.action === "start" ? 0 : decision.attempt;
      if (next.at === null) next = { at: decision.dueAt, attempt };
      enqueue = {
        target: target.name,
        attempt: next.attempt!,
        attemptKey: `${target.name}:${next.attempt}:${next.at}`,
        dueAt: next.at!,
        kind: decision.action,
      };
    } else if (decision.action === "escalate" || status !== "down") {
      if (decision.action === "escalate" && next.at !== null && next.attempt !== null) {
        cancelled = { target: target.name, attempt: next.attempt, attemptKey: `${target.name}:${next.attempt}:${next.at}`, dueAt: next.at };
      }
      next = { at: null, attempt: null };
    }
    if (decision.action === "escalate") state = { ...state, escalatedAt: now };
    const remembered = rememberedRestarts(state.restarts, now, policy.decayMs);
    const crashes = rememberedRestarts(state.crashes, now, policy.decayMs);
    await tx`
      UPDATE target_healing SET restarts = ${remembered}::bigint[], crashes = ${crashes}::bigint[], failing_since = ${date(state.failingSince)},
        escalated_at = ${date(state.escalatedAt)},
        escalation_reason = ${decision.action === "escalate" ? decision.reason : state.escalatedAt === null ? null : row.escalationReason},
        next_restart_at = ${date(next.at)}, next_attempt = ${next.attempt},
        starting_since = ${state.starting ? row.startingSince : null}, start_deadline = ${state.starting ? row.startDeadline : null},
        starting_attempt_key = ${state.starting ? row.startingAttemptKey : null},
        restarts_in_window = ${crashesInWindow(crashes, now, policy.windowMs)},
        max_attempts = ${policy.maxRestartsInWindow}, driver = ${target.restart.driver}, updated_at = now()
      WHERE target = ${target.name}`;
    if (decision.action === "escalate") {
      await writeAudit(tx, systemContext("watchdog"), {
        action: "target.escalate",
        targetType: "target",
        targetId: target.name,
        after: { reason: decision.reason },
      });
    }
    if (cancelled) {
      await tx`
        INSERT INTO restarts (target, attempt_key, attempt, kind, driver, status, reason, due_at, finished_at, ended_at, output)
        VALUES (${target.name}, ${cancelled.attemptKey}, ${cancelled.attempt}, 'restart', ${target.restart.driver}, 'skipped', ${`down: ${st?.reason ?? ""}`},
          ${new Date(cancelled.dueAt)}, now(), now(), ${`cancelled: the target escalated (${decision.action === "escalate" ? decision.reason : ""})`})
        ON CONFLICT (attempt_key) DO NOTHING`;
    }
    const firstStart = decision.action === "start" || state.starting?.kind === "start" || (ended?.kind === "start" && ended.outcome === "healthy");
    return { decision, ended, enqueue, cancelled, status, reason: st?.reason ?? "", failingSince: state.failingSince, firstStart, exit };
  });
}

export type RestartOutcome = { status: "starting" | "failed" | "skipped" | "interrupted"; output: string; kind: "start" | "restart" };

/**
 * Carry out one scheduled start or restart. The row is committed before the driver acts, under a unique
 * attempt key: a retried job (a worker killed mid-restart) finds it and does not restart twice. When the
 * driver has acted the attempt is `starting`: the ladder then waits until the target is healthy, its process
 * fails, or the target's start timeout passes. The state is checked again here, when the job runs: a
 * restart queued before the target escalated, was paused or was taken over by a runbook does nothing.
 */
export async function performRestart(h: DbHandle, config: OpsConfig, job: RestartJob): Promise<RestartOutcome> {
  const kind = job.kind ?? "restart";
  const target = config.fleet.targets.find((t) => t.name === job.target);
  if (!target) return { status: "skipped", output: `target ${job.target} is no longer configured`, kind };
  const claim = await h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, job.target);
    const [st] = await tx<{ status: string; reason: string }[]>`SELECT status, reason FROM target_state WHERE name = ${job.target}`;
    const expected = row.nextRestartAt?.getTime() === job.dueAt && row.nextAttempt === job.attempt;
    const [existing] = await tx<{ status: string }[]>`SELECT status FROM restarts WHERE attempt_key = ${job.attemptKey}`;
    const clear = () =>
      tx`UPDATE target_healing SET next_restart_at = NULL, next_attempt = NULL WHERE target = ${job.target} AND next_restart_at = ${new Date(job.dueAt)}`;
    if (existing) {
      if (existing.status !== "started") return { skip: `attempt ${job.attemptKey} already ${existing.status}` };
      await tx`UPDATE restarts SET status = 'interrupted', finished_at = now(), ended_at = now(), output = 'the worker stopped during this restart; not repeated' WHERE attempt_key = ${job.attemptKey}`;
      await tx`UPDATE target_healing SET next_restart_at = NULL, next_attempt = NULL, restarting_at = NULL, restarts = array_append(restarts, ${Date.now()}::bigint) WHERE target = ${job.target}`;
      return { skip: "interrupted earlier; not repeated" };
    }
    if (!expected) return { skip: "superseded by a newer decision" };
    if (row.paused) return (await clear(), { skip: "auto-healing paused" });
    if (row.escalatedAt && !job.by && kind === "restart")
      return (await clear(), { skip: `the target escalated (${row.escalationReason ?? ""}): no more automatic restarts` });
    if (row.startingSince) return (await clear(), { skip: "a start is already in progress" });
    const [held] = await tx<{ runId: string }[]>`SELECT run_id AS "runId" FROM run_locks WHERE target = ${job.target}`;
    if (held) return (await clear(), { skip: `runbook run #${held.runId} is acting on this target` });
    const fine = st?.status === "ok" || st?.status === "warning" || (kind === "restart" && st?.status !== "down" && st?.status !== "unknown");
    if (fine && !job.by) return (await clear(), { skip: `target is ${st?.status ?? "unknown"} now` });
    const why = job.by ? `${job.by}: retry now` : kind === "start" ? "first start by the console" : `down: ${st?.reason ?? ""}`;
    await tx`
      INSERT INTO restarts (target, attempt_key, attempt, kind, driver, status, reason, due_at)
      VALUES (${job.target}, ${job.attemptKey}, ${job.attempt}, ${kind}, ${target.restart.driver}, 'started', ${why}, ${new Date(job.dueAt)})`;
    await tx`UPDATE target_healing SET restarting_at = now() WHERE target = ${job.target}`;
    return { skip: null };
  });
  if (claim.skip) return { status: claim.skip.startsWith("interrupted") ? "interrupted" : "skipped", output: claim.skip, kind };

  const result = kind === "start" ? await switchTarget(target, config.fleet, "start", h) : await restartTarget(target, config.fleet, h);
  const status = result.ok ? "starting" : "failed";
  const timeoutMs = target.startTimeoutSeconds * 1000;
  await h.sql.begin(async (tx) => {
    await tx`
      UPDATE restarts SET status = ${status}, output = ${result.output}, finished_at = now(), ended_at = ${result.ok ? null : new Date()},
        details = ${tx.json({ command: describeDriver(target, config.fleet), startTimeoutSeconds: target.startTimeoutSeconds })}
      WHERE attempt_key = ${job.attemptKey}`;
    const now = Date.now();
    await tx`
      UPDATE target_healing SET
        restarts = CASE WHEN ${kind === "restart"} THEN array_append(restarts, ${now}::bigint) ELSE restarts END,
        crashes = CASE WHEN ${!result.ok} THEN array_append(crashes, ${now}::bigint) ELSE crashes END,
        next_restart_at = NULL, next_attempt = NULL, restarting_at = NULL,
        starting_since = ${result.ok ? new Date(now) : null}, start_deadline = ${result.ok ? new Date(now + timeoutMs) : null},
        starting_attempt_key = ${result.ok ? job.attemptKey : null}, updated_at = now()
      WHERE target = ${job.target}`;
    await writeAudit(tx, job.by ? systemContext(job.by) : systemContext("watchdog"), {
      action: kind === "start" ? "target.start" : "target.restart",
      targetType: "target",
      targetId: job.target,
      after: { attempt: job.attempt, driver: target.restart.driver, status, output: result.output },
    });
  });
  return { status, output: result.output, kind };
}

/**
 * A process the driver supervises ended. Unless the console stopped it on purpose, that is a crash: it
 * counts for the "5 in 600 s" rule, it ends a start in progress as failed (with the exit code, the signal and
 * the last lines), and it is kept as the doctor's first evidence.
 */
export async function recordExit(h: DbHandle, target: string, exit: LastExit): Promise<{ attemptKey: string | null }> {
  return h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, target);
    const at = Date.parse(exit.at);
    let attemptKey: string | null = null;
    if (row.startingAttemptKey) {
      attemptKey = row.startingAttemptKey;
      await tx`
        UPDATE restarts SET status = 'failed', ended_at = ${new Date(at)}, exit_code = ${exit.code}, exit_signal = ${exit.signal},
          stderr_tail = ${exit.tail.slice(-20).join("\n") || null}, output = trim(coalesce(output, '') || ${`\n${describeExit(exit)}`})
        WHERE attempt_key = ${row.startingAttemptKey} AND status = 'starting'`;
    }
    await tx`
      UPDATE target_healing SET crashes = array_append(crashes, ${at}::bigint), last_exit = ${tx.json(exit)},
        starting_since = NULL, start_deadline = NULL, starting_attempt_key = NULL, updated_at = now()
      WHERE target = ${target}`;
    return { attemptKey };
  });
}

export function describeExit(exit: Pick<LastExit, "code" | "signal">): string {
  if (exit.signal) return `process killed by ${exit.signal}`;
  if (exit.code === null) return "process exited (exit code unknown: it ended while no worker watched it)";
  return `process exited with code ${exit.code}${exit.code === 78 ? " (EX_CONFIG: the configuration is unusable)" : ""}`;
}

/**
 * The prober saw the target's uptime go backwards: the process restarted. Count it as a crash unless it is
 * one already counted (an exit the driver reported) or a start the console made itself.
 */
export async function recordUptimeReset(h: DbHandle, target: string, restartedAt: number, slackMs: number): Promise<boolean> {
  return h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, target);
    const attempts = await tx<
      { at: Date }[]
    >`SELECT started_at AS at FROM restarts WHERE target = ${target} AND started_at > ${new Date(restartedAt - slackMs)}`;
    if (
      !uptimeResetIsNewCrash(
        restartedAt,
        row.crashes.map(Number),
        attempts.map((a) => a.at.getTime()),
        slackMs,
      )
    )
      return false;
    await tx`UPDATE target_healing SET crashes = array_append(crashes, ${restartedAt}::bigint), updated_at = now() WHERE target = ${target}`;
    return true;
  });
}

/** Who hears about a change a person made to a target's ladder: every dashboard, through the bus. */
export type HealingDeps = { bus?: FramePublisher | undefined };

/** The target as it is now, told to every dashboard (after the change committed). */
async function publishTarget(h: DbHandle, target: string, deps: HealingDeps): Promise<TargetView> {
  const view = await getTarget(h, target);
  await deps.bus?.publish({ type: "target.update", targets: [view] });
  return view;
}

/**
 * Pause or resume auto-healing for a target (an on-call engineer working on it by hand). Resuming also ends an
 * escalation. Returns the target as it is now, and publishes it when given a bus.
 */
export async function setHealingPaused(h: DbHandle, ctx: RequestContext, target: string, paused: boolean, deps: HealingDeps = {}): Promise<TargetView> {
  await h.sql.begin(async (tx) => {
    const [exists] = await tx`SELECT 1 FROM targets WHERE name = ${target} AND retired_at IS NULL`;
    if (!exists) throw notFound(`target "${target}"`, "name");
    const row = await lockHealing(tx, target);
    if (row.paused === paused && (paused || row.escalatedAt === null)) return;
    await tx`UPDATE target_healing SET paused = ${paused}, next_restart_at = NULL, next_attempt = NULL, escalated_at = CASE WHEN ${paused} THEN escalated_at ELSE NULL END,
      escalation_reason = CASE WHEN ${paused} THEN escalation_reason ELSE NULL END, updated_at = now() WHERE target = ${target}`;
    await writeAudit(tx, ctx, {
      action: paused ? "target.healing.pause" : "target.healing.resume",
      targetType: "target",
      targetId: target,
      before: { paused: row.paused, escalated: row.escalatedAt !== null },
      after: { paused, escalated: paused ? row.escalatedAt !== null : false },
    });
  });
  return publishTarget(h, target, deps);
}

/**
 * A person acts on an escalated (or any) target: `retry` stages one restart now (through the outbox), even while escalated;
 * `reset` forgets the restart and crash history and the escalation, so the ladder starts again from 10 s. Returns the
 * staged job (null for a reset) and the target as it is now, which it publishes when given a bus.
 */
export async function healingAction(
  h: DbHandle,
  ctx: RequestContext,
  target: string,
  action: HealingAction,
  deps: HealingDeps = {},
): Promise<{ job: RestartJob | null; target: TargetView }> {
  requirePermission(ctx, "healing:control");
  const job = await h.sql.begin(async (tx) => {
    const [exists] = await tx`SELECT 1 FROM targets WHERE name = ${target} AND retired_at IS NULL`;
    if (!exists) throw notFound(`target "${target}"`, "name");
    const row = await lockHealing(tx, target);
    const before = { escalated: row.escalatedAt !== null, reason: row.escalationReason, restarts: row.restarts.length, crashes: row.crashes.length };
    if (action === "reset") {
      await tx`UPDATE target_healing SET restarts = '{}', crashes = '{}', escalated_at = NULL, escalation_reason = NULL, failing_since = NULL,
        next_restart_at = NULL, next_attempt = NULL, last_exit = NULL, updated_at = now() WHERE target = ${target}`;
      await writeAudit(tx, ctx, {
        action: "target.healing.reset",
        targetType: "target",
        targetId: target,
        before,
        after: { escalated: false, restarts: 0, crashes: 0 },
      });
      return null;
    }
    if (row.startingSince) throw new ServiceError("CONFLICT", `${target} is starting (since ${row.startingSince.toISOString()}); wait for it to end`, "target");
    const [held] = await tx<{ runId: string }[]>`SELECT run_id AS "runId" FROM run_locks WHERE target = ${target}`;
    if (held) throw new ServiceError("CONFLICT", `runbook run #${held.runId} is acting on ${target}`, "target");
    const now = Date.now();
    const attempt = rememberedRestarts(row.restarts.map(Number), now, Number.POSITIVE_INFINITY).length + 1;
    const job: RestartJob = { target, attempt, attemptKey: `${target}:${attempt}:${now}`, dueAt: now, kind: "restart", by: ctx.actor.label };
    await tx`UPDATE target_healing SET next_restart_at = ${new Date(now)}, next_attempt = ${attempt}, updated_at = now() WHERE target = ${target}`;
    await writeAudit(tx, ctx, { action: "target.healing.retry", targetType: "target", targetId: target, before, after: { attempt } });
    // Handed to the workers with the decision (the outbox relay enqueues it when Redis answers).
    await stageJob(tx, "restart", { ...job, kind: "restart" });
    return job;
  });
  return { job, target: await publishTarget(h, target, deps) };
}

/** Targets whose start is still being waited for (the exit watcher probes them every 2 s). */
export async function startingTargets(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ target: string }[]>`SELECT target FROM target_healing WHERE starting_since IS NOT NULL`;
  return rows.map((r) => r.target);
}

/** Why a target is escalated and how it looks now, in words for the alert that hands it to people. */
export async function escalationSummary(sql: postgres.Sql, target: string): Promise<string> {
  const [st] = await sql<{ reason: string; escalation: string | null }[]>`
    SELECT s.reason, h.escalation_reason AS escalation FROM target_state s LEFT JOIN target_healing h ON h.target = s.name WHERE s.name = ${target}`;
  return `${st?.escalation ?? "escalated"} (${st?.reason ?? "down"})`;
}

const RESTART_KEYS = [
  "id",
  "target",
  "attempt",
  "kind",
  "driver",
  "status",
  "reason",
  "output",
  "exitCode",
  "exitSignal",
  "stderrTail",
  "dueAt",
  "startedAt",
  "finishedAt",
  "endedAt",
] as const;

export async function listRestarts(h: DbHandle, filter: { target?: string | undefined; limit: number }): Promise<RestartView[]> {
  const rows = await h.sql<Pick<Row<typeof restarts>, (typeof RESTART_KEYS)[number]>[]>`
    SELECT ${h.sql.unsafe(columns(restarts, { only: RESTART_KEYS }))}
    FROM restarts WHERE (${filter.target ?? null}::text IS NULL OR target = ${filter.target ?? null})
    ORDER BY started_at DESC, id DESC LIMIT ${filter.limit}`;
  return rows.map((r) => ({
    ...r,
    dueAt: r.dueAt.toISOString(),
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
  }));
}
