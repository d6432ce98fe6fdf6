import type { Incident } from "./types.ts";

export const NOW = Date.parse("2026-11-23T14:00:00.000Z");
export const at = (ms: number) => new Date(NOW + ms).toISOString();
export const H = 3_600_000;
export const M = 60_000;

export function inc(id: number, patch: Partial<Incident> = {}): Incident {
  return {
    id,
    key: `INC-${id}`,
    title: `incident ${id}`,
    severity: "P3",
    status: "open",
    source: "ladder",
    targets: ["beta"],
    summary: null,
    startedAt: at(-2 * H),
    detectedAt: at(-2 * H + 40_000),
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    mttdMs: 40_000,
    mttrMs: null,
    mttrTargetMs: 24 * H,
    ...patch,
  };
}

export const resolved = (id: number, mttrMs: number, targetMs: number | null, patch: Partial<Incident> = {}) =>
  inc(id, { status: "resolved", resolvedAt: at(-2 * H + mttrMs), resolvedBy: "ada@example.com", mttrMs, mttrTargetMs: targetMs, ...patch });
