const NICE_BUCKETS_MS = [
  1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000,
];

/** The smallest "nice" bucket that keeps a range within maxPoints points. */
export function bucketSizeMs(fromMs: number, toMs: number, maxPoints = 500): number {
  if (!(toMs > fromMs)) return NICE_BUCKETS_MS[0]!;
  if (maxPoints < 1) throw new RangeError("maxPoints must be at least 1");
  const raw = (toMs - fromMs) / maxPoints;
  for (const b of NICE_BUCKETS_MS) if (b >= raw) return b;
  return Math.ceil(raw / 86_400_000) * 86_400_000;
}

export type SampleRange = { from: Date; to: Date };

export type RangeProblem = { field: "from" | "to"; message: string };

/** Validate a samples range query: defaults to the last hour, refuses inverted or over-long ranges. */
export function resolveSampleRange(input: { from?: string | undefined; to?: string | undefined }, now: number, maxDays: number): SampleRange | RangeProblem {
  const to = input.to === undefined ? now : Date.parse(input.to);
  if (Number.isNaN(to)) return { field: "to", message: `not a date: ${JSON.stringify(input.to)} (use ISO 8601)` };
  const from = input.from === undefined ? to - 3_600_000 : Date.parse(input.from);
  if (Number.isNaN(from)) return { field: "from", message: `not a date: ${JSON.stringify(input.from)} (use ISO 8601)` };
  if (from >= to) return { field: "from", message: "must be before to" };
  if (to - from > maxDays * 86_400_000) return { field: "from", message: `range longer than ${maxDays} days` };
  return { from: new Date(from), to: new Date(to) };
}

export function isRangeProblem(r: SampleRange | RangeProblem): r is RangeProblem {
  return "field" in r;
}

/** Split targets into batches for one probe job each. */
export function shard<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("shard size must be a positive integer");
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Nearest-rank percentile (p in 0..100) of an unsorted list; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  if (p < 0 || p > 100) throw new RangeError("p must be within 0..100");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The slot a scheduled run belongs to (nearest multiple of the interval): used for idempotent job ids. */
export function cycleSlot(atMs: number, intervalMs: number): number {
  return Math.round(atMs / intervalMs);
}

/**
 * Start offsets that spread a cycle's shards over the first half of the interval, so thousands of targets
 * are probed as a steady stream instead of a burst at the top of each cycle. One shard starts at once.
 */
export function shardOffsets(shards: number, intervalMs: number): number[] {
  if (!Number.isInteger(shards) || shards < 0) throw new RangeError("shards must be a non-negative integer");
  const spread = intervalMs / 2;
  return Array.from({ length: shards }, (_, i) => Math.floor((i * spread) / shards));
}
