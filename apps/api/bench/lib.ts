// Shared by the API benchmarks: the real API as its own process (as `npm start` runs it) over a database and
// Redis prefix of its own, a fleet of N targets, the target farm, and the "figure beside its goal" line.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, type FleetConfig } from "@ops/config";
import { freePort, openTestStack, until, writeTestConfig } from "@ops/core/test";

export { until };

export const ADMIN = { email: "bench-admin@bench.local", password: "bench admin password 2026" };

/** `--name value` or `--name=value` from argv, else the environment's BENCH_NAME, else the default. */
export function arg(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const raw = i < 0 ? process.env[`BENCH_${name.toUpperCase()}`] : argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  const n = Number(raw ?? fallback);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a number: ${raw}`);
  return n;
}

/** One result line: the figure, its goal, and ✓ / ✗ (or nothing when there is no goal to judge). */
export function line(label: string, figure: string, goal?: string, ok?: boolean | null): string {
  const mark = ok === undefined || ok === null ? "" : ok ? "  ✓" : "  ✗";
  return `  ${label.padEnd(44)} ${figure.padEnd(28)}${goal ? ` (goal ${goal})` : ""}${mark}`;
}

export const ms = (n: number | null) => (n === null ? "n/a" : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`);
export const kb = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MB` : `${(bytes / 1024).toFixed(1)} KB`);

export function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output: ${out.slice(-2000)}`)), timeoutMs);
    const on = (d: Buffer) => {
      out += d.toString();
      if (pattern.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout?.on("data", on);
    child.stderr?.on("data", on);
    child.once("exit", (code) => reject(new Error(`exited ${code} before ${pattern}: ${out.slice(-2000)}`)));
  });
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(t);
}

/** What a benchmark started and must stop, also when it is interrupted (Ctrl-C, a timeout's SIGTERM). */
const cleanups = new Set<() => Promise<void>>();
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    process.stderr.write(`${signal}: stopping what the benchmark started\n`);
    void Promise.allSettled([...cleanups].map((c) => c())).then(() => process.exit(130));
  });

/** Run `fn` on an interrupt until the returned function is called (when the benchmark cleaned up itself). */
export function onInterrupt(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

export const PER_PORT = 20;

/** `n` http targets served by the farm (apps/worker/bench/farm.ts) from `basePort` on, PER_PORT a port. */
export function farmTargets(n: number, basePort: number): FleetConfig["targets"] {
  return Array.from({ length: n }, (_, i) => ({
    name: `svc-${String(i).padStart(5, "0")}`,
    kind: "service",
    check: "http",
    baseUrl: `http://127.0.0.1:${basePort + Math.floor(i / PER_PORT)}/t/${i}`,
    probes: { live: "/healthz" },
    restart: { driver: "none" },
    enabled: true,
  })) as never;
}

/** The target farm for `n` targets; resolves once every port listens. */
export async function startFarm(n: number): Promise<{ basePort: number; child: ChildProcess }> {
  // Below the ephemeral range (32768+), so no outgoing connection of the run can take a farm port.
  const basePort = 20_000 + Math.floor(Math.random() * (12_000 - n / PER_PORT));
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/bench/farm.ts")], {
    env: { ...process.env, TARGETS: String(n), PER_PORT: String(PER_PORT), BASE_PORT: String(basePort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitForLine(child, /ready/, 60_000);
  return { basePort, child };
}

/**
 * The real API process (apps/api/src/server.ts, its default log level, logs to a file) over a fresh database
 * and Redis prefix, with the default fleet (16 targets) or `extraTargets` farm targets added. With `probe`, the
 * real worker runs until every target has been probed once, then stops (so the fleet has real statuses (disabled targets stay unknown) and
 * the measuring is not shared with probing); without it, targets stay "unknown".
 */
export async function startApiProcess(opts: { extraTargets?: number; probe?: boolean; keepWorker?: boolean; env?: Record<string, string> } = {}) {
  const stack = await openTestStack();
  const n = opts.extraTargets ?? 0;
  const farm = n > 0 ? await startFarm(n) : null;
  const cfg = writeTestConfig({
    fleet: (f) => {
      if (farm) f.targets = [...f.targets, ...farmTargets(n, farm.basePort)];
    },
    monitoring: (m) => Object.assign(m.healthCheck as object, { intervalSeconds: 30, timeoutMs: 5000 }),
  });
  const port = await freePort();
  const logPath = join(tmpdir(), `ops-bench-api-${port}.log`);
  const logFd = openSync(logPath, "a");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    OPS_REDIS_PREFIX: stack.prefix,
    OPS_CONFIG_DIR: cfg.dir,
    OPS_ADMIN_EMAIL: ADMIN.email,
    OPS_ADMIN_PASSWORD: ADMIN.password,
    OPS_WEB_DIST: join(tmpdir(), "ops-bench-no-dashboard"),
    PORT: String(port),
    ...opts.env,
  };
  // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": Node flags for the API process alone (a profile of the run).
  const nodeArgs = process.env.BENCH_API_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const api = spawn(process.execPath, [...nodeArgs, "--import", "tsx", join(REPO_ROOT, "apps/api/src/server.ts")], {
    cwd: REPO_ROOT,
    env,
    stdio: ["ignore", logFd, logFd],
  });
  const base = `http://127.0.0.1:${port}`;
  const forget = onInterrupt(() => close());
  let worker: ChildProcess | undefined;
  const close = async () => {
    forget();
    await stop(worker);
    await stop(api);
    await stop(farm?.child);
    closeSync(logFd);
    await stack.close();
    cfg.remove();
  };
  try {
    await until(
      "API ready",
      async () => {
        if (api.exitCode !== null) throw new Error(`API exited ${api.exitCode}: ${readFileSync(logPath, "utf8").slice(-2000)}`);
        return fetch(`${base}/readyz?scope=api`).then((r) => r.status);
      },
      (s) => s === 200,
      180_000,
      250,
    );
    const login = async () => {
      const res = await fetch(`${base}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: base },
        body: JSON.stringify(ADMIN),
      });
      if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
      return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, origin: base };
    };
    const auth = await login();
    if (opts.probe) {
      worker = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/src/main.ts")], {
        cwd: REPO_ROOT,
        env,
        stdio: ["ignore", logFd, logFd],
      });
      await until(
        "every target probed once",
        async () => {
          const r = await fetch(`${base}/api/targets`, { headers: auth });
          const body = (await r.json()) as { targets: { status: string; enabled: boolean }[] };
          return body.targets.filter((t) => t.enabled && t.status === "unknown").length;
        },
        (unknown) => unknown === 0,
        300_000,
        2000,
      );
      if (!opts.keepWorker) await stop(worker);
    }
    const stopWorker = () => stop(worker);
    return { stack, base, ws: `ws://127.0.0.1:${port}/ws`, pid: api.pid!, auth, login, logPath, close, stopWorker };
  } catch (err) {
    await close();
    throw err;
  }
}
