import http from "node:http";
import type { AddressInfo } from "node:net";
import { readEnv } from "@ops/config";
import { getIncident, getTarget, listAlerts, listDiagnoses, listIncidents, listRestarts, performRestart, setHealingPaused, systemContext } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { installSchedules, startWorkers } from "../src/worker.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let workers: Worker[];
const fixable = await startGatewayLike();
const broken = await startGatewayLike();
const paused = await startGatewayLike();
const restartCalls: string[] = [];
let control: http.Server;

beforeAll(async () => {
  // The restart endpoint a real deployment would have (the http driver): it brings "fixable" back, but not "broken".
  control = http.createServer((req, res) => {
    const name = (req.url ?? "").split("/").pop() ?? "";
    restartCalls.push(name);
    if (name === "fixable") void fixable.start();
    res.writeHead(200).end("restarting");
  });
  await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
  const controlBase = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  stack = await openTestStack();
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = (["fixable", "broken", "paused"] as const).map((name) => ({
        name,
        kind: "agent",
        check: "openclaw",
        baseUrl: { fixable, broken, paused }[name].baseUrl,
        restart: { driver: "http", url: `${controlBase}/restart/${name}`, method: "POST" },
        startTimeoutSeconds: 5,
      })) as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 1, timeoutMs: 500 });
      Object.assign(m.selfHealing as object, { backoffSeconds: [1, 1, 2], maxRestartsInWindow: 3, restartWindowSeconds: 60, escalateAfterMinutes: 30 });
    },
  });
  const env = readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir });
  rt = await openRuntime(env);
  await installSchedules(rt);
  workers = startWorkers(rt, () => {});
  for (const name of ["fixable", "broken", "paused"])
    await until(
      `${name} ok`,
      () => getTarget(stack.db, name),
      (t) => t.status === "ok",
    );
});

afterAll(async () => {
  await Promise.all((workers ?? []).map((w) => w.close()));
  await rt?.queues.probes.removeJobScheduler("probe-cycle");
  await rt?.close();
  for (const g of [fixable, broken, paused]) await g.close();
  control?.close();
  await stack?.close();
  cfg?.remove();
});

