import { portOf } from "@ops/config";
import type { HealingView, ProcessExit, Resources, StatusEventView, TargetView } from "@ops/contract";
import type { Row, targetHealing, targetState, targets } from "@ops/db";
import type { Finding } from "@ops/domain";

/** The views are the contract's (packages/contract/src/targets.ts); named here too for core's callers. */
export type { HealingView, StatusEventView, TargetView };

export const NOT_MONITORED_REASON = "not monitored (enabled: false in the fleet file)";

type Healing = Row<typeof targetHealing>;

/** A target joined with its state, its healing row (h…, null without one) and its latest diagnosis: what every target view is built from. */
export type TargetRow = Pick<Row<typeof targets>, "name" | "displayName" | "kind" | "check" | "baseUrl" | "enabled" | "config"> &
  Pick<
    Row<typeof targetState>,
    "status" | "reason" | "findings" | "latencyMs" | "checkedAt" | "since" | "version" | "uptimeMs" | "uptimeAt" | "ready" | "resources"
  > & {
    hPaused?: Healing["paused"] | null;
    hRestarts?: Healing["restarts"] | null;
    hEscalatedAt?: Healing["escalatedAt"];
    hReason?: Healing["escalationReason"];
    hNextRestartAt?: Healing["nextRestartAt"];
    hNextAttempt?: Healing["nextAttempt"];
    hRestartingAt?: Healing["restartingAt"];
    hInWindow?: Healing["restartsInWindow"] | null;
    hMax?: Healing["maxAttempts"] | null;
    hDriver?: Healing["driver"] | null;
    hStartingSince?: Healing["startingSince"];
    hStartDeadline?: Healing["startDeadline"];
    hLastExit?: ProcessExit | null;
    dLatest?: HealingView["doctor"];
  };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toHealingView(row: TargetRow): HealingView | null {
  if (row.hPaused === null || row.hPaused === undefined) return null;
  const restarts = row.hRestarts ?? [];
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
    live && row.uptimeMs !== null && row.uptimeAt && row.checkedAt ? Math.max(0, row.uptimeMs + (row.checkedAt.getTime() - row.uptimeAt.getTime())) : null;
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
