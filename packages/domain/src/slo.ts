/**
 * Service level objectives: SLIs from probe counts, error budgets, burn rates, the multi-window multi-burn-rate
 * alerts of Google's SRE workbook, budget burn-down and the error-budget policy a runbook run must satisfy.
 * Pure: every input is counts and instants; storage and clocks live in core.
 */
import { LATENCY_BOUNDS_MS, type BudgetPolicy, type SloKind } from "@ops/contract";

export type { BudgetPolicy, SloKind };

export const BUCKET_MS = 5 * 60_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export type ProbeStatus = "ok" | "warning" | "critical" | "down" | "unknown";

/**
 * How a probe counts. ok and warning answered within the health contract: good. critical and down failed it
 * (timeouts, HTTP errors, a dead process): bad. unknown means the prober could not tell (not probed yet, the
 * prober itself stalled): not a valid event, so it neither spends nor earns budget. The product has no
 * maintenance state; a disabled target is not probed and so produces no events.
 */
export function probeValidity(status: ProbeStatus): "good" | "bad" | "invalid" {
  switch (status) {
    case "ok":
    case "warning":
      return "good";
    case "critical":
    case "down":
      return "bad";
    case "unknown":
      return "invalid";
  }
}

/**
 * Counts of one target over one span (a 5-minute rollup bucket, or a sum of them). `fast[i]` counts the good
 * probes answered in at most LATENCY_BOUNDS_MS[i]; a failed probe is never fast.
 */
export type SliCounts = { valid: number; good: number; fast: number[] };

export const emptyCounts = (): SliCounts => ({ valid: 0, good: 0, fast: LATENCY_BOUNDS_MS.map(() => 0) });

/** Adds one probe to counts (mutates and returns them: rollups add thousands). */
export function countProbe(into: SliCounts, status: ProbeStatus, latencyMs: number | null): SliCounts {
  const v = probeValidity(status);
  if (v === "invalid") return into;
  into.valid += 1;
  if (v === "bad") return into;
  into.good += 1;
  if (latencyMs !== null)
    LATENCY_BOUNDS_MS.forEach((bound, i) => {
      if (latencyMs <= bound) into.fast[i] = (into.fast[i] ?? 0) + 1;
    });
  return into;
}

export function addCounts(a: SliCounts, b: SliCounts): SliCounts {
  return { valid: a.valid + b.valid, good: a.good + b.good, fast: LATENCY_BOUNDS_MS.map((_, i) => (a.fast[i] ?? 0) + (b.fast[i] ?? 0)) };
}

/** What an SLO needs to read counts: its kind and, for latency, its threshold (one of LATENCY_BOUNDS_MS). */
export type SliSpec = { kind: SloKind; thresholdMs: number | null };

/** The good events for an SLI: good probes (availability) or good probes under the threshold (latency). */
export function goodEvents(counts: SliCounts, spec: SliSpec): number {
  if (spec.kind === "availability") return counts.good;
  const i = LATENCY_BOUNDS_MS.indexOf(spec.thresholdMs as (typeof LATENCY_BOUNDS_MS)[number]);
  if (i < 0) throw new Error(`latency threshold ${spec.thresholdMs} ms is not one of ${LATENCY_BOUNDS_MS.join(", ")}`);
  return counts.fast[i] ?? 0;
}

/** The SLI as a ratio in [0, 1]; null without a valid event. */
export function sli(counts: SliCounts, spec: SliSpec): number | null {
  return counts.valid === 0 ? null : goodEvents(counts, spec) / counts.valid;
}

/** The share of valid events that were bad; 0 without a valid event (no data spends no budget). */
export function errorRatio(counts: SliCounts, spec: SliSpec): number {
  return counts.valid === 0 ? 0 : (counts.valid - goodEvents(counts, spec)) / counts.valid;
}

