import { createHmac } from "node:crypto";

export type AlertFacts = {
  target: string;
  kind: string;
  level: "warning" | "error" | "critical";
  at: number;
  reason: string;
  failingSince: number | null;
  restartsInWindow: number;
  windowSeconds: number;
  lastOkAt: number | null;
  actions: string[];
  diagnosis: string | null;
  incidentKey: string | null;
};

export type AlertMessage = { title: string; text: string };

const iso = (ms: number | null) => (ms === null ? "never" : new Date(ms).toISOString().replace(".000Z", "Z"));

/** The words a person reads at 3 a.m.: what, how bad, how long, what was tried, what is known. */
export function formatAlert(f: AlertFacts): AlertMessage {
  const minutes = f.failingSince === null ? 0 : Math.max(0, Math.round((f.at - f.failingSince) / 60_000));
  const title = `[${f.level.toUpperCase()}] ${f.target} ${f.kind}: ${f.reason}`;
  const lines = [
    title,
    `time: ${iso(f.at)}`,
    `level: ${f.level}`,
    `failing for: ${minutes} min`,
    `restarts in the last ${Math.round(f.windowSeconds / 60)} min: ${f.restartsInWindow}`,
    `last good check: ${iso(f.lastOkAt)}`,
    `actions taken: ${f.actions.length ? f.actions.join("; ") : "none"}`,
    `diagnosis: ${f.diagnosis ?? "none"}`,
  ];
  if (f.incidentKey) lines.push(`incident: ${f.incidentKey}`);
  return { title, text: lines.join("\n") };
}

/** One alert per target and kind per cooldown. */
export function inCooldown(lastSentAt: number | null, now: number, cooldownMs: number): boolean {
  return lastSentAt !== null && now - lastSentAt < cooldownMs;
}

/** An alert already raised for the target (all its channels' rows: the id is the first row's). */
export type PriorAlert = { id: number; at: number; kind: string; level: string; diagnosis: string | null };

export type AlertDecision =
  /** Nothing for this target inside the cooldown: a new alert. */
  | { action: "send" }
  /** A true repeat of an alert inside the cooldown: kept as a suppressed row, not sent. */
  | { action: "suppress"; repeats: PriorAlert }
  /** Inside the cooldown but with something new to say: sent, naming the alert it updates. */
  | { action: "follow-up"; follows: PriorAlert; news: string[] };

/**
 * Send, suppress or follow up. Inside the cooldown (per target) an alert of the same kind is suppressed
 * unless it says something the earlier did not: a diagnosis where the earlier had none or another one, or
 * another level. An alert of another kind (a new state: down, then escalated) inside the cooldown is a
 * follow-up of the latest alert. Outside the cooldown every alert is new.
 */
export function decideAlert(
  next: Pick<AlertFacts, "kind" | "level" | "diagnosis" | "at" | "reason">,
  recent: readonly PriorAlert[],
  cooldownMs: number,
): AlertDecision {
  const live = recent.filter((p) => inCooldown(p.at, next.at, cooldownMs)).sort((a, b) => b.at - a.at || b.id - a.id);
  const latest = live[0];
  if (!latest) return { action: "send" };
  const same = live.find((p) => p.kind === next.kind);
  const base = same ?? latest;
  const news: string[] = [];
  if (!same) news.push(`now ${next.kind} (was ${latest.kind}): ${next.reason}`);
  if (next.diagnosis !== null && next.diagnosis !== "" && next.diagnosis !== base.diagnosis) news.push(`diagnosis ${next.diagnosis}`);
  if (next.level !== base.level) news.push(`level ${next.level} (was ${base.level})`);
  return news.length === 0 ? { action: "suppress", repeats: base } : { action: "follow-up", follows: base, news };
}

const hhmm = (ms: number) => `${new Date(ms).toISOString().slice(11, 16)} UTC`;

/**
 * A follow-up names the alert it updates and leads with what is new, e.g.
 * "[CRITICAL] beta: Update to alert #12 (escalated, 10:04 UTC): diagnosis CASE-001 …"; the facts follow as in
 * any alert.
 */
export function formatFollowUp(f: AlertFacts, follows: Pick<PriorAlert, "id" | "at" | "kind">, news: readonly string[]): AlertMessage {
  const title = `[${f.level.toUpperCase()}] ${f.target}: Update to alert #${follows.id} (${follows.kind}, ${hhmm(follows.at)}): ${news.join("; ")}`;
  const facts = formatAlert(f).text.split("\n").slice(1);
  return { title, text: [title, `updates: alert #${follows.id} (${follows.kind}, ${iso(follows.at)})`, `state: ${f.kind}: ${f.reason}`, ...facts].join("\n") };
}

/** Exponential backoff for a failed send: base, 2·base, 4·base …, capped at an hour. */
export function alertRetryDelay(attempt: number, baseMs: number): number {
  return Math.min(3_600_000, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Feishu and DingTalk sign "timestamp\nsecret" with HMAC-SHA256, base64 (their documented scheme). */
export function webhookSignature(timestamp: string, secret: string, keyed: "feishu" | "dingtalk"): string {
  const payload = `${timestamp}\n${secret}`;
  // Feishu uses the string as the key and an empty message; DingTalk uses the secret as the key.
  const mac = keyed === "feishu" ? createHmac("sha256", payload).update("") : createHmac("sha256", secret).update(payload);
  return mac.digest("base64");
}

export function slackPayload(m: AlertMessage) {
  return { text: m.title, blocks: [{ type: "section", text: { type: "mrkdwn", text: "```" + m.text + "```" } }] };
}

export function feishuPayload(m: AlertMessage, sign?: { timestamp: string; sign: string }) {
  return { ...(sign ?? {}), msg_type: "text", content: { text: m.text } };
}

export function dingtalkPayload(m: AlertMessage) {
  return { msgtype: "text", text: { content: m.text } };
}
