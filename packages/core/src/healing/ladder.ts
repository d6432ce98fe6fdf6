import type { OpsConfig, TargetConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { decideLadder, onDown, onHealthy, policyFromConfig, rememberedRestarts, type LadderDecision, type LadderState } from "@ops/domain";
import type postgres from "postgres";
import { writeAudit } from "../identity/audit.ts";
import { systemContext, type RequestContext } from "../identity/context.ts";
import { notFound } from "../errors.ts";
import { describeDriver, restartTarget } from "./drivers.ts";

export type HealingRow = {
  target: string;
  paused: boolean;
  restarts: (string | number)[];
  failingSince: Date | null;
  escalatedAt: Date | null;
  escalationReason: string | null;
  nextRestartAt: Date | null;
  nextAttempt: number | null;
  restartingAt: Date | null;
};

export type RestartJob = { target: string; attempt: number; attemptKey: string; dueAt: number };

const COLUMNS = `target, paused, restarts, failing_since AS "failingSince", escalated_at AS "escalatedAt",
  escalation_reason AS "escalationReason", next_restart_at AS "nextRestartAt", next_attempt AS "nextAttempt", restarting_at AS "restartingAt"`;

function toState(r: HealingRow): LadderState {
  return { restarts: r.restarts.map(Number), failingSince: r.failingSince?.getTime() ?? null, escalatedAt: r.escalatedAt?.getTime() ?? null, paused: r.paused };
}

async function lockHealing(tx: postgres.TransactionSql, target: string): Promise<HealingRow> {
  await tx`INSERT INTO target_healing (target) VALUES (${target}) ON CONFLICT (target) DO NOTHING`;
  const [row] = await tx.unsafe<HealingRow[]>(`SELECT ${COLUMNS} FROM target_healing WHERE target = $1 FOR UPDATE`, [target]);
  return row!;
}

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/**
 * Look at one target's status and move its ladder: start or end the failure streak, schedule the next
 * restart, or escalate. Returns the restart to enqueue (at most one is pending per target at a time).
 */
export type LadderEvaluation = { decision: LadderDecision; enqueue: RestartJob | null; status: string; reason: string; failingSince: number | null };

export async function evaluateLadder(h: DbHandle, config: OpsConfig, target: TargetConfig, now = Date.now()): Promise<LadderEvaluation> {
  const policy = policyFromConfig(config.monitoring.selfHealing);
  return h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, target.name);
    const [st] = await tx<{ status: string; reason: string }[]>`SELECT status, reason FROM target_state WHERE name = ${target.name}`;
    const status = st?.status ?? "unknown";
    let state = toState(row);
    state = status === "down" ? onDown(state, now) : status === "ok" ? onHealthy(state, now, policy) : state;
    const decision = decideLadder(state, status, now, policy);
    let next = { at: row.nextRestartAt?.getTime() ?? null, attempt: row.nextAttempt };
    let enqueue: RestartJob | null = null;
    if (decision.action === "restart") {
      if (next.at === null) next = { at: decision.dueAt, attempt: decision.attempt };
      enqueue = { target: target.name, attempt: next.attempt!, attemptKey: `${target.name}:${next.attempt}:${next.at}`, dueAt: next.at! };
    } else if (status !== "down") {
      next = { at: null, attempt: null };
    }
    if (decision.action === "escalate") state = { ...state, escalatedAt: now };
    const remembered = rememberedRestarts(state.restarts, now, policy.decayMs);
    await tx`
      UPDATE target_healing SET restarts = ${remembered}::bigint[], failing_since = ${date(state.failingSince)},
        escalated_at = ${date(state.escalatedAt)},
        escalation_reason = ${decision.action === "escalate" ? decision.reason : state.escalatedAt === null ? null : row.escalationReason},
        next_restart_at = ${date(next.at)}, next_attempt = ${next.attempt},
        restarts_in_window = ${remembered.filter((t) => now - t < policy.windowMs).length},
        max_attempts = ${policy.maxRestartsInWindow}, driver = ${target.restart.driver}, updated_at = now()
      WHERE target = ${target.name}`;
    if (decision.action === "escalate") {
      await writeAudit(tx, systemContext("watchdog"), { action: "target.escalate", targetType: "target", targetId: target.name, after: { reason: decision.reason } });
    }
    return { decision, enqueue, status, reason: st?.reason ?? "", failingSince: state.failingSince };
  });
}

export type RestartOutcome = { status: "succeeded" | "failed" | "skipped" | "interrupted"; output: string };

/**
 * Carry out one scheduled restart. The restart row is committed before the driver acts, under a unique
 * attempt key: a retried job (a worker killed mid-restart) finds it and does not restart twice.
 */