/**
 * The allowed error ratio of an objective in percent (99.9 → 0.001), computed on integers of 10⁻⁴ % so that
 * 99.9 gives 0.001 and not 0.0010000000000000009.
 */
export function allowedErrorRatio(objectivePercent: number): number {
  return (1_000_000 - Math.round(objectivePercent * 10_000)) / 1_000_000;
}

/** The whole budget in minutes: 99.9 % over 30 days → 43.2 min. */
export function budgetMinutes(objectivePercent: number, windowDays: number): number {
  return (windowDays * DAY_MS * allowedErrorRatio(objectivePercent)) / MINUTE_MS;
}

/** Burn rate: how many times faster than "exactly on budget" errors arrive. 10 % errors at 99.9 % → 100×. */
export function burnRate(ratio: number, objectivePercent: number): number {
  const allowed = allowedErrorRatio(objectivePercent);
  return allowed <= 0 ? (ratio > 0 ? Number.POSITIVE_INFINITY : 0) : ratio / allowed;
}

/** One rollup bucket of one SLO (its targets summed): the counts over [start, start + ms) (ms: 5 minutes unless said). */
export type Bucket = { start: number; ms?: number; counts: SliCounts };

const widthMinutes = (b: Bucket) => (b.ms ?? BUCKET_MS) / MINUTE_MS;

/** Sums the buckets starting in [from, to). */
export function sumBuckets(buckets: readonly Bucket[], from: number, to: number): SliCounts {
  let sum = emptyCounts();
  for (const b of buckets) if (b.start >= from && b.start < to) sum = addCounts(sum, b.counts);
  return sum;
}

/**
 * Spent budget in minutes: each bucket spends its bad share of its own duration (10 % bad for an hour spends
 * 6 min), so a window with gaps in its data is not charged for the gaps. Buckets without errors spend nothing
 * and may be left out.
 */
export function spentMinutes(buckets: readonly Bucket[], spec: SliSpec, from: number, to: number): number {
  let spent = 0;
  for (const b of buckets) if (b.start >= from && b.start < to) spent += errorRatio(b.counts, spec) * widthMinutes(b);
  return spent;
}

export type Budget = {
  totalMinutes: number;
  spentMinutes: number;
  /** Never below 0; `exhausted` says when it is gone. */
  remainingMinutes: number;
  spentPercent: number;
  remainingPercent: number;
  exhausted: boolean;
};

export function budget(objectivePercent: number, windowDays: number, spent: number): Budget {
  const total = budgetMinutes(objectivePercent, windowDays);
  const spentPercent = total === 0 ? (spent > 0 ? 100 : 0) : (spent / total) * 100;
  return {
    totalMinutes: total,
    spentMinutes: spent,
    remainingMinutes: Math.max(0, total - spent),
    spentPercent,
    remainingPercent: Math.max(0, 100 - spentPercent),
    exhausted: spent >= total && (total > 0 || spent > 0),
  };
}

/** The burn-rate windows the status reports, and the alerts read. */
export const BURN_WINDOWS = { "5m": 5 * MINUTE_MS, "30m": 30 * MINUTE_MS, "1h": HOUR_MS, "6h": 6 * HOUR_MS, "3d": 3 * DAY_MS } as const;
export type BurnWindow = keyof typeof BURN_WINDOWS;

/**
 * The buckets a window reads: those starting inside (now − window, now], so a window never reads data older
 * than itself; it reads between window − 5 min and window of it (the 5-minute window reads the current
 * bucket, which holds the probes since its start: the live tail).
 */
export function windowStart(now: number, windowMs: number): number {
  return Math.ceil((now - windowMs) / BUCKET_MS) * BUCKET_MS;
}

/** The counts of each burn window, from buckets (storage sums them in SQL instead, with the same bounds). */
export function windowCounts(buckets: readonly Bucket[], now: number): Record<BurnWindow, SliCounts> {
  const out = {} as Record<BurnWindow, SliCounts>;
  for (const [name, ms] of Object.entries(BURN_WINDOWS) as [BurnWindow, number][]) out[name] = sumBuckets(buckets, windowStart(now, ms), now + 1);
  return out;
}

