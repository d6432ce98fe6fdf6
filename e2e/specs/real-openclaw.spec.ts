import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { createDb, type DbHandle } from "@ops/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENCLAW_HOME, OPENCLAW_INSTALLED, gatewayConfig, gatewayRestart } from "../support/openclaw.ts";
import { apiLogin, freePort, getJson, startStack, until } from "../support/stack.ts";

/**
 * Real OpenClaw gateways (the `openclaw` package under Node 24, installed once into .data/real-openclaw by
 * `node scripts/install-openclaw.mjs`, which .ci/run calls) run by the console's `process` driver through the
 * same worker and API processes `npm start` runs. Each gateway takes 15–35 s to start on this 2-core machine
 * and about 0.9 GB: three run here, started together, so starts are slow, as on a busy machine.
 * `npm test` runs this suite whenever the cache is present.
 */
const HOME = OPENCLAW_HOME;

type Healing = {
  state: string;
  startingSince: string | null;
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  reason: string | null;
};
type Target = { status: string; reason: string; version: string | null; uptimeMs: number | null; ready: boolean | null; healing: Healing | null };
type Restart = {
  kind: string;
  status: string;
  exitCode: number | null;
  exitSignal: string | null;
  stderrTail: string | null;
  startedAt: string;
  endedAt: string | null;
  output: string | null;
};
type Diagnosis = { caseId: string | null; outcome: string; confidence: number | null; detail: string | null; evidence: string; finishedAt: string | null };

let stack: Awaited<ReturnType<typeof startStack>> | undefined;
let auth: Record<string, string>;
let db: DbHandle;
let holder: net.Server | undefined;
const states: Record<string, { dir: string; configPath: string; port: number; good: string }> = {};
const figures: string[] = [];

function realTarget(name: string, port: number) {
  const dir = join(HOME, `e2e-${name}-${port}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const configPath = join(dir, "openclaw.json");
  const good = gatewayConfig(port, dir);
  writeFileSync(configPath, good);
  states[name] = { dir, configPath, port, good };
  return {
    name,
    kind: "agent",
    check: "openclaw",
    baseUrl: `http://127.0.0.1:${port}`,
    startTimeoutSeconds: 240,
    configPath,
    restart: gatewayRestart(dir, configPath),
  };
}

