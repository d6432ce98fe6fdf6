import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEnv } from "@ops/config";
import { getTarget, listDiagnoses, listRestarts, snapshotConfig, stopManagedProcess } from "@ops/core";
import { freePort, openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { installSchedules, startWorkers } from "../src/worker.ts";
import { startExitWatcher } from "../src/jobs/exits.ts";

const dir = mkdtempSync(join(tmpdir(), "ops-process-"));
const script = join(dir, "gateway.mjs");
const logFile = join(dir, "gateway.log");
// A tiny gateway-shaped program, run for real by the process driver.
const configFile = join(dir, "openclaw.json");
const goodConfig = `${JSON.stringify({ gateway: { mode: "local", token: "s3cret-token" } }, null, 2)}\n`;
writeFileSync(configFile, goodConfig);
writeFileSync(
  script,
  `import http from "node:http";
import { readFileSync } from "node:fs";
const started = Date.now();
// As the real gateway does with a clobbered config (OPENCLAW.md §5): refuse to start, exit 78.
try {
  JSON.parse(readFileSync(process.argv[3], "utf8"));
} catch {
  console.log(new Date().toISOString() + " [gateway] loading configuration…");
  console.error(new Date().toISOString() + " Gateway start blocked: existing config is missing gateway.mode. Treat this as suspicious or clobbered config. Re-run \`openclaw onboard --mode local\` or \`openclaw setup\`, set gateway.mode=local manually, or pass --allow-unconfigured.");
  process.exit(78);
}
console.log(new Date().toISOString() + " [gateway] listening on " + process.argv[2] + " as " + process.env.GATEWAY_NAME);
http.createServer((req, res) => {
  const up = Date.now() - started;
  const body = req.url === "/healthz" ? { ok: true, status: "live" } : req.url === "/readyz" ? { ready: true, failing: [], uptimeMs: up } : { ok: true, status: "started", version: "test-1", uptimeMs: up };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}).listen(Number(process.argv[2]), "127.0.0.1");
`,
);

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let workers: Worker[];
let stopWatcher: () => Promise<void>;
let port: number;

beforeAll(async () => {
  port = await freePort();
  stack = await openTestStack();
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [
        {
          name: "epsilon",
          kind: "agent",
          check: "openclaw",
          baseUrl: `http://127.0.0.1:${port}`,
          configPath: configFile,
          restart: { driver: "process", argv: [process.execPath, script, "{port}", configFile], cwd: dir, env: { GATEWAY_NAME: "epsilon" }, logFile },
        },
      ] as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 1, timeoutMs: 500 });
      Object.assign(m.selfHealing as object, { backoffSeconds: [1], maxRestartsInWindow: 10, restartWindowSeconds: 60 });
    },
  });
  rt = await openRuntime(readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir }));
  await installSchedules(rt);
  workers = startWorkers(rt, () => {});
  stopWatcher = startExitWatcher(rt, () => {});
});

