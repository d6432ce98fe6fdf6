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
  /** What the self-healing ladder is doing; null (or an older API without it) means nothing. */
  healing: Healing | null;
};

export const HEALING_STATES = ["idle", "waiting", "restarting", "escalated", "paused"] as const;
export type HealingState = (typeof HEALING_STATES)[number];

export type Healing = {
  state: HealingState;
  /** The next or current attempt, 1-based. */
  attempt: number | null;
  /** Restarts allowed in the window. */
  maxAttempts: number;
  nextRestartAt: string | null;
  lastRestartAt: string | null;
  escalatedAt: string | null;
  /** The escalation reason or the last restart's failure. */
  reason: string | null;
  restartsInWindow: number;
  driver: string;
  /** The doctor's latest diagnosis of this target, if any. */
  doctor: HealingDoctor | null;
};

export type HealingDoctor = { caseId: string | null; confidence: number | null; outcome: string; at: string };

export const RESTART_STATUSES = ["started", "succeeded", "failed", "interrupted"] as const;
export type RestartStatus = (typeof RESTART_STATUSES)[number];

export type Restart = {
  id: string | number;
  target: string;
  attempt: number;
  driver: string;
  status: RestartStatus;
  /** Why it was restarted, e.g. "down: connection refused". */
  reason: string;
  /** What the driver said, e.g. "HTTP 200" or an error. */
  output: string | null;
  dueAt: string;
  startedAt: string;
  finishedAt: string | null;
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
    healing: normalizeHealing(t.healing),
  };
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** A healing block we can show, or null: missing, malformed or a state this build does not know. */
export function normalizeHealing(raw: unknown): Healing | null {
  if (typeof raw !== "object" || raw === null) return null;
  const h = raw as Record<string, unknown>;
  const state = h.state;
  if (typeof state !== "string" || !(HEALING_STATES as readonly string[]).includes(state)) return null;
  return {
    state: state as HealingState,
    attempt: num(h.attempt),
    maxAttempts: num(h.maxAttempts) ?? 0,
    nextRestartAt: str(h.nextRestartAt),
    lastRestartAt: str(h.lastRestartAt),
    escalatedAt: str(h.escalatedAt),
    reason: str(h.reason),
    restartsInWindow: num(h.restartsInWindow) ?? 0,
    driver: str(h.driver) ?? "",
    doctor: normalizeDoctor(h.doctor),
  };
}

function normalizeDoctor(raw: unknown): HealingDoctor | null {
  if (typeof raw !== "object" || raw === null) return null;
  const d = raw as Record<string, unknown>;
  const outcome = str(d.outcome);
  const at = str(d.at);
  if (!outcome || !at) return null;
  return { caseId: str(d.caseId), confidence: num(d.confidence), outcome, at };
}
