/**
 * DORA delivery metrics (seed 1, "DORA Metrics"): deployment frequency, lead time for changes, change failure rate
 * and time to restore, over a period, each with the seed's band. Pure and clock-explicit.
 *
 * The seed's table, quoted:
 *
 * | Metric               | Elite                    | High               | Medium                | Low                   |
 * |----------------------|--------------------------|--------------------|-----------------------|-----------------------|
 * | Deployment Frequency | On-demand (multiple/day) | Weekly to monthly  | Monthly to biannually | Fewer than biannually |
 * | Lead Time for Changes| < 1 hour                 | 1 day – 1 week     | 1 week – 1 month      | 1 – 6 months          |
 * | Change Failure Rate  | 0–15%                    | 16–30%             | 31–45%                | 46–60%                |
 * | MTTR                 | < 1 hour                 | < 1 day            | < 1 week              | 1 week – 1 month      |
 *
 * The table has gaps (lead time between 1 hour and 1 day, a rate between 15 and 16 %, deploys between daily and
 * weekly) and open ends; DORA_BANDS closes each gap into the better band below it, so every value has one band.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type DoraBand = "elite" | "high" | "medium" | "low";
export const DORA_BANDS_ORDER: readonly DoraBand[] = ["elite", "high", "medium", "low"];

export const DORA_BANDS = {
  /** Successful changes per day: elite at least one a day, high at least one per 30 days, medium one per half year. */
  deploymentsPerDay: { elite: 1, high: 1 / 30, medium: 1 / 182.5 },
  /** Median commit → deployed, below each bound: elite < 1 h, high < 1 week (the 1 h–1 day gap is high), medium < 30 days. */
  leadTimeMs: { elite: HOUR, high: 7 * DAY, medium: 30 * DAY },
  /** Failed share of changes, at most: elite ≤ 15 %, high ≤ 30 %, medium ≤ 45 %, low above. */
  changeFailureRate: { elite: 0.15, high: 0.3, medium: 0.45 },
  /** Median time to restore, below each bound: elite < 1 h, high < 1 day, medium < 1 week. */
  timeToRestoreMs: { elite: HOUR, high: DAY, medium: 7 * DAY },
} as const;

/** Where a change came from: CI's POST /api/deployments, an agent version the probes saw change, governance, a runbook. */
export type ChangeSource = "deployment" | "agent_version" | "governance" | "runbook";

export type DeliveryChange = {
  id: string;
  source: ChangeSource;
  /** The targets it touched; empty means fleet-wide (a governance threshold change), which any failure follows. */
  targets: readonly string[];
  /** When the change was committed; null when unknown (an observed agent version, a runbook run): no lead time. */
  committedAt: number | null;
  deployedAt: number;
  /** The change itself failed (a failed deployment or runbook run). */
  failed: boolean;
};

/** An incident or a rollback on some targets: what makes a change before it a failed change. */
export type ChangeFailure = { id: string; kind: "incident" | "rollback"; targets: readonly string[]; startedAt: number; restoredAt: number | null };

export type DoraOptions = {
  /** A failure on a change's targets this long after it makes it a failed change (default 24 h). */
  failureWindowMs?: number;
};

export type DoraPeriod = {
  from: number;
  to: number;
  deploymentFrequency: { count: number; perDay: number; band: DoraBand };
  /** Median commit → deploy of successful changes with a commit time; null (no band) when there are none. */
  leadTime: { medianMs: number | null; count: number; band: DoraBand | null };
  changeFailureRate: { failed: number; total: number; rate: number | null; band: DoraBand | null; failedIds: string[] };
  /** Median start → restored of failures that started in the period and are restored. */
  timeToRestore: { medianMs: number | null; count: number; band: DoraBand | null };
};

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function deploymentFrequencyBand(perDay: number): DoraBand {
  const b = DORA_BANDS.deploymentsPerDay;
  return perDay >= b.elite ? "elite" : perDay >= b.high ? "high" : perDay >= b.medium ? "medium" : "low";
}

export function leadTimeBand(ms: number): DoraBand {
  const b = DORA_BANDS.leadTimeMs;
  return ms < b.elite ? "elite" : ms < b.high ? "high" : ms < b.medium ? "medium" : "low";
}

