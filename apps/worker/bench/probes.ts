// `npm run bench:probes`: the real worker and API processes probing N lightweight targets on a short interval.
// Prints probes/s, the CPU of every process involved (worker, API, the PostgreSQL backends of the run's
// database and PostgreSQL's background writers, Redis) per 1,000 probes beside the goal, the first cycle's
// cost (every target "unknown → ok"), schedule skew p50/p99, missed cycles and RSS.
// Env: BENCH_SIZES (default "1000,10000"), BENCH_INTERVAL seconds (10), BENCH_SECONDS (120), BENCH_API (1: start
// an API process beside the worker; 0: the worker alone), BENCH_CPU_PROF (a folder: the worker's V8 CPU profile),
// BENCH_RUNTIME (built: the compiled JavaScript `npm start` runs, built first by scripts/build.mjs when out of date;
// tsx: the TypeScript sources through the tsx loader, as before), BENCH_NODE_ARGS (extra node flags for the worker
// and the API, e.g. "--heapsnapshot-signal=SIGUSR2" to take heap snapshots with kill -USR2).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { createQueues, metricsKey } from "@ops/core";
import { openTestStack, writeTestConfig } from "@ops/core/test";
import { percentile } from "@ops/domain";

const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const intervalSeconds = Number(process.env.BENCH_INTERVAL ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 120);
const withApi = process.env.BENCH_API !== "0";
const GOAL_CPU_PER_1000 = 0.2;
const GOAL_RSS_MB = 256;
const runtime = process.env.BENCH_RUNTIME ?? "built";
if (runtime !== "built" && runtime !== "tsx") throw new Error(`BENCH_RUNTIME must be built or tsx, not ${runtime}`);
const PER_PORT = 20;
const TICK = 100; // clock ticks per second on Linux

function procStats(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { cpuSeconds, rssMb: rssKb / 1024 };
}

function cpuOf(pid: number): number | null {
  try {
    return procStats(pid).cpuSeconds;
  } catch {
    return null; // gone
  }
}

type CpuGroup = "worker" | "api" | "pg backends" | "pg background" | "redis";

/**
 * CPU seconds of every process the run involves, by group, sampled every second: processes that start during
 * the window count from zero, processes that end count up to their last sample. PostgreSQL's background
 * writers and Redis are shared with anything else running on this machine.
 */
class CpuMeter {
  private first = new Map<string, number>();
  private last = new Map<string, number>();
  private redis0 = 0;
  private redis1 = 0;
  constructor(
    private readonly stack: Awaited<ReturnType<typeof openTestStack>>,
    private readonly pids: Partial<Record<"worker" | "api", number>>,
  ) {}

  private async pgPids(): Promise<{ backends: number[]; background: number[] }> {
    const rows = await this.stack.db.sql<{ pid: number; backend: boolean }[]>`
      SELECT pid, (datname = current_database() AND pid <> pg_backend_pid()) AS backend FROM pg_stat_activity
      WHERE (datname = current_database() AND pid <> pg_backend_pid()) OR backend_type IN ('checkpointer', 'background writer', 'walwriter', 'autovacuum launcher', 'autovacuum worker')`;
    return { backends: rows.filter((r) => r.backend).map((r) => r.pid), background: rows.filter((r) => !r.backend).map((r) => r.pid) };
  }

  private async redisCpu(): Promise<number> {
    const info = await this.stack.redis.info("cpu");
    const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
    return f("used_cpu_sys") + f("used_cpu_user");
  }

  async sample(initial = false): Promise<void> {
    const { backends, background } = await this.pgPids();
    const seen: [string, number][] = [
      ...Object.entries(this.pids).map(([g, pid]) => [`${g}:${pid}`, pid] as [string, number]),
      ...backends.map((pid) => [`pg backends:${pid}`, pid] as [string, number]),
      ...background.map((pid) => [`pg background:${pid}`, pid] as [string, number]),
    ];
    for (const [key, pid] of seen) {
      const cpu = cpuOf(pid);
      if (cpu === null) continue;
      if (!this.first.has(key)) this.first.set(key, initial ? cpu : 0);
      this.last.set(key, cpu);
    }
    const r = await this.redisCpu();
    if (initial) this.redis0 = r;
    this.redis1 = r;
  }

