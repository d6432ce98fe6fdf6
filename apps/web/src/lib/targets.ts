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

/** starting: the console started or restarted the target and waits (up to its start timeout) for it to be healthy. */
export const HEALING_STATES = ["idle", "waiting", "restarting", "starting", "escalated", "paused"] as const;
export type HealingState = (typeof HEALING_STATES)[number];

export type Healing = {
  state: HealingState;
  /** The next or current attempt, 1-based. */
  attempt: number | null;
  /** Crashes allowed in the window before it escalates. */
  maxAttempts: number;
  nextRestartAt: string | null;
  lastRestartAt: string | null;
  escalatedAt: string | null;
  /** The escalation reason or the last restart's failure. */
  reason: string | null;
  /** Crashes (exits and uptime resets, whoever restarted it) in the escalation window. */
  restartsInWindow: number;
  driver: string;
  /** While starting: since when, and when the start counts as timed out. */
  startingSince: string | null;
  startDeadline: string | null;
  /** How the target's process last ended, when its driver saw it. */
  lastExit: ProcessExit | null;
  /** The doctor's latest diagnosis of this target, if any. */
  doctor: HealingDoctor | null;
};

export type ProcessExit = { code: number | null; signal: string | null; at: string };

export type HealingDoctor = { caseId: string | null; confidence: number | null; outcome: string; at: string };

/** "succeeded" is what older APIs wrote for a restart whose driver answered. */
export const RESTART_STATUSES = ["started", "starting", "healthy", "failed", "timed-out", "interrupted", "skipped", "succeeded"] as const;
export type RestartStatus = (typeof RESTART_STATUSES)[number];

export type Restart = {
  id: string | number;
  target: string;
  attempt: number;
  /** start: the console's own first start of a target it runs; restart: after a failure. */
  kind: "start" | "restart";
  driver: string;
  status: RestartStatus;
  /** Why it was restarted, e.g. "down: connection refused". */
  reason: string;
  /** What the driver said, e.g. "HTTP 200" or an error, and how the attempt ended. */
  output: string | null;
  exitCode: number | null;
  exitSignal: string | null;
  /** The process's last lines before it exited (redacted): text, never markup. */
  stderrTail: string | null;
  dueAt: string;
  startedAt: string;
  /** When the driver finished acting. */
  finishedAt: string | null;
  /** When the attempt ended: healthy, failed or timed out. */
  endedAt: string | null;
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
  /** The ladder's numbers, when the API tells them (older ones do not). */
  selfHealing?: { restartWindowSeconds?: number; maxRestartsInWindow?: number };
  /** The numbers the API derives once for every process (packages/domain monitoringPolicy). */
  policy?: { intervalMs: number; timeoutMs: number; staleAfterMs: number; heartbeatTimeoutMs: number; shardSize: number };
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
    startingSince: str(h.startingSince),
    startDeadline: str(h.startDeadline),
    lastExit: normalizeExit(h.lastExit),
    doctor: normalizeDoctor(h.doctor),
  };
}

function normalizeExit(raw: unknown): ProcessExit | null {
  if (typeof raw !== "object" || raw === null) return null;
  const e = raw as Record<string, unknown>;
  const at = str(e.at);
  if (!at) return null;
  return { code: num(e.code), signal: str(e.signal), at };
}

/** A restart row from this or an older API (without kind, exit or end). */
export function normalizeRestart(raw: Restart): Restart {
  const r = raw as Partial<Restart> & Pick<Restart, "id" | "target" | "startedAt">;
  const status = r.status && (RESTART_STATUSES as readonly string[]).includes(r.status) ? r.status : "failed";
  return {
    id: r.id,
    target: r.target,
    attempt: r.attempt ?? 0,
    kind: r.kind === "start" ? "start" : "restart",
    driver: r.driver ?? "",
    status,
    reason: r.reason ?? "",
    output: r.output ?? null,
    exitCode: num(r.exitCode),
    exitSignal: str(r.exitSignal),
    stderrTail: str(r.stderrTail),
    dueAt: r.dueAt ?? r.startedAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ?? null,
    endedAt: r.endedAt ?? null,
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