export function burnRatesOf(counts: Record<BurnWindow, SliCounts>, spec: SliSpec, objectivePercent: number): Record<BurnWindow, number> {
  const out = {} as Record<BurnWindow, number>;
  for (const name of Object.keys(BURN_WINDOWS) as BurnWindow[]) out[name] = burnRate(errorRatio(counts[name], spec), objectivePercent);
  return out;
}

export function burnRates(buckets: readonly Bucket[], spec: SliSpec, objectivePercent: number, now: number): Record<BurnWindow, number> {
  return burnRatesOf(windowCounts(buckets, now), spec, objectivePercent);
}

// ---------------------------------------------------------------------------------------------------------
// Multi-window, multi-burn-rate alerts (SRE workbook, chapter 5, "alerting on SLOs").

export const ALERT_RULES = [
  /** 2 % of a 30-day budget in an hour. */
  { id: "page-fast", severity: "page", factor: 14.4, long: "1h", short: "5m" },
  /** 5 % of a 30-day budget in six hours. */
  { id: "page-slow", severity: "page", factor: 6, long: "6h", short: "30m" },
  /** 10 % of a 30-day budget in three days; the short window is the workbook's 6 h. */
  { id: "ticket", severity: "ticket", factor: 1, long: "3d", short: "6h" },
] as const satisfies readonly { id: string; severity: "page" | "ticket"; factor: number; long: BurnWindow; short: BurnWindow }[];
export type AlertRule = (typeof ALERT_RULES)[number];
export type AlertRuleId = AlertRule["id"];

/** Which rules have both windows at or above their factor now. */
export function burningRules(rates: Record<BurnWindow, number>): AlertRuleId[] {
  return ALERT_RULES.filter((r) => rates[r.long] >= r.factor && rates[r.short] >= r.factor).map((r) => r.id);
}

/** Both windows below the factor: the only way a firing alert resolves (one window above keeps it up). */
export function ruleCleared(rule: AlertRule, rates: Record<BurnWindow, number>): boolean {
  return rates[rule.long] < rule.factor && rates[rule.short] < rule.factor;
}

/** The stored state of one SLO's one rule. */
export type AlertState = { firing: boolean; since: number | null; lastNotifiedAt: number | null };
export const quietAlert = (): AlertState => ({ firing: false, since: null, lastNotifiedAt: null });

export type AlertStep = {
  state: AlertState;
  /** fire: notify (and open an incident for a page); suppressed: a new episode inside the cooldown; resolve: it is over. */
  event: "fire" | "suppressed" | "resolve" | null;
};

/**
 * One evaluation of one rule. An episode fires once; it resolves only when both windows are below the
 * factor; a new episode starting within `cooldownMs` of the last notification is recorded but not sent.
 */
export function stepAlert(prev: AlertState, rule: AlertRule, rates: Record<BurnWindow, number>, now: number, cooldownMs: number): AlertStep {
  if (prev.firing) {
    if (ruleCleared(rule, rates)) return { state: { firing: false, since: null, lastNotifiedAt: prev.lastNotifiedAt }, event: "resolve" };
    return { state: prev, event: null };
  }
  if (!(rates[rule.long] >= rule.factor && rates[rule.short] >= rule.factor)) return { state: prev, event: null };
  if (prev.lastNotifiedAt !== null && now - prev.lastNotifiedAt < cooldownMs)
    return { state: { firing: true, since: now, lastNotifiedAt: prev.lastNotifiedAt }, event: "suppressed" };
  return { state: { firing: true, since: now, lastNotifiedAt: now }, event: "fire" };
}

// ---------------------------------------------------------------------------------------------------------
// Burn-down.

export type BurnDownPoint = { at: number; remainingMinutes: number; remainingPercent: number };

