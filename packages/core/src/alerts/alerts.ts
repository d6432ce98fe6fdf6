import type { OpsConfig } from "@ops/config";
import type { DbHandle } from "@ops/db";
import { alertRetryDelay, decideAlert, formatAlert, formatFollowUp, scrub, scrubText, type AlertFacts, type PriorAlert } from "@ops/domain";
import type { AlertView } from "@ops/contract";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { stageJob } from "../outbox.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { enabledChannels, sendThroughChannel, type ChannelName } from "./channels.ts";

// The view is the API's answer: its shape is the contract the dashboard reads.
export type { AlertView };

const COLUMNS = `id, at, target, kind, level, channel, status, title, message, incident_id AS "incidentId", attempts,
  next_attempt_at AS "nextAttemptAt", last_error AS "lastError", sent_at AS "sentAt", follows_id AS "followsId"`;

type Row = Omit<AlertView, "id" | "at" | "nextAttemptAt" | "sentAt" | "incidentId" | "followsId"> & {
  id: string;
  at: Date;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  incidentId: string | null;
  followsId: string | null;
};

function toView(r: Row): AlertView {
  return {
    ...r,
    id: Number(r.id),
    at: r.at.toISOString(),
    incidentId: r.incidentId === null ? null : Number(r.incidentId),
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    sentAt: r.sentAt?.toISOString() ?? null,
    followsId: r.followsId === null ? null : Number(r.followsId),
  };
}

/** Gather what the message must say about a target from the stored state. */
export async function alertFacts(
  h: DbHandle,
  config: OpsConfig,
  target: string,
  kind: string,
  reason: string,
  level: AlertFacts["level"],
  diagnosis: string | null = null,
): Promise<AlertFacts> {
  const [s] = await h.sql<{ lastOkAt: Date | null; failingSince: Date | null; inWindow: number | null }[]>`
    SELECT st.last_ok_at AS "lastOkAt", coalesce(hl.failing_since, st.failing_since) AS "failingSince", hl.restarts_in_window AS "inWindow"
    FROM target_state st LEFT JOIN target_healing hl ON hl.target = st.name WHERE st.name = ${target}`;
  const actions = await h.sql<{ attempt: number; status: string; driver: string }[]>`
    SELECT attempt, status, driver FROM restarts WHERE target = ${target} AND started_at > now() - interval '6 hours' ORDER BY started_at`;
  const [inc] = await h.sql<{ id: string }[]>`SELECT id FROM incidents WHERE target = ${target} AND resolved_at IS NULL`;
  return {
    target,
    kind,
    level,
    at: Date.now(),
    reason,
    failingSince: s?.failingSince?.getTime() ?? null,
    restartsInWindow: s?.inWindow ?? 0,
    windowSeconds: config.monitoring.selfHealing.restartWindowSeconds,
    lastOkAt: s?.lastOkAt?.getTime() ?? null,
    actions: actions.map((a) => `restart ${a.attempt} via ${a.driver}: ${a.status}`),
    diagnosis,
    incidentKey: inc ? `INC-${inc.id}` : null,
  };
}

export type RaiseOutcome = { ids: number[]; suppressed: boolean; followsId: number | null };

/**
 * Raise an alert: one outbox row per enabled channel. Inside the cooldown (per target) a true repeat is kept
 * as one "suppressed" row and not sent; one that says something new (a diagnosis, another level, a new
 * state) is sent as a follow-up naming the earlier alert (`follows_id`). The rule is `decideAlert`.
 * Returns the ids to send.
 */