  totals(): Record<CpuGroup, number> {
    const out: Record<CpuGroup, number> = { worker: 0, api: 0, "pg backends": 0, "pg background": 0, redis: this.redis1 - this.redis0 };
    for (const [key, last] of this.last) {
      const group = key.slice(0, key.lastIndexOf(":")) as CpuGroup;
      out[group] += last - (this.first.get(key) ?? 0);
    }
    return out;
  }
}

const round = (n: number, d = 3) => +n.toFixed(d);
const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const per1000 = (cpu: number, probes: number) => (probes ? round((cpu / probes) * 1000) : null);

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
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

/** The node arguments that run an app: its bundle (with source maps) or its TypeScript entry through tsx. */
function appArgs(app: "worker" | "api"): string[] {
  const extra = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  return [...extra, ...appRun(app)];
}
// The flags npm start runs each app with (scripts/build.mjs NODE_ARGS: source maps, heap limits).
const { NODE_ARGS } = (await import(join(REPO_ROOT, "scripts/build.mjs"))) as { NODE_ARGS: Record<"worker" | "api", string[]> };
function appRun(app: "worker" | "api"): string[] {
  if (runtime === "built") return [...NODE_ARGS[app], join(REPO_ROOT, `apps/${app}/dist/main.js`)];
  return ["--import", "tsx", join(REPO_ROOT, app === "api" ? "apps/api/src/server.ts" : "apps/worker/src/main.ts")];
}

