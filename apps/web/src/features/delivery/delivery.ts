import type { Deployment, DoraBand, DoraPeriodView, ProposalSummary } from "@ops/contract";
import { DASH, formatDuration } from "../../lib/format.ts";

export const BAND_LABEL: Record<DoraBand, string> = { elite: "Elite", high: "High", medium: "Medium", low: "Low" };

export type MetricKey = "deploymentFrequency" | "leadTime" | "changeFailureRate" | "timeToRestore";

export const METRICS: readonly { key: MetricKey; title: string }[] = [
  { key: "deploymentFrequency", title: "Deployment frequency" },
  { key: "leadTime", title: "Lead time for changes" },
  { key: "changeFailureRate", title: "Change failure rate" },
  { key: "timeToRestore", title: "Time to restore" },
];

/** What each band means, per metric (the seed's bands, as the domain's DORA_BANDS computes them). */
export const BAND_MEANING: Record<MetricKey, Record<DoraBand, string>> = {
  deploymentFrequency: {
    elite: "at least once a day",
    high: "at least once a month",
    medium: "at least once every six months",
    low: "less than once every six months",
  },
  leadTime: { elite: "under an hour", high: "under a week", medium: "under a month", low: "a month or more" },
  changeFailureRate: { elite: "15 % or less", high: "30 % or less", medium: "45 % or less", low: "over 45 %" },
  timeToRestore: { elite: "under an hour", high: "under a day", medium: "under a week", low: "a week or more" },
};

export function bandOf(p: DoraPeriodView, key: MetricKey): DoraBand | null {
  return p[key].band;
}

function trim(n: number, digits: number): string {
  return n
    .toFixed(digits)
    .replace(/\.0+$/, "")
    .replace(/(\.\d*?)0+$/, "$1");
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The metric's value in words. */
export function metricValue(p: DoraPeriodView, key: MetricKey): string {
  switch (key) {
    case "deploymentFrequency": {
      const f = p.deploymentFrequency;
      if (f.perDay >= 1 || f.perDay === 0) return `${trim(f.perDay, 2)} a day`;
      return f.perDay >= 1 / 7 ? `${trim(f.perDay * 7, 2)} a week` : `${trim(f.perDay * 30, 2)} a month`;
    }
    case "leadTime":
      return p.leadTime.medianMs == null ? DASH : formatDuration(p.leadTime.medianMs);
    case "changeFailureRate":
      return p.changeFailureRate.rate == null ? DASH : `${trim(p.changeFailureRate.rate * 100, 1)} %`;
    case "timeToRestore":
      return p.timeToRestore.medianMs == null ? DASH : formatDuration(p.timeToRestore.medianMs);
  }
}

/** What the value was computed from, in words. */
export function metricBasis(p: DoraPeriodView, key: MetricKey): string {
  switch (key) {
    case "deploymentFrequency":
      // A deploy an incident followed still shipped: it counts here and as a failure in the change failure rate.
      return `${plural(p.deploymentFrequency.count, "change", "changes")} shipped`;
    case "leadTime":
      return p.leadTime.count === 0 ? "no change with a commit time" : `median of ${plural(p.leadTime.count, "change", "changes")}`;
    case "changeFailureRate":
      return p.changeFailureRate.total === 0
        ? "no change"
        : `${p.changeFailureRate.failed} of ${plural(p.changeFailureRate.total, "change", "changes")} failed or led to an incident`;
    case "timeToRestore":
      return p.timeToRestore.count === 0 ? "nothing to restore" : `median of ${plural(p.timeToRestore.count, "restore", "restores")}`;
  }
}

/** "Elite: at least once a day", or that there was nothing to measure. */
export function bandText(band: DoraBand | null, key: MetricKey): string {
  return band ? `${BAND_LABEL[band]}: ${BAND_MEANING[key][band]}` : "No band: nothing to measure";
}

export type TrendRow = {
  label: string;
  from: string;
  perDay: number;
  leadHours: number | null;
  failurePercent: number | null;
  restoreHours: number | null;
};

const HOUR = 3_600_000;

/** "2 Dec" (UTC: the periods are computed in UTC). */
export function weekLabel(iso: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" }).format(Date.parse(iso));
}

/** The weekly periods, oldest first, as the trend charts plot them. */
export function trendRows(weeks: readonly DoraPeriodView[]): TrendRow[] {
  return weeks.map((w) => ({
    label: weekLabel(w.from),
    from: w.from,
    perDay: w.deploymentFrequency.perDay,
    leadHours: w.leadTime.medianMs == null ? null : w.leadTime.medianMs / HOUR,
    failurePercent: w.changeFailureRate.rate == null ? null : w.changeFailureRate.rate * 100,
    restoreHours: w.timeToRestore.medianMs == null ? null : w.timeToRestore.medianMs / HOUR,
  }));
}

/** A trend chart's text alternative: the values week by week. */
export function trendSummary(title: string, rows: readonly TrendRow[], value: (r: TrendRow) => string): string {
  if (rows.length === 0) return `${title}: no weeks yet.`;
  return `${title}, week by week from ${rows[0]?.label}: ${rows.map((r) => `${r.label} ${value(r)}`).join("; ")}.`;
}

export const SOURCE_LABEL: Record<string, string> = {
  api: "Deploy (CI)",
  probe: "Version seen by probes",
  governance: "Governance change",
  runbook: "Runbook run",
};

export const RESULT_LABEL: Record<string, string> = { succeeded: "Succeeded", failed: "Failed", rolled_back: "Rolled back" };

export type ChangeRow = {
  key: string;
  at: string;
  source: string;
  what: string;
  version: string | null;
  result: string;
  /** Counted as failed: failed or rolled back itself, or followed by an incident on its targets. */
  failed: boolean;
  /** It succeeded, and an incident on its targets followed it within the window. */
  incident: boolean;
  proposalId: number | null;
};

/** Deployments, probe-seen versions and applied governance changes in one list, newest first. */
export function changeRows(deployments: readonly Deployment[], proposals: readonly ProposalSummary[], failedIds: ReadonlySet<string>): ChangeRow[] {
  const rows: ChangeRow[] = deployments.map((d) => ({
    key: `deployment-${d.id}`,
    at: d.deployedAt,
    source: d.source,
    what: d.service,
    version: d.version,
    result: d.result,
    failed: failedIds.has(`deployment-${d.id}`) || d.result !== "succeeded",
    incident: d.result === "succeeded" && failedIds.has(`deployment-${d.id}`),
    proposalId: null,
  }));
  for (const p of proposals) {
    if (p.applyStatus !== "applied" || !p.closedAt) continue;
    rows.push({
      key: `proposal-${p.id}`,
      at: p.closedAt,
      source: "governance",
      what: p.title,
      version: null,
      result: "succeeded",
      failed: failedIds.has(`proposal-${p.id}`),
      incident: failedIds.has(`proposal-${p.id}`),
      proposalId: p.id,
    });
  }
  return rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || b.key.localeCompare(a.key));
}

/** What the failure column says about a change. */
export function failureText(row: ChangeRow): string {
  if (row.result === "failed") return "Failed";
  if (row.result === "rolled_back") return "Rolled back";
  return row.incident ? "Followed by an incident" : "No";
}
