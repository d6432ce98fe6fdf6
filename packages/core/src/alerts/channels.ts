import { appendFile, mkdir } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { REPO_ROOT, type AlertChannels } from "@ops/config";
import { dingtalkPayload, feishuPayload, redactText, slackPayload, webhookSignature, type AlertMessage } from "@ops/domain";
import nodemailer from "nodemailer";

export type ChannelName = keyof AlertChannels;
export type SendResult = { ok: true; detail: string } | { ok: false; error: string };

export function enabledChannels(c: AlertChannels): ChannelName[] {
  return (Object.keys(c) as ChannelName[]).filter((k) => c[k]?.enabled);
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}, check?: (json: unknown) => string | null): Promise<SendResult> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) return { ok: false, error: `HTTP ${res.status} from ${redactText(url)}: ${redactText(text.slice(0, 300))}` };
    if (check) {
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {}
      const problem = check(json);
      if (problem) return { ok: false, error: problem };
    }
    return { ok: true, detail: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: `${redactText(url)}: ${(err as Error).message}` };
  }
}

const platformCode = (json: unknown): string | null => {
  const j = json as { code?: number; errcode?: number; msg?: string; errmsg?: string } | null;
  const code = j?.code ?? j?.errcode ?? 0;
  return code === 0 ? null : `the platform refused the message: ${j?.msg ?? j?.errmsg ?? `code ${code}`}`;
};

/** Send one formatted alert through one channel; never throws. */
export async function sendThroughChannel(channels: AlertChannels, name: ChannelName, m: AlertMessage, payload: Record<string, unknown>): Promise<SendResult> {
  const now = Math.floor(Date.now() / 1000).toString();
  switch (name) {
    case "console":
      // The title in msg, so a terminal or log viewer that shows msg alone (npm start's) says what the alert is.
      process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: "warn", msg: `ALERT ${m.title}`, alert: m.text })}\n`);
      return { ok: true, detail: "written to the worker log" };
    case "file": {
      const path = channels.file!.path;
      const full = isAbsolute(path) ? path : join(REPO_ROOT, path);
      try {
        await mkdir(dirname(full), { recursive: true });
        await appendFile(full, `${m.text.replaceAll("\n", " | ")}\n`);
        return { ok: true, detail: `appended to ${full}` };
      } catch (err) {
        return { ok: false, error: `${full}: ${(err as Error).message}` };
      }
    }
    case "webhook":
      return postJson(channels.webhook!.url, { ...payload, title: m.title, text: m.text }, channels.webhook!.headers);
    case "slack":
      return postJson(channels.slack!.url, slackPayload(m));
    case "feishu": {
      const secret = channels.feishu!.secret;
      return postJson(
        channels.feishu!.url,
        feishuPayload(m, secret ? { timestamp: now, sign: webhookSignature(now, secret, "feishu") } : undefined),
        {},
        platformCode,
      );
    }
    case "dingtalk": {
      const c = channels.dingtalk!;
      const url = c.secret
        ? `${c.url}${c.url.includes("?") ? "&" : "?"}timestamp=${now}000&sign=${encodeURIComponent(webhookSignature(`${now}000`, c.secret, "dingtalk"))}`
        : c.url;
      return postJson(url, dingtalkPayload(m), {}, platformCode);
    }
    case "email": {
      const c = channels.email!;
      try {
        const transport = nodemailer.createTransport({
          host: c.host,
          port: c.port,
          secure: c.secure,
          auth: c.username ? { user: c.username, pass: c.password ?? "" } : undefined,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 15_000,
        });
        const info = await transport.sendMail({ from: c.from, to: c.to, subject: m.title, text: m.text });
        return { ok: true, detail: `accepted by ${c.host}: ${info.accepted.length} recipient(s)` };
      } catch (err) {
        return { ok: false, error: `SMTP ${c.host}:${c.port}: ${redactText((err as Error).message)}` };
      }
    }
  }
}
