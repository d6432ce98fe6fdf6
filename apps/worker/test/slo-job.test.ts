import http from "node:http";
import type { AddressInfo } from "node:net";
import { readEnv } from "@ops/config";
import { createSlo, listAlerts, syncTargets, systemContext } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import { maintainSamplePartitions } from "@ops/db";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSloJob } from "../src/jobs/slo.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { startWorkers } from "../src/worker.ts";

const received: { kind?: string; level?: string; title?: string }[] = [];
let hook: http.Server;
let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let workers: Worker[];

beforeAll(async () => {
  hook = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => (data += c));
    req.on("end", () => {
      received.push(JSON.parse(data || "{}") as { kind?: string });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
  stack = await openTestStack();
  cfg = writeTestConfig({
    monitoring: (m) => {
      const channels = (m.alerting as { channels: Record<string, { enabled: boolean; url?: string }> }).channels;
      for (const c of Object.values(channels)) c.enabled = false;
      channels.webhook = { enabled: true, url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook` };
    },
  });
  const env = readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir });
  rt = await openRuntime(env);
  await syncTargets(rt.db, rt.config.fleet);
  await maintainSamplePartitions(rt.db.sql, { retentionDays: 30 });
  workers = startWorkers(rt, () => {});
});
afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.close()));
  await rt?.close();
  hook?.close();
  await stack?.close();
  cfg?.remove();
});

describe("[SLO] the worker's SLO job", () => {
  it("rolls up, fires the fast-burn page once and the alert sender delivers it through the webhook", async () => {
    const target = rt.config.fleet.targets[0]!.name;
    const now = Date.now();
    const rows = Array.from({ length: 120 }, (_, i) => ({
      target,
      checked_at: new Date(now - 3_600_000 + i * 30_000),
      status: i % 10 === 0 ? "down" : "ok",
      latency_ms: 100,
    }));
    await rt.db.sql`INSERT INTO probe_samples ${rt.db.sql(rows)}`;
    const slo = await createSlo(rt.db, systemContext("test"), {
      name: "first target",
      kind: "availability",
      selector: { type: "targets", targets: [target] },
      objectivePercent: 99.9,
      windowDays: 30,
      policy: "confirm",
    });
    // Every pass tells the dashboards (slo.updated), naming the SLOs whose alerts moved; the frame still goes to Redis.
    const frames: unknown[] = [];
    const publish = rt.bus.publish.bind(rt.bus);
    rt.bus.publish = (frame, timeoutMs) => {
      frames.push(frame);
      return publish(frame, timeoutMs);
    };
    const first = await runSloJob(rt, now);
    expect(first.rolledUp).toBeGreaterThan(0);
    expect(first.events.filter((e) => e.endsWith(":page-fast:fire"))).toHaveLength(1);
    expect((await runSloJob(rt, now + 60_000)).events).toEqual([]);
    const sloFrames = frames.filter((f) => (f as { type: string }).type === "slo.updated");
    expect(sloFrames).toEqual([
      { type: "slo.updated", at: new Date(now).toISOString(), changed: [slo.id] },
      { type: "slo.updated", at: new Date(now + 60_000).toISOString(), changed: [] },
    ]);
    await until(
      "the page reached the webhook",
      () => received.filter((m) => m.kind === "slo-page-fast").length,
      (n) => n >= 1,
      20_000,
    );
    const sent = await listAlerts(rt.db, { target, limit: 20 });
    expect(sent.filter((a) => a.kind === "slo-page-fast" && a.status === "sent")).toHaveLength(1);
    expect(received.filter((m) => m.kind === "slo-page-fast")).toHaveLength(1);
  });
});
