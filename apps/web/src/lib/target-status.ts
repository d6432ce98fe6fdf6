import { elapsedSince, formatDuration } from "./format.ts";
import type { MonitoringSettings, Resources, Status, TargetView, ThresholdLevel } from "@ops/contract";

export const STATUS_LABEL: Record<Status, string> = {
  ok: "OK",
  warning: "Warning",
  critical: "Critical",
  down: "Down",
  unknown: "Unknown",
};

/** Order for counts and "worst first" decisions. */
export const SEVERITY: Record<Status, number> = { unknown: -1, ok: 0, warning: 1, critical: 2, down: 3 };
export const COUNT_ORDER: readonly Status[] = ["down", "critical", "warning", "ok", "unknown"];

export type StatusCounts = Record<Status, number> & { disabled: number; total: number };

/** Counts per status over monitored targets; disabled ones are counted apart so they never look like trouble. */
export function countStatuses(targets: readonly TargetView[]): StatusCounts {
  const counts: StatusCounts = { ok: 0, warning: 0, critical: 0, down: 0, unknown: 0, disabled: 0, total: targets.length };
  for (const t of targets) {
    if (t.enabled) counts[t.status] += 1;
    else counts.disabled += 1;
  }
  return counts;
}

/** Tab title that tells a background tab something is wrong: "2 down · 1 warning — OpenClaw Ops". */
export function documentTitle(counts: StatusCounts | null, page?: string): string {
  const base = page ? `${page} — OpenClaw Ops` : "OpenClaw Ops";
  if (!counts) return base;
  const bad = (["down", "critical", "warning"] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return bad.length > 0 ? `(${bad.join(" · ")}) ${base}` : base;
}

/** "down for 2 m", "warning for 1 h 5 m"; null when ok, disabled or the start is not known. */
export function statusDuration(target: TargetView, now: number): string | null {
  if (!target.enabled || target.status === "ok") return null;
  if (target.status === "unknown") return target.checkedAt ? null : "not probed yet";
  const ms = elapsedSince(target.since, now);
  if (ms == null) return null;
  return `${target.status} for ${formatDuration(ms)}`;
}

export type ResourceKey = keyof Resources;

export const RESOURCE_LABELS: Record<ResourceKey, string> = { cpuPercent: "CPU", memoryPercent: "Memory", diskPercent: "Disk" };

/** The monitoring settings as the board holds them: the API's, or until it answers, the shipped defaults without the ladder's numbers and the derived policy. */
export type BoardMonitoring = Omit<MonitoringSettings, "selfHealing" | "policy" | "fleetFile"> &
  Partial<Pick<MonitoringSettings, "selfHealing" | "policy" | "fleetFile">>;

// Shown until GET /api/monitoring answers: the shipped monitoring-config.json (SPEC §3).
export const DEFAULT_MONITORING: BoardMonitoring = {
  intervalSeconds: 30,
  timeoutMs: 15_000,
  heartbeatTimeoutSeconds: 120,
  samplesRetentionDays: 30,
  thresholds: {
    cpuPercent: { warning: 70, critical: 90 },
    memoryPercent: { warning: 75, critical: 90 },
    diskPercent: { warning: 80, critical: 95 },
    responseTimeMs: { warning: 5000, critical: 15_000 },
  },
};

/**
 * A result older than this means monitoring itself is stuck: the API's rule (two intervals, at least 10 s, the
 * same as its "monitoring stalled" banner), never one of the board's own. Until the API has said, nothing is stale.
 */
export function staleAfterMs(settings: BoardMonitoring): number {
  return settings.policy?.tileStaleAfterMs ?? Number.POSITIVE_INFINITY;
}

export function levelOf(value: number, level: ThresholdLevel): "ok" | "warning" | "critical" {
  if (value >= level.critical) return "critical";
  if (value >= level.warning) return "warning";
  return "ok";
}

/** Uptime is meaningful only while the target answers. */
export function isAlive(target: TargetView): boolean {
  return target.enabled && (target.status === "ok" || target.status === "warning" || target.status === "critical");
}
