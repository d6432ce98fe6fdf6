import { cpus } from "node:os";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

export type EventLoopReport = {
  degraded: boolean;
  degradedSinceMs: number | null;
  reasons: string[];
  intervalMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
  utilization: number;
  cpuCoreRatio: number;
  cpuBreakdown: {
    mainThreadCoreRatio: number;
    hostUtilization: number;
    hostCpuCount: number;
    workerCoreRatio: number;
    otherThreadsCoreRatio: number;
  };
};

export type ResourceReport = { cpuPercent: number; memoryPercent: number; diskPercent: number };

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A stable number in [0, 1) per agent name, so each agent has its own baseline. */
function hashUnit(name: string, salt: string): number {
  let h = 2166136261;
  for (const ch of `${salt}:${name}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

function jitter(name: string, salt: string, amplitude: number): number {
  const phase = hashUnit(name, `${salt}-phase`) * Math.PI * 2;
  const wave = Math.sin(Date.now() / 20_000 + phase);
  return amplitude * (0.7 * wave + 0.3 * (Math.random() * 2 - 1));
}

export type Metrics = {
  readEventLoop(degradedSince: number | null): EventLoopReport;
  readResources(memoryOverride: number | null): ResourceReport;
};

type LoopSample = { intervalMs: number; delayP99Ms: number; delayMaxMs: number; utilization: number; cpuCoreRatio: number };

const SAMPLE_MS = 1000;

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** Samples this process's real event loop once a second, as the gateway's diagnostics do. */
function startLoopSampler(): () => LoopSample {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let sample: LoopSample = { intervalMs: SAMPLE_MS, delayP99Ms: 0, delayMaxMs: 0, utilization: 0, cpuCoreRatio: 0 };
  const timer = setInterval(() => {
    const now = performance.now();
    const wallMs = Math.max(1, now - lastAt);
    const cpu = process.cpuUsage(lastCpu);
    sample = {
      intervalMs: round(wallMs),
      delayP99Ms: round(finite(histogram.percentile(99) / 1e6)),
      delayMaxMs: round(finite(histogram.max / 1e6)),
      utilization: round(performance.eventLoopUtilization(lastElu).utilization, 3),
      cpuCoreRatio: round((cpu.user + cpu.system) / 1000 / wallMs, 3),
    };
    histogram.reset();
    lastElu = performance.eventLoopUtilization();
    lastCpu = process.cpuUsage();
    lastAt = now;
  }, SAMPLE_MS);
  timer.unref();
  return () => sample;
}

/** Real event-loop figures of this process, plus plausible host resource figures. */
export function createMetrics(name: string): Metrics {
  const readSample = startLoopSampler();
  const hostCpuCount = cpus().length;
  const base = {
    cpu: 5 + hashUnit(name, "cpu") * 10,
    memory: 32 + hashUnit(name, "memory") * 10,
    disk: 42 + hashUnit(name, "disk") * 11,
  };

  return {
    readEventLoop(degradedSince) {
      const degraded = degradedSince !== null;
      const s = degraded
        ? {
            intervalMs: round(SAMPLE_MS + 850 + Math.random() * 40),
            delayP99Ms: round(850 + Math.random() * 40),
            delayMaxMs: round(1200 + Math.random() * 200),
            utilization: round(0.97 + Math.random() * 0.02, 3),
            cpuCoreRatio: round(0.96 + Math.random() * 0.03, 3),
          }
        : readSample();
      return {
        degraded,
        degradedSinceMs: degradedSince,
        reasons: degraded ? ["event_loop_delay"] : [],
        ...s,
        cpuBreakdown: {
          mainThreadCoreRatio: round(s.cpuCoreRatio * 0.8, 3),
          hostUtilization: round(Math.min(1, s.cpuCoreRatio / hostCpuCount), 3),
          hostCpuCount,
          workerCoreRatio: 0,
          otherThreadsCoreRatio: round(s.cpuCoreRatio * 0.2, 3),
        },
      };
    },
    readResources(memoryOverride) {
      return {
        cpuPercent: round(Math.max(1, base.cpu + jitter(name, "cpu", 4))),
        memoryPercent: round(memoryOverride ?? base.memory + jitter(name, "memory", 1.5)),
        diskPercent: round(base.disk + jitter(name, "disk", 0.5)),
      };
    },
  };
}