const api = (path: string) => getJson(`${stack!.apis[0]}${path}`, { headers: auth });
const target = (name: string) => api(`/api/targets/${name}`).then((r) => (r as { target: Target }).target);
const restarts = (name: string) => api(`/api/restarts?target=${name}&limit=20`).then((r) => (r as { restarts: Restart[] }).restarts);
const diagnoses = (name: string) => api(`/api/diagnoses?target=${name}&limit=5`).then((r) => (r as { diagnoses: Diagnosis[] }).diagnoses);
const pidOf = async (name: string) => (await db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = ${name}`)[0]!.pid;

describe.skipIf(!OPENCLAW_INSTALLED)("[REAL] real OpenClaw gateways under the process driver, through npm start's worker and API", () => {
  beforeAll(async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    // gamma's port is taken before the console starts it: a listener that accepts and never answers.
    holder = net.createServer((socket) => socket.on("error", () => {}));
    await new Promise<void>((r) => holder!.listen(ports[2], "127.0.0.1", r));
    stack = await startStack({
      intervalSeconds: 5,
      // As in production: a gateway busy starting may answer slowly; that is not an outage.
      probeTimeoutMs: 4000,
      heartbeatTimeoutSeconds: 60,
      selfHealing: { backoffSeconds: [1, 5, 10], maxRestartsInWindow: 10, restartWindowSeconds: 600, escalateAfterMinutes: 20, configSnapshotAfterSeconds: 5 },
      fleet: (f) => {
        f.targets = [realTarget("alpha", ports[0]!), realTarget("beta", ports[1]!), realTarget("gamma", ports[2]!)] as never;
      },
    });
    auth = await apiLogin(stack.apis[0]!);
    db = createDb(stack.env.DATABASE_URL!, { max: 2 });
  }, 300_000);

  afterAll(async () => {
    process.stdout.write(`\n[REAL] figures (this machine):\n${figures.map((f) => `  ${f}`).join("\n")}\n`);
    if (stack) {
      for (const p of await db.sql<{ pid: number; supervisorPid: number | null }[]>`SELECT pid, supervisor_pid AS "supervisorPid" FROM managed_processes`) {
        for (const pid of [p.supervisorPid, p.pid]) {
          try {
            if (pid) process.kill(-pid, "SIGKILL");
          } catch {}
          try {
            if (pid) process.kill(pid, "SIGKILL");
          } catch {}
        }
      }
      await db.close();
      await stack.close();
    }
    holder?.close();
    for (const s of Object.values(states)) rmSync(s.dir, { recursive: true, force: true });
  }, 120_000);

  it("[REAL][START]: the console starts each gateway once and waits for it: no restart interrupts a slow start, no incident", async () => {
    for (const name of ["alpha", "beta"]) {
      const t = await until(
        `${name} ok`,
        () => target(name),
        (x) => x.status === "ok",
        240_000,
      );
      expect(t.version).toBe("2026.9.6");
      expect(t.uptimeMs).toBeGreaterThan(0);
      const attempts = await until(
        `${name}'s start ended`,
        () => restarts(name),
        (r) => r[0]?.status === "healthy",
      );
      // One start, ended healthy: however long it took, nothing restarted it while it started.
      expect(attempts.map((a) => `${a.kind}:${a.status}`)).toEqual(["start:healthy"]);
      const took = Date.parse(attempts[0]!.endedAt!) - Date.parse(attempts[0]!.startedAt);
      figures.push(`${name}: start → ok ${(took / 1000).toFixed(1)} s (three gateways starting together; goal: no restart during start-up)`);
    }
    const incidents = (await api("/api/incidents?status=all&limit=20")) as { incidents: { targets: string[] }[] };
    expect(incidents.incidents.filter((i) => i.targets.includes("alpha") || i.targets.includes("beta"))).toEqual([]);
  }, 300_000);

  it("[REAL][KILL]: kill -9 → down in under 2 s with the signal, one restart, healthy again without a restart during its start", async () => {
    const pid = await pidOf("alpha");
    const killedAt = Date.now();
    process.kill(pid, "SIGKILL");
    const down = await until(
      "alpha down",
      () => target("alpha"),
      (x) => x.status === "down",
      10_000,
      50,
    );
    const seenMs = Date.now() - killedAt;
    figures.push(`alpha: kill -9 → down through the API ${seenMs} ms (goal < 2000 ms)`);
    expect(seenMs).toBeLessThan(2000);
    expect(down.reason).toBe("process killed by SIGKILL");
    const back = await until(
      "alpha ok again",
      () => target("alpha"),
      (x) => x.status === "ok",
      240_000,
    );
    expect(back.uptimeMs).toBeGreaterThan(0);
    const attempts = await until(
      "the restart ended",
      () => restarts("alpha"),
      (r) => r[0]?.kind === "restart" && r[0].status !== "starting" && r[0].status !== "started",
    );
    expect(attempts.filter((a) => a.kind === "restart").map((a) => a.status)).toEqual(["healthy"]);
    figures.push(`alpha: kill -9 → ok again ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    const { incidents } = (await api("/api/incidents?status=all&target=alpha&limit=1")) as {
      incidents: { startedAt: string; detectedAt: string; mttdMs: number }[];
    };
    // MTTD runs from the exit the supervisor saw, not from the first failed probe.
    expect(Math.abs(Date.parse(incidents[0]!.startedAt) - killedAt)).toBeLessThan(1000);
  }, 300_000);

  for (const [kind, broken, expectCase, expectText] of [
    ["schema", (good: string) => good.replace('"mode": "local",', '"mode": "local",\n    "bogusKey": true,'), "CASE-002", /Unrecognized key/],
    ["JSON5", () => '{\n  "gateway": {\n', "CASE-001", /JSON5|parse|gateway\.mode/],
  ] as const) {
    it(`[REAL][CONFIG]: a ${kind} error → exit 78 recorded → ${expectCase} → last good config restored → healthy`, async () => {
      const s = states.beta!;
      await until(
        "beta ok",
        () => target("beta"),
        (x) => x.status === "ok" && x.healing?.state !== "escalated",
        240_000,
      );
      // The last-known-good copy the console keeps of a healthy gateway's config (validated by its own
      // `openclaw config validate --json`), seen through the API as a person would.
      type Status = { config: { path: string; lastGood: { version: number; sha: string } | null; currentSha: string | null } };
      const status = await until(
        "a last good copy of the current file",
        () => api("/api/targets/beta/config") as Promise<Status>,
        (x) => x.config.lastGood !== null && x.config.lastGood.sha === x.config.currentSha,
        180_000,
      );
      expect(status.config.path).toBe(s.configPath);
      const before = (await diagnoses("beta")).length;
      writeFileSync(s.configPath, broken(s.good));
      const brokenAt = Date.now();
      process.kill(await pidOf("beta"), "SIGKILL");

      const failed = await until(
        "the restart failed with exit 78",
        () => restarts("beta"),
        (r) => r.some((a) => a.exitCode === 78 && Date.parse(a.startedAt) > brokenAt),
        120_000,
      );
      const attempt = failed.find((a) => a.exitCode === 78)!;
      expect(attempt.status).toBe("failed");
      expect(attempt.stderrTail ?? "").toMatch(expectText);
      const diagnosis = await until(
        "diagnosed and repaired",
        () => diagnoses("beta"),
        (d) => d.length > before && d[0]!.finishedAt !== null,
        300_000,
      );
      expect(diagnosis[0]).toMatchObject({ caseId: expectCase, outcome: "fixed" });
      expect(diagnosis[0]!.detail).toMatch(/restore-config/);
      await until(
        "beta ok after the repair",
        () => target("beta"),
        (x) => x.status === "ok",
        240_000,
      );
      expect(readFileSync(s.configPath, "utf8")).toBe(s.good);
      expect(readdirSync(s.dir).some((f) => f.startsWith("openclaw.json.broken-"))).toBe(true);
      figures.push(`beta: ${kind} error → diagnosed ${expectCase} and healthy again ${((Date.now() - brokenAt) / 1000).toFixed(1)} s after the kill`);
    }, 420_000);
  }

  it("[REAL][PORT]: a port taken by another process → EADDRINUSE recorded → CASE-003, people alerted, no restart loop", async () => {
    const attempts = await until(
      "gamma's start failed",
      () => restarts("gamma"),
      (r) => r.some((a) => a.status === "failed"),
      180_000,
    );
    const failed = attempts.find((a) => a.status === "failed")!;
    expect(failed.kind).toBe("start");
    expect(failed.stderrTail ?? "").toMatch(/EADDRINUSE|already in use/);
    const [d] = await until(
      "gamma diagnosed",
      () => diagnoses("gamma"),
      (x) => x.length > 0 && x[0]!.finishedAt !== null,
      120_000,
    );
    expect(d).toMatchObject({ caseId: "CASE-003", outcome: "not-fixed" });
    const t = await target("gamma");
    expect(t.healing?.state).toBe("escalated");
    // Deterministic: sent to the doctor at once, not restarted into the same wall.
    expect((await restarts("gamma")).filter((a) => a.kind === "restart")).toHaveLength(0);
  }, 300_000);
});
