// `npm run bench:probes`: the real worker process probing N lightweight targets on a short interval.
// Prints probes/s, CPU seconds per 1,000 probes, schedule skew p50/p99, missed cycles and RSS.
// Env: BENCH_SIZES (default "1000,10000"), BENCH_INTERVAL seconds (10), BENCH_SECONDS (120).
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { metricsKey } from "@ops/core";
import { openTestStack, writeTestConfig } from "@ops/core/test";
import { percentile } from "@ops/domain";

const sizes = (process.env.BENCH_SIZES ?? "1000,10000").split(",").map(Number);
const intervalSeconds = Number(process.env.BENCH_INTERVAL ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 120);
const PER_PORT = 20;
const TICK = 100; // clock ticks per second on Linux

function procStats(pid: number): { cpuSeconds: number; rssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICK;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { cpuSeconds, rssMb: rssKb / 1024 };
}

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
  const worker = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "apps/worker/src/main.ts")], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    await waitForLine(worker, /worker ready/, 120_000);
    process.stdout.write("  worker ready, warming up one cycle\n");
    // Warm-up: one full cycle, so first-probe work (/startupz, connection set-up) is not counted.
    await sleep(intervalSeconds * 1000 + 2000);
    const key = metricsKey(stack.prefix, "probe-shards");
    const startLen = await stack.redis.llen(key);
    const t0 = Date.now();
    const s0 = procStats(worker.pid!);
    let maxRss = s0.rssMb;
    while (Date.now() - t0 < seconds * 1000) {
      await sleep(1000);
      maxRss = Math.max(maxRss, procStats(worker.pid!).rssMb);
    }
    const s1 = procStats(worker.pid!);
    const wall = (Date.now() - t0) / 1000;
    await sleep(3000);
    const all = (await stack.redis.lrange(key, 0, -1)).map(
      (s) => JSON.parse(s) as { slot: number; shard: number; scheduledAt: number; startedAt: number; finishedAt: number; probed: number },
    );
    const window = all.filter((e) => e.scheduledAt >= t0 && e.scheduledAt < t0 + wall * 1000);
    const probes = window.reduce((a, e) => a + e.probed, 0);
    const skews = window.map((e) => e.startedAt - e.scheduledAt);
    const shardsPerCycle = Math.ceil(n / 250);
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
    void startLen;
    return {
      targets: n,
      intervalSeconds,
      seconds: Math.round(wall),
      probes,
      probesPerSecond: +(probes / wall).toFixed(1),
      cpuSeconds: +cpu.toFixed(2),
      cores: +(cpu / wall).toFixed(3),
      cpuSecondsPer1000Probes: probes ? +((cpu / probes) * 1000).toFixed(3) : null,
      coresAt30sFor10k: probes ? +(((cpu / probes) * 10_000) / 30).toFixed(3) : null,
      skewP50Ms: percentile(skews, 50),
      skewP99Ms: percentile(skews, 99),
      cycleP99Ms: percentile(cycleMs, 99),
      cycles: expectedCycles,
      missedCycles: missed,
      overranCycles: overran,
      droppedShards: dropped,
      rssMb: Math.round(maxRss),
    };
  } finally {
    worker.kill("SIGTERM");
    farm.kill("SIGTERM");
    if (worker.exitCode === null && worker.signalCode === null) await new Promise((r) => worker.once("exit", r));
    await stack.close();
    cfg.remove();
  }
}

const results = [];
for (const n of sizes) {
  process.stdout.write(`benchmark: ${n} targets every ${intervalSeconds} s for ${seconds} s…\n`);
  const r = await benchOnce(n);
  results.push(r);
  process.stdout.write(
    [
      `  probes/s                 ${r.probesPerSecond}  (${r.probes} probes in ${r.seconds} s)`,
      `  worker CPU               ${r.cpuSeconds} s = ${r.cores} cores; ${r.cpuSecondsPer1000Probes} CPU s per 1,000 probes`,
      `  → 10,000 targets / 30 s  ${r.coresAt30sFor10k} cores (goal < 0.5)`,
      `  schedule skew            p50 ${r.skewP50Ms} ms, p99 ${r.skewP99Ms} ms (goal p99 < 1000 ms)`,
      `  cycle duration p99       ${r.cycleP99Ms} ms from cycle start to last shard done (shards are spread over half the interval)`,
      `  cycles                   ${r.cycles}, missed ${r.missedCycles}, overran ${r.overranCycles}, dropped shards ${r.droppedShards}`,
      `  worker RSS (max)         ${r.rssMb} MB`,
      "",
    ].join("\n"),
  );
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