if (runtime === "built") {
  const b = spawnSync(process.execPath, [join(REPO_ROOT, "scripts/build.mjs"), "worker", "api"], { stdio: "inherit" });
  if (b.status !== 0) throw new Error("scripts/build.mjs failed");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function benchOnce(n: number) {
  const stack = await openTestStack();
  // Below the ephemeral range (32768+), so no outgoing connection of the run can take a farm port.
  const basePort = 20_000 + Math.floor(Math.random() * 12_000 - n / PER_PORT);
  const farm = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/bench/farm.ts")], {
    env: { ...process.env, TARGETS: String(n), PER_PORT: String(PER_PORT), BASE_PORT: String(basePort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitForLine(farm, /ready/, 30_000);
  process.stdout.write("  target farm ready\n");
  const cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = Array.from({ length: n }, (_, i) => ({
        name: `t-${String(i).padStart(5, "0")}`,
        kind: "agent",
        check: "openclaw",
        baseUrl: `http://127.0.0.1:${basePort + Math.floor(i / PER_PORT)}/t/${i}`,
        restart: { driver: "none" },
        enabled: true,
      })) as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds, timeoutMs: 5000, shardSize: 250, concurrency: 100 });
    },
  });
  // BENCH_CPU_PROF=<dir>: the worker writes a V8 CPU profile there when it stops (open in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const worker = spawn(process.execPath, [...prof, ...appArgs("worker")], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const api = withApi
    ? spawn(process.execPath, appArgs("api"), {
        env: {
          ...process.env,
          DATABASE_URL: stack.databaseUrl,
          REDIS_URL: stack.redisUrl,
          OPS_REDIS_PREFIX: stack.prefix,
          OPS_CONFIG_DIR: cfg.dir,
          PORT: "0",
          HOST: "127.0.0.1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      })
    : null;
  const key = metricsKey(stack.prefix, "probe-shards");
  const queues = createQueues(stack.redis, stack.prefix);
  try {
    // The API first, so it hears the first cycle's frames as a running console would.
    if (api) await waitForLine(api, /listening/i, 120_000);
    const pids = { worker: worker.pid!, ...(api ? { api: api.pid! } : {}) };
    // The first cycle: every target goes "unknown → ok" (status events, the ladder's look, the first frames).
    const first = new CpuMeter(stack, pids);
    await first.sample(true);
    await waitForLine(worker, /worker ready/, 120_000);
    process.stdout.write("  worker ready, measuring the first cycle\n");
    const firstStart = Date.now();
    // Until the first cycle's shards are all done and the work they queued (ladder jobs) has drained.
    const shardsPerCycle = Math.ceil(n / 250);
    while (Date.now() - firstStart < 600_000) {
      await sleep(1000);
      await first.sample();
      const done = await stack.redis.llen(key);
      const counts = await queues.healing.getJobCounts("wait", "active", "prioritized", "delayed");
      const healingBusy = (counts.wait ?? 0) + (counts.active ?? 0) + (counts.prioritized ?? 0) > 0;
      if (done >= shardsPerCycle && !healingBusy) break;
    }
    const firstCpu = first.totals();
    const firstSeconds = (Date.now() - firstStart) / 1000;
    const firstProbes = (await stack.redis.lrange(key, 0, -1)).reduce((a, s) => a + (JSON.parse(s) as { probed: number }).probed, 0);
    process.stdout.write(`  first cycle done in ${firstSeconds.toFixed(1)} s; measuring ${seconds} s of steady probing\n`);
    // The steady window starts as soon as the first cycle has drained (its meter takes its own baseline).
    const t0 = Date.now();
    const meter = new CpuMeter(stack, pids);
    await meter.sample(true);
    const s0 = procStats(worker.pid!);
    let maxRss = s0.rssMb + (api ? procStats(api.pid!).rssMb : 0);
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(1000);
      await meter.sample();
      maxRss = Math.max(maxRss, procStats(worker.pid!).rssMb + (api ? procStats(api.pid!).rssMb : 0));
    }
    const s1 = procStats(worker.pid!);
    const apiEnd = api ? procStats(api.pid!) : null;
    const wall = (Date.now() - t0) / 1000;
    const cpuAll = meter.totals();
    await sleep(3000);
    const all = (await stack.redis.lrange(key, 0, -1)).map(
      (s) => JSON.parse(s) as { slot: number; shard: number; scheduledAt: number; startedAt: number; finishedAt: number; probed: number },
    );
    const window = all.filter((e) => e.scheduledAt >= t0 && e.scheduledAt < t0 + wall * 1000);
    const probes = window.reduce((a, e) => a + e.probed, 0);
    const skews = window.map((e) => e.startedAt - e.scheduledAt);
    const intervalMs = intervalSeconds * 1000;
    const bySlot = new Map<number, typeof all>();
    for (const e of all) bySlot.set(e.slot, [...(bySlot.get(e.slot) ?? []), e]);
    const cycleStart = (shards: typeof all) => Math.min(...shards.map((e) => e.scheduledAt));
    const inWindow = [...bySlot.values()].filter((shards) => {
      const start = cycleStart(shards);
      return start >= t0 && start < t0 + wall * 1000;
    });
    const expectedCycles = Math.floor((wall * 1000) / intervalMs);
    const completed = inWindow.filter((shards) => shards.length >= shardsPerCycle);
    const missed = Math.max(0, expectedCycles - completed.length);
    const overran = completed.filter((shards) => Math.max(...shards.map((e) => e.finishedAt)) - cycleStart(shards) > intervalMs).length;
    const cycleMs = completed.map((shards) => Math.max(...shards.map((e) => e.finishedAt)) - cycleStart(shards));
    const dropped = Number((await stack.redis.get(metricsKey(stack.prefix, "probe-shard-dropped"))) ?? 0);
    const cpu = s1.cpuSeconds - s0.cpuSeconds;
    const total = sum(cpuAll);
    return {
      targets: n,
      intervalSeconds,
      seconds: Math.round(wall),
      probes,
      probesPerSecond: +(probes / wall).toFixed(1),
      cpuSeconds: +cpu.toFixed(2),
      cores: +(cpu / wall).toFixed(3),
      cpuSecondsPer1000Probes: per1000(cpu, probes),
      allCpuSeconds: round(total, 2),
      allCpuSecondsPer1000Probes: per1000(total, probes),
      allCpuByProcess: Object.fromEntries(Object.entries(cpuAll).map(([k, v]) => [k, per1000(v, probes)])),
      coresAt30sFor10k: probes ? +(((total / probes) * 10_000) / 30).toFixed(3) : null,
      firstCycleSeconds: round(firstSeconds, 1),
      firstCycleProbes: firstProbes,
      firstCycleCpuSeconds: round(sum(firstCpu), 2),
      firstCycleCpuByProcess: Object.fromEntries(Object.entries(firstCpu).map(([k, v]) => [k, round(v, 2)])),
      skewP50Ms: percentile(skews, 50),
      skewP99Ms: percentile(skews, 99),
      cycleP99Ms: percentile(cycleMs, 99),
      cycles: expectedCycles,
      missedCycles: missed,
      overranCycles: overran,
      droppedShards: dropped,
      rssMb: Math.round(maxRss),
      workerRssEndMb: Math.round(s1.rssMb),
      apiRssEndMb: apiEnd ? Math.round(apiEnd.rssMb) : null,
      runtime,
      loadAverage: loadavg().map((l) => +l.toFixed(2)),
    };
  } finally {
    worker.kill("SIGTERM");
    api?.kill("SIGTERM");
    farm.kill("SIGTERM");
    if (worker.exitCode === null && worker.signalCode === null) await new Promise((r) => worker.once("exit", r));
    if (api && api.exitCode === null && api.signalCode === null) await new Promise((r) => api.once("exit", r));
    await queues.close();
    await stack.close();
    cfg.remove();
  }
}

const results = [];
for (const n of sizes) {
  process.stdout.write(
    `benchmark: ${n} targets every ${intervalSeconds} s for ${seconds} s (${runtime}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}…\n`,
  );
  const r = await benchOnce(n);
  results.push(r);
  process.stdout.write(
    [
      `  probes/s                 ${r.probesPerSecond}  (${r.probes} probes in ${r.seconds} s)`,
      `  CPU, all processes       ${r.allCpuSecondsPer1000Probes} CPU s per 1,000 probes (goal ≤ ${GOAL_CPU_PER_1000}); ${r.allCpuSeconds} s in ${r.seconds} s`,
      `    by process / 1,000     ${Object.entries(r.allCpuByProcess)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}${withApi ? "" : " (no API process: BENCH_API=0)"}`,
      `  worker CPU               ${r.cpuSeconds} s = ${r.cores} cores; ${r.cpuSecondsPer1000Probes} CPU s per 1,000 probes`,
      `  → 10,000 targets / 30 s  ${r.coresAt30sFor10k} cores, all processes (goal < 0.5)`,
      `  first cycle              ${r.firstCycleCpuSeconds} CPU s, all processes, for ${r.firstCycleProbes} first probes in ${r.firstCycleSeconds} s (${Object.entries(
        r.firstCycleCpuByProcess,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")})`,
      `  schedule skew            p50 ${r.skewP50Ms} ms, p99 ${r.skewP99Ms} ms (goal p99 < 1000 ms)`,
      `  cycle duration p99       ${r.cycleP99Ms} ms from cycle start to last shard done (shards are spread over half the interval)`,
      `  cycles                   ${r.cycles}, missed ${r.missedCycles}, overran ${r.overranCycles}, dropped shards ${r.droppedShards}`,
      `  RSS at the end           worker ${r.workerRssEndMb} MB${r.apiRssEndMb === null ? "" : `, API ${r.apiRssEndMb} MB, together ${r.workerRssEndMb + r.apiRssEndMb} MB`} (goal: API + worker < ${GOAL_RSS_MB} MB)`,
      `  worker + API RSS (max)   ${r.rssMb} MB during the window`,
      `  load average at the end  ${r.loadAverage.join(" ")} (2 cores shared with other work: the CPU figures include its contention)`,
      `  runtime                  ${r.runtime === "built" ? "compiled JavaScript (apps/*/dist, as npm start runs it)" : "TypeScript through tsx"}`,
      "",
    ].join("\n"),
  );
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