describe("[LADDER] the watchdog restarts down targets through their driver", () => {
  it("restarts a crashed target after the first backoff step, and it comes back", async () => {
    await fixable.stop();
    await until(
      "fixable down",
      () => getTarget(stack.db, "fixable"),
      (t) => t.status === "down",
    );
    const waiting = await until(
      "a restart scheduled",
      () => getTarget(stack.db, "fixable"),
      (t) => t.healing?.state === "waiting",
    );
    expect(waiting.healing).toMatchObject({ attempt: 1, maxAttempts: 3, driver: "http" });
    await until(
      "fixable ok again",
      () => getTarget(stack.db, "fixable"),
      (t) => t.status === "ok",
    );
    const restarts = await listRestarts(stack.db, { target: "fixable", limit: 10 });
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatchObject({ attempt: 1, kind: "restart", driver: "http", reason: "down: connection refused" });
    await until(
      "the attempt ended healthy",
      () => listRestarts(stack.db, { target: "fixable", limit: 10 }),
      (r) => r[0]?.status === "healthy",
    );
    const waited = Date.parse(restarts[0]!.startedAt) - Date.parse(restarts[0]!.dueAt);
    expect(waited).toBeGreaterThanOrEqual(-50);
    expect(waited).toBeLessThan(1500);
    const healed = await until(
      "ladder back to idle",
      () => getTarget(stack.db, "fixable"),
      (t) => t.healing?.state === "idle",
    );
    expect(healed.healing!.lastRestartAt).not.toBeNull();

    // The outage is an incident that wrote itself: opened, narrated, resolved, with MTTD and MTTR.
    const [incident] = await until(
      "incident resolved",
      () => listIncidents(stack.db, { status: "all", target: "fixable", limit: 5 }),
      (l) => l[0]?.status === "resolved",
    );
    expect(incident).toMatchObject({ severity: "P3", source: "ladder", targets: ["fixable"], resolvedBy: "watchdog", mttrTargetMs: 86_400_000 });
    expect(incident!.mttdMs).toBeGreaterThanOrEqual(0);
    expect(incident!.mttrMs).toBeGreaterThan(0);
    const { timeline } = await getIncident(stack.db, incident!.id);
    const kinds = timeline.map((e) => e.kind);
    expect(kinds[0]).toBe("opened");
    expect(kinds).toContain("restart");
    expect(kinds.at(-1)).toBe("resolved");
    expect(timeline.find((e) => e.kind === "restart")!.message).toMatch(/^restart attempt 1: starting/);
    expect(timeline.some((e) => e.kind === "restart" && /^restart healthy after \d+ s/.test(e.message))).toBe(true);
    expect(timeline.some((e) => e.kind === "status" && e.message.startsWith("down → ok"))).toBe(true);
  });

  it("escalates after the configured number of restarts in the window, and stops restarting", async () => {
    await broken.stop();
    // Each restart "works" but the target never answers: each attempt times out after 5 s, and counts.
    const escalated = await until(
      "broken escalated",
      () => getTarget(stack.db, "broken"),
      (t) => t.healing?.state === "escalated",
      60_000,
    );
    expect(escalated.healing!.reason).toBe("3 crashes within 60 s");
    const restarts = await listRestarts(stack.db, { target: "broken", limit: 10 });
    expect(restarts.map((r) => r.attempt).sort()).toEqual([1, 2, 3]);
    const gaps = restarts
      .map((r) => Date.parse(r.startedAt))
      .sort((a, b) => a - b)
      .map((t, i, all) => (i === 0 ? 0 : t - all[i - 1]!));
    // Never a restart while the previous attempt was still starting.
    expect(gaps[1]).toBeGreaterThanOrEqual(5000);
    expect(gaps[2]).toBeGreaterThanOrEqual(5000);
    expect(restarts.every((r) => r.status === "timed-out")).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await listRestarts(stack.db, { target: "broken", limit: 10 })).toHaveLength(3);
    const [audit] = await stack.db.sql`SELECT actor_label FROM audit_log WHERE action = 'target.escalate' AND target_id = 'broken'`;
    expect(audit).toMatchObject({ actor_label: "watchdog" });
    const [open] = await listIncidents(stack.db, { status: "open", target: "broken", limit: 1 });
    const { timeline } = await getIncident(stack.db, open!.id);
    expect(timeline.filter((e) => e.kind === "restart" && e.message.startsWith("restart attempt"))).toHaveLength(3);
    expect(timeline.filter((e) => e.kind === "restart" && e.message.startsWith("restart timed out"))).toHaveLength(3);
    expect(timeline.find((e) => e.kind === "escalated")).toMatchObject({ message: "escalated: 3 crashes within 60 s; no more automatic restarts" });
    // Level 3, then level 4: no case matches a silent refusal, so people are alerted with that diagnosis.
    const [diagnosis] = await until(
      "diagnosed",
      () => listDiagnoses(stack.db, { target: "broken", limit: 1 }),
      (d) => d.length === 1 && d[0]!.finishedAt !== null,
    );
    expect(diagnosis).toMatchObject({ outcome: "no-match", caseId: null });
    expect(diagnosis!.evidence).toContain("probe: connection refused");
    const alerts = await until(
      "alerted",
      () => listAlerts(stack.db, { target: "broken", limit: 10 }),
      (a) => a.some((x) => x.status === "sent"),
    );
    expect(alerts[0]!.message).toMatch(/diagnosis: no case matched/);
    await broken.start();
    await until(
      "escalation cleared when healthy",
      () => getTarget(stack.db, "broken"),
      (t) => t.status === "ok" && t.healing?.state === "idle",
    );
  }, 90_000);

  it("does nothing while auto-healing is paused", async () => {
    await setHealingPaused(stack.db, systemContext("test"), "paused", true);
    await paused.stop();
    await until(
      "paused target down",
      () => getTarget(stack.db, "paused"),
      (t) => t.status === "down",
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect(await listRestarts(stack.db, { target: "paused", limit: 10 })).toHaveLength(0);
    expect((await getTarget(stack.db, "paused")).healing?.state).toBe("paused");
    await paused.start();
  });

  it("a restart job run twice, or after a worker died mid-restart, restarts once", async () => {
    const calls = restartCalls.length;
    const job = { target: "fixable", attempt: 9, attemptKey: "fixable:9:1", dueAt: 1 };
    await stack.db
      .sql`INSERT INTO restarts (target, attempt_key, attempt, driver, status, reason, due_at) VALUES ('fixable', ${job.attemptKey}, 9, 'http', 'started', 'test', now())`;
    expect(await performRestart(stack.db, rt.config, job)).toMatchObject({ status: "interrupted" });
    expect(await performRestart(stack.db, rt.config, job)).toMatchObject({ status: "skipped" });
    expect(restartCalls.length).toBe(calls);
    const [row] = await stack.db.sql`SELECT status FROM restarts WHERE attempt_key = ${job.attemptKey}`;
    expect(row).toMatchObject({ status: "interrupted" });
  });
});
