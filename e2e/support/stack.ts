import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { REPO_ROOT, type FleetConfig } from "@ops/config";
import { freePort, openTestStack, until, writeTestConfig } from "@ops/core/test";

export { freePort, until };

export const ARTIFACTS = join(REPO_ROOT, "e2e", "artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

export const ADMIN = { email: "admin@e2e.local", password: "fleet watcher password 2026" };

export const AGENTS = ["steward", "alpha", "beta", "charlie", "examiner", "explorer", "sentinel", "coder", "dreamer", "empath", "historian"];

/** Ports for the eleven agents: a random block well away from the real fleet's 8001–8011. */
async function agentPorts(): Promise<number[]> {
  for (let attempt = 0; attempt < 20; attempt++) {
    // Below Linux's ephemeral range (32768+), so ports the OS hands out for port 0 never land in the block.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = AGENTS.map((_, i) => base + i);
    const free = await Promise.all(ports.map(isFree));
    if (free.every(Boolean)) return ports;
  }
  throw new Error("no free block of 11 ports found");
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

export type Proc = { name: string; child: ChildProcess; exited: Promise<number | null>; output: () => string };

export function startProcess(name: string, entry: string, env: NodeJS.ProcessEnv): Proc {
  // Appended, with a header per start: a failed spec's logs are still there after the specs that follow it.
  const log = createWriteStream(join(ARTIFACTS, `${name}.log`), { flags: "a" });
  log.write(`\n===== ${new Date().toISOString()} ${name} started =====\n`);
  const child = spawn(process.execPath, ["--import", "tsx", entry], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  for (const s of [child.stdout!, child.stderr!]) {
    s.on("data", (d: Buffer) => {
      output += d.toString();
      log.write(d);
    });
  }
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { name, child, exited, output: () => output };
}

export async function stopProcess(p: Proc | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill(signal);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 10_000);
  await p.exited;
  clearTimeout(timer);
}

/** Sign in through the API (as a script would with a browser's headers); returns the cookie header. */
export async function apiLogin(base: string, creds = ADMIN): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify(creds),
  });
  if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
  return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, origin: base };
}

export async function getJson<T = Record<string, unknown>>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url} → HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * The whole product as `npm start` runs it — simulator, worker and API processes — on ports, a database and
 * a Redis prefix of its own, with a 2 s probe interval.
 */
/** The simulator's control API as a call: `control("/agents/alpha/fault", "POST", { kind: "crash" })`. */
export function simulatorControl(controlUrl: string) {
  return (path: string, method: string, body?: unknown) =>
    getJson(`${controlUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function startStack(
  opts: {
    apis?: number;
    intervalSeconds?: number;
    /** Probe timeout and heartbeat: short by default; real gateways on a busy machine need more. */
    probeTimeoutMs?: number;
    heartbeatTimeoutSeconds?: number;
    selfHealing?: Record<string, unknown>;
    webhookUrl?: string;
    fleet?: (f: FleetConfig) => void;
    governance?: (g: Record<string, unknown>) => void;
    /** Anything else in monitoring-config.json, after the options above. */
    monitoring?: (m: Record<string, unknown>) => void;
    backup?: (b: Record<string, unknown>) => void;
    /** A PostgreSQL and Redis of the test's own (the chaos suite stops them); the machine's by default. */
    infra?: { databaseUrl: string; redisUrl: string };
  } = {},
) {
  const data = await openTestStack(opts.infra ?? {});
  // The simulator's agents keep their openclaw.json (a badconfig fault breaks it until restored): start clean.
  rmSync(join(ARTIFACTS, "simulator"), { recursive: true, force: true });
  const ports = await agentPorts();
  const controlPort = await freePort();
  const intervalSeconds = opts.intervalSeconds ?? 2;
  const cfg = writeTestConfig({
    fleet: (f) => {
      f.simulator = { controlUrl: `http://127.0.0.1:${controlPort}`, startupMs: 300 };
      f.targets = f.targets.map((t) => {
        const i = AGENTS.indexOf(t.name);
        return i >= 0 ? { ...t, baseUrl: `http://127.0.0.1:${ports[i]}` } : t;
      });
      opts.fleet?.(f);
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds, timeoutMs: opts.probeTimeoutMs ?? 1000 });
      m.heartbeatTimeoutSeconds = opts.heartbeatTimeoutSeconds ?? 10;
      if (opts.selfHealing) Object.assign(m.selfHealing as object, opts.selfHealing);
      const channels = (m.alerting as { channels: Record<string, unknown> }).channels;
      channels.file = { enabled: true, path: join(ARTIFACTS, "alerts.log") };
      if (opts.webhookUrl) channels.webhook = { enabled: true, url: opts.webhookUrl };
      opts.monitoring?.(m);
    },
    ...(opts.governance ? { governance: opts.governance } : {}),
    // Backups of a test run go to its artifacts, never into the developer's .data/backups.
    backup: (b) => {
      b.location = join(ARTIFACTS, "backups");
      opts.backup?.(b);
    },
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: data.databaseUrl,
    REDIS_URL: data.redisUrl,
    OPS_REDIS_PREFIX: data.prefix,
    OPS_CONFIG_DIR: cfg.dir,
    SIM_DATA_DIR: join(ARTIFACTS, "simulator"),
    OPS_ADMIN_EMAIL: ADMIN.email,
    OPS_ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "info",
  };
  const procs: Proc[] = [];
  procs.push(startProcess("sim", "apps/fleet-simulator/src/main.ts", env));
  procs.push(startProcess("worker", "apps/worker/src/main.ts", env));
  const apiPorts: number[] = [];
  for (let i = 0; i < (opts.apis ?? 1); i++) {
    const port = await freePort();
    apiPorts.push(port);
    procs.push(startProcess(`api-${i}`, "apps/api/src/server.ts", { ...env, PORT: String(port) }));
  }
  const control = `http://127.0.0.1:${controlPort}`;
  const apis = apiPorts.map((p) => `http://127.0.0.1:${p}`);
  const stack = {
    env,
    config: cfg,
    control,
    apis,
    ports,
    procs,
    intervalMs: intervalSeconds * 1000,
    restartApi: async (i: number) => {
      const old = procs.find((p) => p.name === `api-${i}`);
      await stopProcess(old);
      const next = startProcess(`api-${i}`, "apps/api/src/server.ts", { ...env, PORT: String(apiPorts[i]) });
      procs.splice(procs.indexOf(old!), 1, next);
      await until(
        "api ready",
        () => fetch(`${apis[i]}/readyz`).then((r) => r.status),
        (s) => s === 200,
        30_000,
      );
    },
    stopApi: (i: number) => stopProcess(procs.find((p) => p.name === `api-${i}`)),
    async close() {
      await Promise.all(procs.map((p) => stopProcess(p)));
      await data.close();
      cfg.remove();
    },
  };
  try {
    for (const api of apis)
      await until(
        `${api} ready`,
        () => fetch(`${api}/readyz`).then((r) => r.status),
        (s) => s === 200,
        60_000,
      );
    await until(
      "simulator up",
      () => getJson(`${control}/agents`),
      () => true,
      30_000,
    );
  } catch (err) {
    const logs = procs.map((p) => `--- ${p.name} ---\n${p.output().slice(-2000)}`).join("\n");
    await stack.close();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return stack;
}