afterAll(async () => {
  await stopWatcher?.();
  await Promise.all((workers ?? []).map((w) => w.close()));
  await rt?.queues.probes.removeJobScheduler("probe-cycle");
  const procs = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes`;
  for (const p of procs) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {}
  }
  await rt?.close();
  await stack?.close();
  cfg?.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe("[LADDER] the process driver: the console supervises the command itself", () => {
  it("starts a down target's program once (a start, not a restart), and after a SIGKILL sees it down at once and restarts it", async () => {
    await until(
      "started and ok",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "ok",
      30_000,
    );
    const [first] = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'epsilon'`;
    expect(readFileSync(logFile, "utf8")).toContain(`listening on ${port} as epsilon`);
    const started = await until(
      "the start attempt ended healthy",
      () => listRestarts(stack.db, { target: "epsilon", limit: 5 }),
      (r) => r[0]?.status === "healthy",
    );
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ kind: "start", driver: "process", status: "healthy" });
    expect(await stack.db.sql`SELECT 1 FROM incidents`).toHaveLength(0);

    const killedAt = Date.now();
    process.kill(first!.pid, "SIGKILL");
    // The supervisor reports the exit: no probe interval to wait for. (A probe may see "connection refused" a
    // moment before the exit is recorded: wait for the exit's verdict, not for the first "down".)
    const down = await until(
      "seen down by its exit",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "down" && t.reason === "process killed by SIGKILL",
      5000,
    );
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(down.healing?.lastExit).toMatchObject({ code: null, signal: "SIGKILL" });
    const back = await until(
      "restarted and ok",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "ok",
      30_000,
    );
    expect(back.version).toBe("test-1");
    const [second] = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'epsilon'`;
    expect(second!.pid).not.toBe(first!.pid);
    const restarts = await until(
      "the restart ended healthy",
      () => listRestarts(stack.db, { target: "epsilon", limit: 5 }),
      (r) => r[0]?.status === "healthy",
    );
    expect(restarts[0]).toMatchObject({ kind: "restart", driver: "process", status: "healthy" });
    expect(restarts[0]!.output).toMatch(/^(re)?started pid \d+/);
    const [healing] = await stack.db.sql<{ crashes: string[] }[]>`SELECT crashes FROM target_healing WHERE target = 'epsilon'`;
    expect(healing!.crashes).toHaveLength(1);
    const [incident] = await stack.db.sql<
      { startedAt: Date; detectedAt: Date }[]
    >`SELECT started_at AS "startedAt", detected_at AS "detectedAt" FROM incidents WHERE target = 'epsilon'`;
    expect(Math.abs(incident!.startedAt.getTime() - killedAt)).toBeLessThan(1000);
  });

  it("a worker restart adopts the running process instead of starting it twice", async () => {
    const [before] = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'epsilon'`;
    const attempts = (await listRestarts(stack.db, { target: "epsilon", limit: 20 })).length;
    await stopWatcher();
    await Promise.all(workers.map((w) => w.close()));
    await rt.close();
    rt = await openRuntime(readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir }));
    workers = startWorkers(rt, () => {});
    stopWatcher = startExitWatcher(rt, () => {});
    // Several probe cycles later: still the same process, still one entry per attempt.
    const t0 = Date.now();
    await until(
      "a few cycles",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "ok" && Date.parse(t.checkedAt!) > t0 + 3000,
      15_000,
    );
    const [after] = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'epsilon'`;
    expect(after!.pid).toBe(before!.pid);
    expect(await listRestarts(stack.db, { target: "epsilon", limit: 20 })).toHaveLength(attempts);
  });

  it("after Ctrl-C on npm start stopped it, the next start is a start: no crash, no incident", async () => {
    const target = rt.config.fleet.targets.find((t) => t.name === "epsilon")!;
    const incidents = (await stack.db.sql`SELECT 1 FROM incidents`).length;
    const [row] = await stack.db.sql<{ crashes: string[] }[]>`SELECT crashes FROM target_healing WHERE target = 'epsilon'`;
    const crashes = row!.crashes;
    expect((await stopManagedProcess(stack.db, target, "console-shutdown")).output).toMatch(/^stopped pid \d+/);
    const started = await until(
      "started again",
      () => listRestarts(stack.db, { target: "epsilon", limit: 1 }),
      (r) => r[0]?.kind === "start" && r[0].status === "healthy",
      30_000,
    );
    expect(started[0]!.reason).toBe("first start by the console");
    expect((await stack.db.sql`SELECT 1 FROM incidents`).length).toBe(incidents);
    const [now] = await stack.db.sql<{ crashes: string[] }[]>`SELECT crashes FROM target_healing WHERE target = 'epsilon'`;
    expect(now!.crashes).toHaveLength(crashes.length);
  });

  it("a clobbered config: exit 78 recorded → sent to the doctor at once → the last good copy restored → healthy", async () => {
    const target = rt.config.fleet.targets.find((t) => t.name === "epsilon")!;
    await until(
      "ok",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "ok",
    );
    // The copy the console keeps of a config that worked (as if healthy for a minute).
    const snap = await snapshotConfig(stack.db, rt.config, target, { now: Date.now() + 120_000 });
    expect(snap).toMatchObject({ taken: true, version: 1 });
    writeFileSync(configFile, "{\n");
    const [proc] = await stack.db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = 'epsilon'`;
    const brokenAt = Date.now();
    process.kill(proc!.pid, "SIGKILL");

    const failed = await until(
      "the restart failed with 78",
      () => listRestarts(stack.db, { target: "epsilon", limit: 5 }),
      (r) => r.some((a) => a.exitCode === 78),
      30_000,
    );
    const attempt = failed.find((a) => a.exitCode === 78)!;
    expect(attempt).toMatchObject({ kind: "restart", status: "failed", exitSignal: null });
    expect(attempt.stderrTail).toContain("Gateway start blocked");
    const [d] = await until(
      "diagnosed and fixed",
      () => listDiagnoses(stack.db, { target: "epsilon", limit: 1 }),
      (x) => x[0]?.finishedAt != null,
      60_000,
    );
    expect(d).toMatchObject({ caseId: "CASE-001", outcome: "fixed" });
    expect(d!.evidence).toMatch(/^exit 78/);
    expect(d!.evidence).not.toContain("s3cret-token");
    await until(
      "healthy",
      () => getTarget(stack.db, "epsilon"),
      (t) => t.status === "ok",
      30_000,
    );
    expect(readFileSync(configFile, "utf8")).toBe(goodConfig);
    // Deterministic: one failed restart, then the doctor; no second restart into the same wall.
    const after = (await listRestarts(stack.db, { target: "epsilon", limit: 20 })).filter((r) => Date.parse(r.startedAt) > brokenAt);
    expect(after.map((r) => `${r.kind}:${r.status}`)).toEqual(["restart:failed"]);
    const [escalation] = await stack.db.sql<
      { after: { reason: string } }[]
    >`SELECT after FROM audit_log WHERE action = 'target.escalate' AND target_id = 'epsilon'`;
    expect(escalation!.after.reason).toMatch(/exit 78.*a restart cannot fix this/);
  }, 90_000);
});
