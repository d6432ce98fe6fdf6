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
