import type { OpsConfig } from "@ops/config";
import { alerts, columns, type DbHandle, type Row } from "@ops/db";
import { alertRetryDelay, decideAlert, formatAlert, formatFollowUp, scrub, scrubText, type AlertFacts, type PriorAlert } from "@ops/domain";
import type { AlertListQuery, AlertView } from "@ops/contract";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import { stageJob } from "../outbox.ts";
import { requirePermission, type RequestContext } from "../identity/context.ts";
import { enabledChannels, sendThroughChannel, type ChannelName } from "./channels.ts";

// The view is the API's answer: its shape is the contract the dashboard reads.
export type { AlertView };

/** An outbox row as the view reads it: without the facts kept for the channels. */
type AlertRow = Omit<Row<typeof alerts>, "details">;
const COLUMNS = columns(alerts, { except: ["details"] });

function toView(r: AlertRow): AlertView {
  return {
    ...r,
    at: r.at.toISOString(),
    nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
    sentAt: r.sentAt?.toISOString() ?? null,
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
  const [inc] = await h.sql<{ id: number }[]>`SELECT id FROM incidents WHERE target = ${target} AND resolved_at IS NULL`;
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
    const recent = await tx<{ id: number; at: Date; kind: string; level: string; diagnosis: string | null }[]>`
      SELECT min(id) AS id, at, kind, level, min(details->>'diagnosis') AS diagnosis FROM alerts
      WHERE target = ${facts.target} AND status <> 'suppressed' AND at > ${new Date(facts.at - cooldownMs - 60_000)}
      GROUP BY at, kind, level ORDER BY at DESC LIMIT 50`;
    const prior: PriorAlert[] = recent.map((r) => ({ id: r.id, at: r.at.getTime(), kind: r.kind, level: r.level, diagnosis: r.diagnosis }));
    const decision = decideAlert(kept, prior, cooldownMs);
    const formatted = decision.action === "follow-up" ? formatFollowUp(facts, decision.follows, decision.news) : formatAlert(facts);
    const m = { title: scrubText(formatted.title), text: scrubText(formatted.text) };
    // The incident the alert names (an SLO page names its own), else the target's open outage.
    const named = /^INC-(\d+)$/.exec(facts.incidentKey ?? "")?.[1];
    const [inc] = named
      ? await tx<{ id: number }[]>`SELECT id FROM incidents WHERE id = ${Number(named)}`
      : await tx<{ id: number }[]>`SELECT id FROM incidents WHERE target = ${facts.target} AND resolved_at IS NULL`;
    const incidentId = inc?.id ?? null;
    if (decision.action === "suppress") {
      await tx`INSERT INTO alerts (target, kind, level, channel, status, title, message, incident_id)
               VALUES (${facts.target}, ${facts.kind}, ${facts.level}, '-', 'suppressed', ${m.title}, ${m.text}, ${incidentId})`;
      return { ids: [], suppressed: true, followsId: null };
    }
    const followsId = decision.action === "follow-up" ? decision.follows.id : null;
    const ids: number[] = [];
    for (const channel of enabledChannels(config.monitoring.alerting.channels)) {
      const [row] = await tx<Pick<AlertRow, "id">[]>`
        INSERT INTO alerts (target, kind, level, channel, status, title, message, incident_id, next_attempt_at, details, follows_id)
        VALUES (${facts.target}, ${facts.kind}, ${facts.level}, ${channel}, 'pending', ${m.title}, ${m.text}, ${incidentId}, now(), ${tx.json(kept)}, ${followsId})
        RETURNING id`;
      ids.push(row!.id);
    }
    return { ids, suppressed: false, followsId };
  });
}

export type SendOutcome = { status: "sent" | "pending" | "failed"; retryInMs: number | null; error: string | null; alert: AlertView };

/** Try one outbox row once; schedule the next try with backoff, or give up (kept as failed) after the last. */
export async function deliverAlert(h: DbHandle, config: OpsConfig, id: number): Promise<SendOutcome | null> {
  const [row] = await h.sql<Row<typeof alerts>[]>`SELECT ${h.sql.unsafe(columns(alerts))} FROM alerts WHERE id = ${id}`;
  if (!row || row.status !== "pending") return null;
  const result = await sendThroughChannel(
    config.monitoring.alerting.channels,
    row.channel as ChannelName,
    { title: row.title, text: row.message },
    { target: row.target, kind: row.kind, level: row.level, facts: row.details },
  );
  const attempts = row.attempts + 1;
  const { attempts: maxAttempts, baseDelaySeconds } = config.monitoring.alerting.retry;
  const retryInMs = result.ok || attempts >= maxAttempts ? null : alertRetryDelay(attempts, baseDelaySeconds * 1000);
  const status = result.ok ? "sent" : retryInMs === null ? "failed" : "pending";
  const [updated] = await h.sql<AlertRow[]>`
    UPDATE alerts SET status = ${status}, attempts = ${attempts}, last_error = ${result.ok ? null : result.error}, sent_at = CASE WHEN ${status} = 'sent' THEN now() ELSE sent_at END,
      next_attempt_at = CASE WHEN ${retryInMs}::bigint IS NULL THEN NULL ELSE now() + make_interval(secs => ${retryInMs}::bigint / 1000.0) END
    WHERE id = ${id} RETURNING ${h.sql.unsafe(COLUMNS)}`;
  return { status, retryInMs, error: result.ok ? null : result.error, alert: toView(updated!) };
}

export async function listAlerts(h: DbHandle, f: AlertListQuery): Promise<AlertView[]> {
  const rows = await h.sql<AlertRow[]>`
    SELECT ${h.sql.unsafe(COLUMNS)} FROM alerts
    WHERE (${f.target ?? null}::text IS NULL OR target = ${f.target ?? null}) AND (${f.status ?? null}::text IS NULL OR status = ${f.status ?? null})
    ORDER BY id DESC LIMIT ${f.limit}`;
  return rows.map(toView);
}

/** Put a failed alert back in the outbox by hand (after fixing the channel). */
export async function retryAlert(h: DbHandle, ctx: RequestContext, id: number): Promise<AlertView> {
  requirePermission(ctx, "incidents:write");
  return h.sql.begin(async (tx) => {
    const [row] = await tx<AlertRow[]>`SELECT ${tx.unsafe(COLUMNS)} FROM alerts WHERE id = ${id} FOR UPDATE`;
    if (!row) throw notFound(`alert ${id}`, "id");
    if (row.status !== "failed") throw new ServiceError("CONFLICT", `alert ${id} is ${row.status}; only failed alerts are retried by hand`);
    const [updated] = await tx<
      AlertRow[]
    >`UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = ${id} RETURNING ${tx.unsafe(COLUMNS)}`;
    await writeAudit(tx, ctx, {
      action: "alert.retry",
      targetType: "alert",
      targetId: String(id),
      before: { status: row.status },
      after: { status: "pending" },
    });
    await stageJob(tx, "alertSend", { id }, { jobId: `alert-${id}-retry-${Date.now()}` });
    return toView(updated!);
  });
}

/** Rows whose send job was lost (a Redis flush, a crash between commit and enqueue). */
export async function dueAlertIds(h: DbHandle): Promise<number[]> {
  const rows = await h.sql<
    Pick<AlertRow, "id">[]
  >`SELECT id FROM alerts WHERE status = 'pending' AND next_attempt_at < now() - interval '1 minute' ORDER BY id LIMIT 500`;
  return rows.map((r) => r.id);
}