/** Compared in integers (failed × 100 against limit% × total) so 3 of 20 is exactly 15 %, elite. */
export function changeFailureRateBand(failed: number, total: number): DoraBand {
  const b = DORA_BANDS.changeFailureRate;
  const within = (limit: number) => failed * 100 <= Math.round(limit * 100) * total;
  return within(b.elite) ? "elite" : within(b.high) ? "high" : within(b.medium) ? "medium" : "low";
}

export function timeToRestoreBand(ms: number): DoraBand {
  const b = DORA_BANDS.timeToRestoreMs;
  return ms < b.elite ? "elite" : ms < b.high ? "high" : ms < b.medium ? "medium" : "low";
}

const touches = (change: DeliveryChange, failure: ChangeFailure) => change.targets.length === 0 || failure.targets.some((t) => change.targets.includes(t));

/**
 * A change failed when it failed itself, or when an incident or rollback on one of its targets started at or after
 * it was deployed and within the window.
 */
export function changeFailed(change: DeliveryChange, failures: readonly ChangeFailure[], failureWindowMs = DAY): boolean {
  if (change.failed) return true;
  return failures.some((f) => f.startedAt >= change.deployedAt && f.startedAt <= change.deployedAt + failureWindowMs && touches(change, f));
}

/** Changes deployed in (from, to] and how many of them failed: the one number the change-failure-rate trigger uses too. */
export function changeFailureRate(
  changes: readonly DeliveryChange[],
  failures: readonly ChangeFailure[],
  from: number,
  to: number,
  failureWindowMs = DAY,
): DoraPeriod["changeFailureRate"] {
  const inPeriod = changes.filter((c) => c.deployedAt > from && c.deployedAt <= to);
  const failedIds = inPeriod.filter((c) => changeFailed(c, failures, failureWindowMs)).map((c) => c.id);
  const total = inPeriod.length;
  return {
    failed: failedIds.length,
    total,
    rate: total ? failedIds.length / total : null,
    band: total ? changeFailureRateBand(failedIds.length, total) : null,
    failedIds,
  };
}

/** The four metrics over (from, to]. Frequency and lead time count successful changes; the failure rate counts every change. */
export function doraPeriod(
  changes: readonly DeliveryChange[],
  failures: readonly ChangeFailure[],
  from: number,
  to: number,
  opts: DoraOptions = {},
): DoraPeriod {
  const inPeriod = changes.filter((c) => c.deployedAt > from && c.deployedAt <= to);
  const succeeded = inPeriod.filter((c) => !c.failed);
  const days = (to - from) / DAY;
  const perDay = days > 0 ? succeeded.length / days : 0;
  const leads = succeeded.filter((c) => c.committedAt !== null && c.committedAt <= c.deployedAt).map((c) => c.deployedAt - c.committedAt!);
  const lead = median(leads);
  const restores = failures
    .filter((f) => f.startedAt > from && f.startedAt <= to && f.restoredAt !== null && f.restoredAt <= to)
    .map((f) => f.restoredAt! - f.startedAt);
  const restore = median(restores);
  return {
    from,
    to,
    deploymentFrequency: { count: succeeded.length, perDay, band: deploymentFrequencyBand(perDay) },
    leadTime: { medianMs: lead, count: leads.length, band: lead === null ? null : leadTimeBand(lead) },
    changeFailureRate: changeFailureRate(changes, failures, from, to, opts.failureWindowMs),
    timeToRestore: { medianMs: restore, count: restores.length, band: restore === null ? null : timeToRestoreBand(restore) },
  };
}

export type DoraReport = { week: DoraPeriod; days30: DoraPeriod; weeks: DoraPeriod[] };

/** The last 7 and 30 days to `now`, and the last `weeks` weeks oldest first (the trend). */
export function doraReport(
  changes: readonly DeliveryChange[],
  failures: readonly ChangeFailure[],
  now: number,
  opts: DoraOptions & { weeks?: number } = {},
): DoraReport {
  const n = opts.weeks ?? 4;
  const weeks = Array.from({ length: n }, (_, i) => n - 1 - i).map((back) => {
    const to = now - back * 7 * DAY;
    return doraPeriod(changes, failures, to - 7 * DAY, to, opts);
  });
  return { week: doraPeriod(changes, failures, now - 7 * DAY, now, opts), days30: doraPeriod(changes, failures, now - 30 * DAY, now, opts), weeks };
}