export async function raiseAlert(h: DbHandle, config: OpsConfig, facts: AlertFacts): Promise<RaiseOutcome> {
  // What leaves the console and what it keeps is scrubbed: no secrets, addresses of people or of the inside network.
  const kept = scrub(facts);
  const cooldownMs = config.monitoring.alerting.cooldownMinutes * 60_000;
  return h.sql.begin(async (tx) => {
    // One decision at a time per target: two alerts raised together cannot both be "the first".
    await tx`SELECT pg_advisory_xact_lock(hashtext(${`alert:${facts.target}`}))`;
    // Each earlier alert once (its channels' rows share the time, kind and level), newest first.
    const recent = await tx<{ id: string; at: Date; kind: string; level: string; diagnosis: string | null }[]>`
      SELECT min(id) AS id, at, kind, level, min(details->>'diagnosis') AS diagnosis FROM alerts
      WHERE target = ${facts.target} AND status <> 'suppressed' AND at > ${new Date(facts.at - cooldownMs - 60_000)}
      GROUP BY at, kind, level ORDER BY at DESC LIMIT 50`;
    const prior: PriorAlert[] = recent.map((r) => ({ id: Number(r.id), at: r.at.getTime(), kind: r.kind, level: r.level, diagnosis: r.diagnosis }));
    const decision = decideAlert(kept, prior, cooldownMs);
    const formatted = decision.action === "follow-up" ? formatFollowUp(facts, decision.follows, decision.news) : formatAlert(facts);
    const m = { title: scrubText(formatted.title), text: scrubText(formatted.text) };
    const [inc] = await tx<{ id: string }[]>`SELECT id FROM incidents WHERE target = ${facts.target} AND resolved_at IS NULL`;
    const incidentId = inc ? Number(inc.id) : null;
    if (decision.action === "suppress") {
      await tx`INSERT INTO alerts (target, kind, level, channel, status, title, message, incident_id)
               VALUES (${facts.target}, ${facts.kind}, ${facts.level}, '-', 'suppressed', ${m.title}, ${m.text}, ${incidentId})`;
      return { ids: [], suppressed: true, followsId: null };
    }
    const followsId = decision.action === "follow-up" ? decision.follows.id : null;
    const ids: number[] = [];
    for (const channel of enabledChannels(config.monitoring.alerting.channels)) {
      const [row] = await tx<{ id: string }[]>`
        INSERT INTO alerts (target, kind, level, channel, status, title, message, incident_id, next_attempt_at, details, follows_id)
        VALUES (${facts.target}, ${facts.kind}, ${facts.level}, ${channel}, 'pending', ${m.title}, ${m.text}, ${incidentId}, now(), ${tx.json(kept as never)}, ${followsId})
        RETURNING id`;
      ids.push(Number(row!.id));
    }
    return { ids, suppressed: false, followsId };
  });
}

export type SendOutcome = { status: "sent" | "pending" | "failed"; retryInMs: number | null; error: string | null; alert: AlertView };

/** Try one outbox row once; schedule the next try with backoff, or give up (kept as failed) after the last. */
export async function deliverAlert(h: DbHandle, config: OpsConfig, id: number): Promise<SendOutcome | null> {
  const [row] = await h.sql.unsafe<(Row & { details: Record<string, unknown> | null })[]>(`SELECT ${COLUMNS}, details FROM alerts WHERE id = $1`, [id]);
  if (!row || row.status !== "pending") return null;
  const result = await sendThroughChannel(config.monitoring.alerting.channels, row.channel as ChannelName, { title: row.title, text: row.message }, { target: row.target, kind: row.kind, level: row.level, facts: row.details });
  const attempts = row.attempts + 1;
  const { attempts: maxAttempts, baseDelaySeconds } = config.monitoring.alerting.retry;
  const retryInMs = result.ok || attempts >= maxAttempts ? null : alertRetryDelay(attempts, baseDelaySeconds * 1000);
  const status = result.ok ? "sent" : retryInMs === null ? "failed" : "pending";
  const [updated] = await h.sql.unsafe<Row[]>(
    `UPDATE alerts SET status = $2, attempts = $3, last_error = $4, sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END,
       next_attempt_at = CASE WHEN $5::bigint IS NULL THEN NULL ELSE now() + make_interval(secs => $5::bigint / 1000.0) END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, status, attempts, result.ok ? null : result.error, retryInMs],
  );
  return { status, retryInMs, error: result.ok ? null : result.error, alert: toView(updated!) };
}

export async function listAlerts(h: DbHandle, f: { target?: string | undefined; status?: string | undefined; limit: number }) {
  const rows = await h.sql.unsafe<Row[]>(
    `SELECT ${COLUMNS} FROM alerts WHERE ($1::text IS NULL OR target = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3`,
    [f.target ?? null, f.status ?? null, f.limit],
  );
  return rows.map(toView);
}

/** Put a failed alert back in the outbox by hand (after fixing the channel). */
export async function retryAlert(h: DbHandle, ctx: RequestContext, id: number): Promise<AlertView> {
  requirePermission(ctx, "incidents:write");
  return h.sql.begin(async (tx) => {
    const [row] = await tx.unsafe<Row[]>(`SELECT ${COLUMNS} FROM alerts WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw notFound(`alert ${id}`, "id");
    if (row.status !== "failed") throw new ServiceError("CONFLICT", `alert ${id} is ${row.status}; only failed alerts are retried by hand`);
    const [updated] = await tx.unsafe<Row[]>(`UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
    await writeAudit(tx, ctx, { action: "alert.retry", targetType: "alert", targetId: String(id), before: { status: row.status }, after: { status: "pending" } });
    await stageJob(tx, "alertSend", { id }, { jobId: `alert-${id}-retry-${Date.now()}` });
    return toView(updated!);
  });
}

/** Rows whose send job was lost (a Redis flush, a crash between commit and enqueue). */
export async function dueAlertIds(h: DbHandle): Promise<number[]> {
  const rows = await h.sql<{ id: string }[]>`SELECT id FROM alerts WHERE status = 'pending' AND next_attempt_at < now() - interval '1 minute' ORDER BY id LIMIT 500`;
  return rows.map((r) => Number(r.id));
}
