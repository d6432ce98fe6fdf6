import type { HealingView, RestartView, TargetView } from "@ops/contract";

export function target(name: string, patch: Partial<TargetView> = {}): TargetView {
  return {
    name,
    displayName: name,
    kind: "agent",
    check: "openclaw",
    url: `http://127.0.0.1:8001`,
    port: 8001,
    enabled: true,
    description: null,
    status: "ok",
    reason: "healthy",
    findings: [],
    latencyMs: 12,
    checkedAt: "2026-11-23T14:00:00.000Z",
    since: "2026-11-23T10:00:00.000Z",
    version: "2026.9.6",
    uptimeMs: 3_600_000,
    ready: true,
    resources: {},
    healing: null,
    ...patch,
  };
}

export const FIXED_NOW = Date.parse("2026-11-23T14:00:00.000Z");

/** A healing block: waiting for restart 2 in 25 s after one crash, unless patched. */
export function healing(patch: Partial<HealingView> = {}): HealingView {
  const at = (ms: number) => new Date(FIXED_NOW + ms).toISOString();
  return {
    state: "waiting",
    attempt: 2,
    maxAttempts: 5,
    nextRestartAt: at(25_000),
    lastRestartAt: at(-60_000),
    escalatedAt: null,
    reason: null,
    restartsInWindow: 1,
    driver: "docker",
    startingSince: null,
    startDeadline: null,
    lastExit: null,
    doctor: null,
    ...patch,
  };
}

/** A restart row as GET /api/restarts answers it: a restart that became healthy, unless patched. */
export function restart(patch: Partial<RestartView> = {}): RestartView {
  return {
    id: 1,
    target: "alpha",
    attempt: 1,
    kind: "restart",
    driver: "simulator",
    status: "healthy",
    reason: "down: connection refused",
    output: "HTTP 200\nhealthy after 41 s",
    exitCode: null,
    exitSignal: null,
    stderrTail: null,
    dueAt: "2026-11-23T13:59:00.000Z",
    startedAt: "2026-11-23T13:59:00.000Z",
    finishedAt: "2026-11-23T13:59:01.000Z",
    endedAt: "2026-11-23T13:59:41.000Z",
    ...patch,
  };
}
