import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnv } from "@ops/config";
import { listAlerts } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertPeople } from "../src/jobs/alerts.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { startWorkers } from "../src/worker.ts";

type Received = { path: string; url: string; body: Record<string, unknown> };
const received: Received[] = [];
const mails: { subject: string; text: string; to: string }[] = [];
let webhookFailuresLeft = 2;
let http1: http.Server;
let smtp: SMTPServer;
let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let workers: Worker[];
const dir = mkdtempSync(join(tmpdir(), "ops-alerts-"));
const alertFile = join(dir, "alerts.log");

beforeAll(async () => {
  // Local receivers standing in for Slack, Feishu, DingTalk, a generic webhook and an SMTP server.
  http1 = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      const path = (req.url ?? "").split("?")[0]!;
      received.push({ path, url: req.url ?? "", body: JSON.parse(data || "{}") as Record<string, unknown> });
      if (path === "/webhook" && webhookFailuresLeft-- > 0) return res.writeHead(500).end("try later");
      if (path === "/dingtalk") return res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":310000,"errmsg":"sign not match"}');
      if (path === "/feishu") return res.writeHead(200, { "content-type": "application/json" }).end('{"code":0,"msg":"success"}');
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => http1.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(http1.address() as AddressInfo).port}`;
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, cb) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString()));
      stream.on("end", () => {
        const subject = /^Subject: (.*)$/m.exec(raw.replace(/\r?\n[ \t]+/g, " "))?.[1]?.trim() ?? "";
        mails.push({ subject, text: raw, to: session.envelope.rcptTo.map((r) => r.address).join(",") });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", () => r()));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  stack = await openTestStack();
  cfg = writeTestConfig({
    monitoring: (m) => {
      m.alerting = {
        cooldownMinutes: 15,
        retry: { attempts: 3, baseDelaySeconds: 0.2 },
        channels: {
          console: { enabled: true },
          file: { enabled: true, path: alertFile },
          webhook: { enabled: true, url: `${base}/webhook` },
          slack: { enabled: true, url: `${base}/slack` },
          feishu: { enabled: true, url: `${base}/feishu`, secret: "feishu-secret" },
          dingtalk: { enabled: true, url: `${base}/dingtalk?access_token=abc`, secret: "ding-secret" },
          email: { enabled: true, host: "127.0.0.1", port: smtpPort, secure: false, from: "ops@test.local", to: ["oncall@test.local"] },
        },
      };
    },
  });
  const env = readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir });
  rt = await openRuntime(env);
  workers = startWorkers(rt, () => {});
});

afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.close()));
  await rt?.close();
  http1?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
  await stack?.close();
  cfg?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("[ALERTS] human alerts through every channel", () => {
  it("delivers to each configured channel with the facts, retries a failing one, and keeps a refused one as failed", async () => {
    await alertPeople(rt, "beta", "escalated", "5 restarts within 600 s (connection refused)", "critical");
    const alerts = await until(
      "all channels settled",
      () => listAlerts(stack.db, { target: "beta", limit: 20 }),
      (l) => l.length === 7 && l.every((a) => a.status !== "pending"),
      20_000,
    );
    const by = Object.fromEntries(alerts.map((a) => [a.channel, a]));
    for (const ch of ["console", "file", "webhook", "slack", "feishu", "email"]) expect(by[ch]!.status, ch).toBe("sent");
    expect(by.webhook!.attempts).toBe(3);
    expect(by.dingtalk).toMatchObject({ status: "failed", attempts: 3, lastError: "the platform refused the message: sign not match" });

    const hook = received.filter((r) => r.path === "/webhook").at(-1)!.body;
    expect(hook).toMatchObject({ target: "beta", kind: "escalated", level: "critical" });
    expect(String(hook.text)).toContain("failing for:");
    expect(String(hook.text)).toContain("last good check:");
    expect(String(hook.text)).toContain("actions taken:");
    expect(received.find((r) => r.path === "/slack")!.body.text).toBe("[CRITICAL] beta escalated: 5 restarts within 600 s (connection refused)");

    const feishu = received.find((r) => r.path === "/feishu")!.body as { timestamp: string; sign: string; content: { text: string } };
    expect(feishu.sign).toBe(createHmac("sha256", `${feishu.timestamp}\nfeishu-secret`).update("").digest("base64"));
    const ding = new URL(`http://x${received.find((r) => r.path === "/dingtalk")!.url}`);
    const ts = ding.searchParams.get("timestamp")!;
    expect(ding.searchParams.get("sign")).toBe(createHmac("sha256", "ding-secret").update(`${ts}\nding-secret`).digest("base64"));

    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: "[CRITICAL] beta escalated: 5 restarts within 600 s (connection refused)", to: "oncall@test.local" });
    expect(mails[0]!.text).toContain("restarts in the last 10 min:");
    expect(readFileSync(alertFile, "utf8")).toContain("[CRITICAL] beta escalated");
    // The DingTalk access token in the URL never reaches the stored error.
    expect(JSON.stringify(alerts)).not.toContain("access_token=abc");
  });

  it("inside the cooldown the same alert is recorded as suppressed and not sent again", async () => {
    const before = received.length;
    await alertPeople(rt, "beta", "escalated", "still down", "critical");
    const suppressed = await listAlerts(stack.db, { target: "beta", status: "suppressed", limit: 5 });
    expect(suppressed).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(received.length).toBe(before);
    await alertPeople(rt, "gamma", "escalated", "another target is not in beta's cooldown", "critical");
    await until(
      "gamma sent",
      () => listAlerts(stack.db, { target: "gamma", status: "sent", limit: 10 }),
      (l) => l.length >= 5,
    );
  });
});
