export const STATUSES = ["ok", "warning", "critical", "down", "unknown"] as const;
export type Status = (typeof STATUSES)[number];

export type Resources = { cpuPercent?: number; memoryPercent?: number; diskPercent?: number };

export type Target = {
  name: string;
  displayName: string;
  kind: "agent" | "service";
  check: "openclaw" | "http" | "tcp";
  url: string;
  port: number | null;
  enabled: boolean;
  description: string | null;
  status: Status;
  reason: string;
  findings: { status: Status; reason: string }[];
  latencyMs: number | null;
  checkedAt: string | null;
  /** When the current status began. */
  since: string | null;
  version: string | null;
  /** As reported at checkedAt. */
  uptimeMs: number | null;
  ready: boolean | null;
  resources: Resources;
};

export type TargetEvent = {
  id: string | number;
  target: string;
  at: string;
  kind: "status" | "restart";
  from: string | null;
  to: string | null;
  reason: string;
};

export type SamplePoint = {
  t: string;
  latencyMs: number | null;
  maxLatencyMs: number | null;
  status: Status;
  count: number;
};

export type SamplesResponse = {
  target: string;
  from: string;
  to: string;
  bucketMs: number;
  points: SamplePoint[];
};

export type Level = { warning: number; critical: number };

export type MonitoringSettings = {
  intervalSeconds: number;
  timeoutMs: number;
  heartbeatTimeoutSeconds: number;
  samplesRetentionDays: number;
  thresholds: { cpuPercent: Level; memoryPercent: Level; diskPercent: Level; responseTimeMs: Level };
};

export type EventFilter = { target?: string; limit?: number };

export function isStatus(v: unknown): v is Status {
  return typeof v === "string" && (STATUSES as readonly string[]).includes(v);
}

/** Fills what an older or partial payload may leave out, so the views never crash on a missing field. */
export function normalizeTarget(raw: Target): Target {
  const t = raw as Partial<Target> & { name: string };
  return {
    name: t.name,
    displayName: t.displayName || t.name,
    kind: t.kind === "service" ? "service" : "agent",
    check: t.check ?? "http",
    url: t.url ?? "",
    port: t.port ?? null,
    enabled: t.enabled !== false,
    description: t.description ?? null,
    status: isStatus(t.status) ? t.status : "unknown",
    reason: t.reason ?? "",
    findings: Array.isArray(t.findings) ? t.findings : [],
    latencyMs: t.latencyMs ?? null,
    checkedAt: t.checkedAt ?? null,
    since: t.since ?? null,
    version: t.version ?? null,
    uptimeMs: t.uptimeMs ?? null,
    ready: t.ready ?? null,
    resources: t.resources ?? {},
  };
}