export async function performRestart(h: DbHandle, config: OpsConfig, job: RestartJob): Promise<RestartOutcome> {
  const target = config.fleet.targets.find((t) => t.name === job.target);
  if (!target) return { status: "skipped", output: `target ${job.target} is no longer configured` };
  const claim = await h.sql.begin(async (tx) => {
    const row = await lockHealing(tx, job.target);
    const [st] = await tx<{ status: string; reason: string }[]>`SELECT status, reason FROM target_state WHERE name = ${job.target}`;
    const expected = row.nextRestartAt?.getTime() === job.dueAt && row.nextAttempt === job.attempt;
    const [existing] = await tx<{ status: string }[]>`SELECT status FROM restarts WHERE attempt_key = ${job.attemptKey}`;
    if (existing) {
      if (existing.status !== "started") return { skip: `attempt ${job.attemptKey} already ${existing.status}` };
      await tx`UPDATE restarts SET status = 'interrupted', finished_at = now(), output = 'the worker stopped during this restart; not repeated' WHERE attempt_key = ${job.attemptKey}`;
      await tx`UPDATE target_healing SET next_restart_at = NULL, next_attempt = NULL, restarting_at = NULL, restarts = array_append(restarts, ${Date.now()}::bigint) WHERE target = ${job.target}`;
      return { skip: "interrupted earlier; not repeated" };
    }
    if (!expected) return { skip: "superseded by a newer decision" };
    if (row.paused) return { skip: "auto-healing paused" };
    const [held] = await tx<{ runId: string }[]>`SELECT run_id AS "runId" FROM run_locks WHERE target = ${job.target}`;
    if (held) {
      await tx`UPDATE target_healing SET next_restart_at = NULL, next_attempt = NULL WHERE target = ${job.target}`;
      return { skip: `runbook run #${held.runId} is acting on this target` };
    }
    if (st?.status !== "down") {
      await tx`UPDATE target_healing SET next_restart_at = NULL, next_attempt = NULL WHERE target = ${job.target}`;
      return { skip: `target is ${st?.status ?? "unknown"} now` };
    }
    await tx`
      INSERT INTO restarts (target, attempt_key, attempt, driver, status, reason, due_at)
      VALUES (${job.target}, ${job.attemptKey}, ${job.attempt}, ${target.restart.driver}, 'started', ${`down: ${st.reason}`}, ${new Date(job.dueAt)})`;
    await tx`UPDATE target_healing SET restarting_at = now() WHERE target = ${job.target}`;
    return { skip: null };
  });
  if (claim.skip) return { status: claim.skip.startsWith("interrupted") ? "interrupted" : "skipped", output: claim.skip };

  const result = await restartTarget(target, config.fleet, h);
  const status = result.ok ? "succeeded" : "failed";
  await h.sql.begin(async (tx) => {
    await tx`UPDATE restarts SET status = ${status}, output = ${result.output}, finished_at = now(), details = ${tx.json({ command: describeDriver(target, config.fleet) })} WHERE attempt_key = ${job.attemptKey}`;
    await tx`
      UPDATE target_healing SET restarts = array_append(restarts, ${Date.now()}::bigint), next_restart_at = NULL, next_attempt = NULL,
        restarting_at = NULL, updated_at = now() WHERE target = ${job.target}`;
    await writeAudit(tx, systemContext("watchdog"), {
      action: "target.restart",
      targetType: "target",
      targetId: job.target,
      after: { attempt: job.attempt, driver: target.restart.driver, status, output: result.output },
    });
  });
  return { status, output: result.output };
}

/** Pause or resume auto-healing for a target (an on-call engineer working on it by hand). */
export async function setHealingPaused(h: DbHandle, ctx: RequestContext, target: string, paused: boolean): Promise<void> {
  await h.sql.begin(async (tx) => {
    const [exists] = await tx`SELECT 1 FROM targets WHERE name = ${target} AND retired_at IS NULL`;
    if (!exists) throw notFound(`target "${target}"`, "name");
    const row = await lockHealing(tx, target);
    if (row.paused === paused) return;
    await tx`UPDATE target_healing SET paused = ${paused}, next_restart_at = NULL, next_attempt = NULL, escalated_at = CASE WHEN ${paused} THEN escalated_at ELSE NULL END, updated_at = now() WHERE target = ${target}`;
    await writeAudit(tx, ctx, { action: paused ? "target.healing.pause" : "target.healing.resume", targetType: "target", targetId: target, before: { paused: row.paused }, after: { paused } });
  });
}

export async function listRestarts(h: DbHandle, filter: { target?: string | undefined; limit: number }) {
  const rows = await h.sql<{ id: string; target: string; attempt: number; driver: string; status: string; reason: string; output: string | null; dueAt: Date; startedAt: Date; finishedAt: Date | null }[]>`
    SELECT id, target, attempt, driver, status, reason, output, due_at AS "dueAt", started_at AS "startedAt", finished_at AS "finishedAt"
    FROM restarts WHERE (${filter.target ?? null}::text IS NULL OR target = ${filter.target ?? null})
    ORDER BY started_at DESC, id DESC LIMIT ${filter.limit}`;
  return rows.map((r) => ({ ...r, id: Number(r.id), dueAt: r.dueAt.toISOString(), startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null }));
}
