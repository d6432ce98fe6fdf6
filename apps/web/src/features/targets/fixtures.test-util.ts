import type { Target } from "./types.ts";

export function target(name: string, patch: Partial<Target> = {}): Target {
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
