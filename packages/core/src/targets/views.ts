import { portOf } from "@ops/config";
import type { Finding, Resources, TargetStatus } from "@ops/domain";

export type TargetView = {
  name: string;
  displayName: string;
  kind: "agent" | "service";
  check: "openclaw" | "http" | "tcp";
  url: string;
  port: number | null;
  enabled: boolean;
  description: string | null;
  status: TargetStatus;
  reason: string;
  findings: Finding[];
  latencyMs: number | null;
  checkedAt: string | null;
  since: string | null;
  version: string | null;
  /** Uptime as of checkedAt; null while the target is down or never probed. */
  uptimeMs: number | null;
  ready: boolean | null;
  resources: Resources;
  /** What the self-healing ladder is doing about this target; null when it has never acted. */
  healing: HealingView | null;
};

export type HealingView = {
  /** starting: a start or restart the driver carried out, waiting for the target to be healthy (tile: "starting (41 s)"). */
  state: "idle" | "waiting" | "restarting" | "starting" | "escalated" | "paused";
  attempt: number | null;
  maxAttempts: number;
  nextRestartAt: string | null;
  lastRestartAt: string | null;
  escalatedAt: string | null;
  reason: string | null;
  /** Crashes (exits and uptime resets, whoever restarted it) in the escalation window. */
  restartsInWindow: number;
  driver: string;
  /** While starting: since when, and when it counts as timed out. */
  startingSince: string | null;
  startDeadline: string | null;
  /** How the target's process last ended, when its driver saw it. */
  lastExit: { code: number | null; signal: string | null; at: string } | null;
  /** The doctor's latest diagnosis of this target. */
  doctor: { caseId: string | null; confidence: number | null; outcome: string; at: string } | null;
};

export type StatusEventView = {
  id: number;
  target: string;
  at: string;
  kind: "status" | "restart";
  from: TargetStatus;
  to: TargetStatus;
  reason: string;
};

export const NOT_MONITORED_REASON = "not monitored (enabled: false in config/fleet.json)";

export type TargetRow = {
  name: string;
  displayName: string;
  kind: "agent" | "service";
  check: "openclaw" | "http" | "tcp";
  baseUrl: string;
  enabled: boolean;
  config: unknown;
  status: TargetStatus;
  reason: string;
  findings: unknown;
  latencyMs: number | null;
  checkedAt: Date | null;
  since: Date | null;
  version: string | null;
  uptimeMs: number | null;
  uptimeAt: Date | null;
  ready: boolean | null;
  resources: unknown;
  hPaused?: boolean | null;
  hRestarts?: (string | number)[] | null;
  hEscalatedAt?: Date | null;
  hReason?: string | null;
  hNextRestartAt?: Date | null;
  hNextAttempt?: number | null;
  hRestartingAt?: Date | null;
  hInWindow?: number | null;
  hMax?: number | null;
  hDriver?: string | null;
  hStartingSince?: Date | null;
  hStartDeadline?: Date | null;
  hLastExit?: { code: number | null; signal: string | null; at: string } | null;
  dLatest?: { caseId: string | null; confidence: number | null; outcome: string; at: string } | null;
};

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toHealingView(row: TargetRow): HealingView | null {
  if (row.hPaused === null || row.hPaused === undefined) return null;
  const restarts = (row.hRestarts ?? []).map(Number);
  const state: HealingView["state"] = row.hPaused
    ? "paused"
    : row.hRestartingAt
      ? "restarting"
      : row.hStartingSince
        ? "starting"
        : row.hEscalatedAt
        ? "escalated"
        : row.hNextRestartAt
          ? "waiting"
          : "idle";
  const last = restarts.length ? Math.max(...restarts) : null;
  return {
    state,
    attempt: row.hNextAttempt ?? null,
    maxAttempts: row.hMax ?? 5,
    nextRestartAt: iso(row.hNextRestartAt ?? null),
    lastRestartAt: last === null ? null : new Date(last).toISOString(),
    escalatedAt: iso(row.hEscalatedAt ?? null),
    reason: row.hReason ?? null,
    restartsInWindow: row.hInWindow ?? 0,
    driver: row.hDriver ?? "none",
    startingSince: iso(row.hStartingSince ?? null),
    startDeadline: iso(row.hStartDeadline ?? null),
    lastExit: row.hLastExit ? { code: row.hLastExit.code, signal: row.hLastExit.signal, at: row.hLastExit.at } : null,
    doctor: row.dLatest ? { ...row.dLatest, at: new Date(row.dLatest.at).toISOString() } : null,
  };
}

export function toTargetView(row: TargetRow): TargetView {
  const live = row.enabled && row.status !== "down" && row.status !== "unknown";
  const uptimeMs =
    live && row.uptimeMs !== null && row.uptimeAt && row.checkedAt
      ? Math.max(0, row.uptimeMs + (row.checkedAt.getTime() - row.uptimeAt.getTime()))
      : null;
  const description = (row.config as { description?: string } | null)?.description ?? null;
  return {
    name: row.name,
    displayName: row.displayName,
    kind: row.kind,
    check: row.check,
    url: row.baseUrl,
    port: portOf(row.baseUrl),
    enabled: row.enabled,
    description,
    status: row.enabled ? row.status : "unknown",
    reason: row.enabled ? row.reason : NOT_MONITORED_REASON,
    findings: row.enabled ? ((row.findings as Finding[] | null) ?? []) : [],
    latencyMs: row.enabled && row.latencyMs !== null ? Math.round(row.latencyMs * 10) / 10 : null,
    checkedAt: row.enabled ? iso(row.checkedAt) : null,
    since: row.enabled ? iso(row.since) : null,
    version: row.version,
    uptimeMs: uptimeMs === null ? null : Math.round(uptimeMs),
    ready: row.enabled ? row.ready : null,
    resources: row.enabled ? ((row.resources as Resources | null) ?? {}) : {},
    healing: row.enabled ? toHealingView(row) : null,
  };
}
