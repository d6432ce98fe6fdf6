import type { ProbeObservation, RequestOutcome } from "@ops/domain";
import type { Redis } from "ioredis";
import { metricsKey } from "../queues.ts";
import { histogramSamples, type MetricFamily } from "./exposition.ts";

/**
 * Probe counters and the probe latency histogram, kept in one Redis hash under the run's key prefix: the worker
 * that probed a shard adds to it (one pipelined HINCRBY batch per shard), and any API process reads it for GET
 * /metrics. When Redis comes back empty the counters start again from zero, which Prometheus reads as a counter
 * reset (rate() and increase() handle it).
 */

/** Upper bounds in seconds; 0.5 s is the latency SLI's example threshold (p99 < 500 ms). */
export const PROBE_LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const CHECKS = ["openclaw", "http", "tcp"] as const;
type Check = (typeof CHECKS)[number];

export const probeCountersKey = (prefix: string) => metricsKey(prefix, "probe-counters");

function mainRequest(obs: ProbeObservation): RequestOutcome {
  return obs.check === "openclaw" ? obs.live : obs.check === "http" ? obs.response : obs.connect;
}

/** Why a probe failed, or null when its request was answered: refused, timeout, reset, dns, error, exited, or http_status (not 2xx/3xx). */
export function probeFailureReason(obs: ProbeObservation): string | null {
  const r = mainRequest(obs);
  if (r.kind !== "response") return r.kind;
  if (obs.check !== "tcp" && (r.statusCode < 200 || r.statusCode >= 400)) return "http_status";
  return null;
}

/** The hash increments for one shard's probes: `p|check`, `f|check|reason`, `b|check|bucket`, `s|check` (latency sum in µs). */
export function tallyProbes(observations: readonly ProbeObservation[]): Map<string, number> {
  const out = new Map<string, number>();
  const add = (field: string, n: number) => out.set(field, (out.get(field) ?? 0) + n);
  for (const obs of observations) {
    add(`p|${obs.check}`, 1);
    const reason = probeFailureReason(obs);
    if (reason) add(`f|${obs.check}|${reason}`, 1);
    const seconds = Math.max(0, mainRequest(obs).latencyMs) / 1000;
    const bucket = PROBE_LATENCY_BOUNDS_S.findIndex((le) => seconds <= le);
    add(`b|${obs.check}|${bucket < 0 ? PROBE_LATENCY_BOUNDS_S.length : bucket}`, 1);
    add(`s|${obs.check}`, Math.round(seconds * 1e6));
  }
  return out;
}

/**
 * Called by the worker once per probe shard. Never fails the shard: the probes are already recorded, and a lost
 * batch of counters is a smaller harm than a failed job (returns false then).
 */
export async function recordProbeCounters(redis: Redis, prefix: string, observations: readonly ProbeObservation[]): Promise<boolean> {
  const tally = tallyProbes(observations);
  if (tally.size === 0) return true;
  const key = probeCountersKey(prefix);
  const batch = redis.pipeline();
  for (const [field, n] of tally) batch.hincrby(key, field, n);
  try {
    const results = (await batch.exec()) ?? [];
    return results.every(([err]) => !err);
  } catch {
    return false;
  }
}

export type ProbeCounters = {
  probes: Record<Check, number>;
  failures: { check: Check; reason: string; count: number }[];
  buckets: Record<Check, number[]>;
  sumSeconds: Record<Check, number>;
};

export function parseProbeCounters(hash: Record<string, string>): ProbeCounters {
  const zero = () => ({ openclaw: 0, http: 0, tcp: 0 });
  const c: ProbeCounters = {
    probes: zero(),
    failures: [],
    buckets: { openclaw: [], http: [], tcp: [] },
    sumSeconds: zero(),
  };
  for (const check of CHECKS) c.buckets[check] = new Array<number>(PROBE_LATENCY_BOUNDS_S.length + 1).fill(0);
  for (const [field, raw] of Object.entries(hash)) {
    const [kind, check, extra] = field.split("|") as [string, Check, string | undefined];
    const n = Number(raw);
    if (!CHECKS.includes(check) || !Number.isFinite(n)) continue;
    if (kind === "p") c.probes[check] = n;
    else if (kind === "s") c.sumSeconds[check] = n / 1e6;
    else if (kind === "f" && extra) c.failures.push({ check, reason: extra, count: n });
    else if (kind === "b" && extra !== undefined) c.buckets[check][Number(extra)] = n;
  }
  c.failures.sort((a, b) => a.check.localeCompare(b.check) || a.reason.localeCompare(b.reason));
  return c;
}

export async function readProbeCounters(redis: Redis, prefix: string): Promise<ProbeCounters> {
  return parseProbeCounters(await redis.hgetall(probeCountersKey(prefix)));
}

export function probeFamilies(c: ProbeCounters): MetricFamily[] {
  return [
    {
      name: "openclaw_ops_probes_total",
      help: "Probes the workers ran in probe cycles, by check (from Redis; reset when Redis comes back empty).",
      type: "counter",
      samples: CHECKS.map((check) => ({ labels: { check }, value: c.probes[check] })),
    },
    {
      name: "openclaw_ops_probe_failures_total",
      help: "Probes whose request failed (refused, timeout, reset, dns, error, exited) or answered outside 2xx/3xx (http_status), by check and reason.",
      type: "counter",
      samples: c.failures.map((f) => ({ labels: { check: f.check, reason: f.reason }, value: f.count })),
    },
    {
      name: "openclaw_ops_probe_latency_seconds",
      help: "Latency of each probe's main request (live endpoint, HTTP check or TCP connect), by check.",
      type: "histogram",
      samples: CHECKS.flatMap((check) => histogramSamples({ check }, PROBE_LATENCY_BOUNDS_S, c.buckets[check], c.sumSeconds[check])),
    },
  ];
}
