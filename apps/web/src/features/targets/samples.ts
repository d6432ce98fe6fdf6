import { isStatus } from "../../lib/targets.ts";
import type { SamplePoint, Status, TargetSamples } from "@ops/contract";

export type ChartPoint = { ts: number; avg: number | null; max: number | null; status: Status; count: number };
export type Band = { x1: number; x2: number; status: Status };
export type SampleStats = { avg: number | null; peak: number | null; notOkMs: number; probes: number };

const BAD: ReadonlySet<Status> = new Set<Status>(["warning", "critical", "down"]);

export function toChartPoints(points: readonly SamplePoint[]): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (const p of points) {
    const ts = Date.parse(p.t);
    if (Number.isNaN(ts)) continue;
    out.push({
      ts,
      avg: p.latencyMs ?? null,
      max: p.maxLatencyMs ?? p.latencyMs ?? null,
      status: isStatus(p.status) ? p.status : "unknown",
      count: p.count ?? 0,
    });
  }
  return out.sort((a, b) => a.ts - b.ts);
}

/** Merges adjacent buckets with the same non-ok status into shaded spans; a gap in the data ends a span. */
export function statusBands(points: readonly ChartPoint[], bucketMs: number): Band[] {
  const bands: Band[] = [];
  let cur: Band | null = null;
  for (const p of points) {
    const end = p.ts + bucketMs;
    if (!BAD.has(p.status) || p.count === 0) {
      cur = null;
      continue;
    }
    if (cur && cur.status === p.status && p.ts - cur.x2 <= bucketMs / 2) {
      cur.x2 = end;
    } else {
      cur = { x1: p.ts, x2: end, status: p.status };
      bands.push(cur);
    }
  }
  return bands;
}

export function sampleStats(points: readonly ChartPoint[], bucketMs: number): SampleStats {
  let weighted = 0;
  let weight = 0;
  let peak: number | null = null;
  let bad = 0;
  let probes = 0;
  for (const p of points) {
    probes += p.count;
    if (p.count > 0 && BAD.has(p.status)) bad += 1;
    if (p.avg != null && p.count > 0) {
      weighted += p.avg * p.count;
      weight += p.count;
    }
    const m = p.max ?? p.avg;
    if (m != null && (peak == null || m > peak)) peak = m;
  }
  return { avg: weight > 0 ? weighted / weight : null, peak, notOkMs: bad * bucketMs, probes };
}

export function hasSamples(res: TargetSamples | undefined): boolean {
  return !!res && res.points.some((p) => (p.count ?? 0) > 0);
}

const MIN = 60_000;
const TICK_STEPS = [MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, 60 * MIN, 2 * 60 * MIN, 3 * 60 * MIN, 6 * 60 * MIN, 12 * 60 * MIN, 24 * 60 * MIN];

/**
 * Round-numbered time ticks (every 10 min, 3 h, a day…) aligned to the viewer's local clock,
 * at most `maxTicks` of them. `tzOffsetMs` is local minus UTC.
 */
export function timeTicks(from: number, to: number, maxTicks = 8, tzOffsetMs = -new Date(from).getTimezoneOffset() * MIN): number[] {
  if (!(to > from) || maxTicks < 1) return [];
  const span = to - from;
  const step = TICK_STEPS.find((s) => span / s <= maxTicks) ?? Math.ceil(span / maxTicks / (24 * 60 * MIN)) * 24 * 60 * MIN;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + tzOffsetMs) / step) * step - tzOffsetMs; t <= to; t += step) ticks.push(t);
  return ticks;
}
