import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnv } from "@ops/config";
import { getIncident, listAlerts, openOutageIncident } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertPeople } from "../src/jobs/alerts.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { startWorkers } from "../src/worker.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let workers: Worker[];
const dir = mkdtempSync(join(tmpdir(), "ops-followups-"));
const alertFile = join(dir, "alerts.log");

beforeAll(async () => {
  stack = await openTestStack();
  cfg = writeTestConfig({
    monitoring: (m) => {
      m.alerting = { cooldownMinutes: 15, retry: { attempts: 2, baseDelaySeconds: 0.2 }, channels: { file: { enabled: true, path: alertFile } } };
    },
  });
  const env = readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir });
  rt = await openRuntime(env);
  workers = startWorkers(rt, () => {});
});

afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.close()));
  await rt?.close();
  await stack?.close();
  cfg?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("[ALERTS] the doctor's diagnosis after an escalation is not swallowed by the cooldown", () => {
  it("sends the escalation, suppresses its repeat, and sends the diagnosis as an update naming the first alert", async () => {
    const beta = rt.config.fleet.targets.find((t) => t.name === "beta")!;
    const incidentId = (await openOutageIncident(rt.db, beta, { reason: "connection refused" }))!;

    const settled = (l: { status: string }[]) => l.every((a) => a.status === "sent" || a.status === "suppressed");
    await alertPeople(rt, "beta", "escalated", "5 restarts within 600 s (connection refused)", "critical");
    const firstRows = await until(
      "the escalation sent",
      () => listAlerts(rt.db, { target: "beta", limit: 20 }),
      (l) => l.length > 0 && settled(l),
    );
    const first = Math.min(...firstRows.map((a) => a.id));
    const channels = firstRows.length;
    await alertPeople(rt, "beta", "escalated", "5 restarts within 600 s (connection refused)", "critical");
    await alertPeople(
      rt,
      "beta",
      "escalated",
      "5 restarts within 600 s (connection refused)",
      "critical",
      "not-fixed: CASE-004 port 8002 in use by another process",
    );

    const all = await until(
      "the update sent",
      () => listAlerts(rt.db, { target: "beta", limit: 20 }),
      (l) => l.length === 2 * channels + 1 && settled(l),
    );
    const updates = all.filter((a) => a.followsId !== null);
    expect(updates).toHaveLength(channels);
    for (const u of updates)
      expect(u).toMatchObject({ status: "sent", followsId: first, incidentId, title: expect.stringContaining(`Update to alert #${first} (escalated, `) });
    expect(all.filter((a) => a.status === "suppressed")).toHaveLength(1);

    const file = readFileSync(alertFile, "utf8");
    expect(file).toContain(`Update to alert #${first} (escalated, `);
    expect(file).toContain("diagnosis not-fixed: CASE-004 port 8002 in use by another process");

    const { timeline } = await until(
      "the deliveries on the timeline",
      () => getIncident(rt.db, incidentId),
      (d) => d.timeline.filter((e) => e.kind === "alert").length === 2 * channels,
    );
    const lines = timeline.filter((e) => e.kind === "alert").map((e) => e.message);
    expect(lines).toContain("alert sent via file");
    expect(lines).toContain(`update to alert #${first} sent via file`);
  });
});
