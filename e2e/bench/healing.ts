/**
 * Benchmark: how fast the console sees a crash and brings a gateway back (issue 12). Prints each figure
 * beside its goal. `npm run bench:healing` (BENCH_KILLS=10, BENCH_REAL=1 to add a real OpenClaw gateway when
 * `node scripts/install-openclaw.mjs` has installed it).
 *
 * 1. crash → `down` on the board: a supervised process (the `process` driver) is SIGKILLed; the time until a
 *    dashboard's WebSocket receives the `target.status` frame that says down (goal < 2 s, with a 30 s probe
 *    interval, so no probe can be what saw it).
 * 2. start → ok: the same for the console's start of a real gateway (no goal: it is the gateway's start time,
 *    which the ladder must wait for rather than interrupt).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb } from "@ops/db";
import WebSocket from "ws";
import { OPENCLAW_HOME, OPENCLAW_INSTALLED, gatewayConfig, gatewayRestart } from "../support/openclaw.ts";
import { apiLogin, freePort, getJson, startStack, until } from "../support/stack.ts";

const KILLS = Number(process.env.BENCH_KILLS ?? 10);
const REAL = process.env.BENCH_REAL === "1";

const dir = mkdtempSync(join(tmpdir(), "ops-bench-healing-"));
const script = join(dir, "gateway.mjs");
writeFileSync(
  script,
  `import http from "node:http";
const started = Date.now();
http.createServer((req, res) => {
  const up = Date.now() - started;
  const body = req.url === "/healthz" ? { ok: true, status: "live" } : req.url === "/readyz" ? { ready: true, failing: [], uptimeMs: up } : { ok: true, status: "started", version: "bench-1", uptimeMs: up };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}).listen(Number(process.argv[2]), "127.0.0.1");
`,
);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main() {
  const names = ["bench-a", "bench-b", "bench-c"];
  const ports = await Promise.all(names.map(() => freePort()));
  const realPort = await freePort();
  const realDir = join(OPENCLAW_HOME, `bench-${realPort}`);
  const withReal = REAL && OPENCLAW_INSTALLED;
  const stack = await startStack({
    intervalSeconds: 30,
    probeTimeoutMs: 5000,
    heartbeatTimeoutSeconds: 120,
    selfHealing: { backoffSeconds: [1], maxRestartsInWindow: 1000, restartWindowSeconds: 600 },
    fleet: (f) => {
      const targets: unknown[] = names.map((name, i) => ({
        name,
        kind: "agent",
        check: "openclaw",
        baseUrl: `http://127.0.0.1:${ports[i]}`,
        restart: { driver: "process", argv: [process.execPath, script, "{port}"], cwd: dir },
      }));
      if (withReal) {
        mkdirSync(realDir, { recursive: true });
        const configPath = join(realDir, "openclaw.json");
        writeFileSync(configPath, gatewayConfig(realPort, realDir));
        targets.push({
          name: "bench-real",
          kind: "agent",
          check: "openclaw",
          baseUrl: `http://127.0.0.1:${realPort}`,
          configPath,
          restart: gatewayRestart(realDir, configPath),
        });
      }
      f.targets = targets as never;
    },
  });
  const db = createDb(stack.env.DATABASE_URL!, { max: 2 });
  try {
    const api = stack.apis[0]!;
    const auth = await apiLogin(api);
    const target = (n: string) => getJson<{ target: { status: string } }>(`${api}/api/targets/${n}`, { headers: auth }).then((r) => r.target);
    for (const n of names)
      await until(
        `${n} ok`,
        () => target(n),
        (t) => t.status === "ok",
        60_000,
      );

    const ws = new WebSocket(api.replace("http", "ws") + "/ws", { headers: auth });
    const waiters = new Map<string, (at: number) => void>();
    ws.on("message", (d) => {
      const f = JSON.parse(d.toString()) as { type: string; target?: { name: string; status: string } };
      if (f.type === "target.status" && f.target?.status === "down") waiters.get(f.target.name)?.(Date.now());
    });
    await new Promise((r) => ws.once("open", r));

    const seen: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const name = names[i % names.length]!;
      await until(
        `${name} ok`,
        () => target(name),
        (t) => t.status === "ok",
        60_000,
      );
      const [row] = await db.sql<{ pid: number }[]>`SELECT pid FROM managed_processes WHERE target = ${name}`;
      const pid = row!.pid;
      const down = new Promise<number>((resolve) => waiters.set(name, resolve));
      const t0 = Date.now();
      process.kill(pid, "SIGKILL");
      const at = await Promise.race([
        down,
        new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`${name}: no down frame within 30 s`)), 30_000)),
      ]);
      waiters.delete(name);
      seen.push(at - t0);
    }
    ws.close();
    const line = (label: string, value: string, goal: string) => process.stdout.write(`${label.padEnd(58)} ${value.padStart(12)}   goal ${goal}\n`);
    process.stdout.write(`\nhealing benchmark (${KILLS} kills of supervised processes, probe interval 30 s)\n`);
    line("crash → down frame on a dashboard's WebSocket, p50", `${pct(seen, 50)} ms`, "< 2000 ms");
    line("crash → down frame on a dashboard's WebSocket, p95", `${pct(seen, 95)} ms`, "< 2000 ms");
    line("crash → down frame on a dashboard's WebSocket, max", `${Math.max(...seen)} ms`, "< 2000 ms");

    if (withReal) {
      const attempt = await until(
        "the real gateway's start ended",
        () =>
          getJson<{ restarts: { status: string; startedAt: string; endedAt: string | null }[] }>(`${api}/api/restarts?target=bench-real&limit=5`, {
            headers: auth,
          }).then((r) => r.restarts),
        (r) => r.some((a) => a.status !== "starting" && a.status !== "started"),
        300_000,
      );
      const a = attempt.at(-1)!;
      line(
        "real gateway: console start → ok (attempt healthy)",
        `${((Date.parse(a.endedAt!) - Date.parse(a.startedAt)) / 1000).toFixed(1)} s`,
        `(${a.status}; no goal)`,
      );
    } else {
      process.stdout.write("real gateway: skipped (BENCH_REAL=1 after node scripts/install-openclaw.mjs)\n");
    }
  } finally {
    for (const p of await db.sql<{ supervisorPid: number | null; pid: number }[]>`SELECT supervisor_pid AS "supervisorPid", pid FROM managed_processes`) {
      for (const pid of [p.supervisorPid, p.pid]) {
        try {
          if (pid) process.kill(-pid, "SIGKILL");
        } catch {}
      }
    }
    await db.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(realDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