/**
 * Remaining budget over the window, one point per `stepMs` from the window's start to `now` (the last point
 * is `now`). Negative remaining is kept here, so the chart shows how far past exhaustion a budget went.
 */
export function burnDown(
  buckets: readonly Bucket[],
  spec: SliSpec,
  objectivePercent: number,
  windowDays: number,
  now: number,
  stepMs: number,
): BurnDownPoint[] {
  const total = budgetMinutes(objectivePercent, windowDays);
  const from = windowStart(now, windowDays * DAY_MS);
  const sorted = buckets.filter((b) => b.start >= from && b.start <= now).sort((a, b) => a.start - b.start);
  const points: BurnDownPoint[] = [];
  let spent = 0;
  let i = 0;
  const point = (at: number) => ({ at, remainingMinutes: total - spent, remainingPercent: total === 0 ? 0 : ((total - spent) / total) * 100 });
  for (let at = from; at < now; at += stepMs) {
    for (; i < sorted.length && (sorted[i] as Bucket).start < at; i++)
      spent += errorRatio((sorted[i] as Bucket).counts, spec) * widthMinutes(sorted[i] as Bucket);
    points.push(point(at));
  }
  for (; i < sorted.length; i++) spent += errorRatio((sorted[i] as Bucket).counts, spec) * widthMinutes(sorted[i] as Bucket);
  points.push(point(now));
  return points;
}

// ---------------------------------------------------------------------------------------------------------
// The status of one SLO, from its buckets.

export type SloSpec = SliSpec & { objectivePercent: number; windowDays: number };

export type SloEvaluation = {
  sli: number | null;
  validProbes: number;
  budget: Budget;
  burnRates: Record<BurnWindow, number>;
  burning: AlertRuleId[];
};

/**
 * What an SLO's status is computed from: the counts over its whole window, over each burn window, and the
 * buckets of the window that had errors (the others spend nothing).
 */
export type SloInput = { window: SliCounts; windows: Record<BurnWindow, SliCounts>; buckets: readonly Bucket[] };

/** The input from a full list of buckets: what storage computes in SQL, for tests and small cases. */
export function sloInput(spec: SloSpec, buckets: readonly Bucket[], now: number): SloInput {
  const from = windowStart(now, spec.windowDays * DAY_MS);
  return { window: sumBuckets(buckets, from, now + 1), windows: windowCounts(buckets, now), buckets: buckets.filter((b) => b.start >= from && b.start <= now) };
}

export function evaluateSlo(spec: SloSpec, input: SloInput, now: number): SloEvaluation {
  const from = windowStart(now, spec.windowDays * DAY_MS);
  return evaluateTotals(spec, { window: input.window, windows: input.windows, spentMinutes: spentMinutes(input.buckets, spec, from, now + 1) });
}

/**
 * The same evaluation from totals already summed (what a batch read of many SLOs' rollups gives): the window's
 * counts, each burn window's counts, and the minutes spent (the sum of each bucket's bad share × its width).
 */
export type SloTotals = { window: SliCounts; windows: Record<BurnWindow, SliCounts>; spentMinutes: number };

export function evaluateTotals(spec: SloSpec, t: SloTotals): SloEvaluation {
  const rates = burnRatesOf(t.windows, spec, spec.objectivePercent);
  return {
    sli: sli(t.window, spec),
    validProbes: t.window.valid,
    budget: budget(spec.objectivePercent, spec.windowDays, t.spentMinutes),
    burnRates: rates,
    burning: burningRules(rates),
  };
}

/**
 * Counts of one SLO's own SLI as SliCounts (per-SLO rollups keep only valid and the SLO's good events): every
 * latency bound holds the good events, so goodEvents() reads them whatever the SLO's kind and threshold.
 */
export const sloCounts = (valid: number, good: number): SliCounts => ({ valid, good, fast: LATENCY_BOUNDS_MS.map(() => good) });
