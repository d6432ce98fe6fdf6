import { Status, type Resources } from "@ops/contract";
import { z } from "zod";

/** The contract owns the list (`Status`); the domain names it for its rules. */
export const TARGET_STATUSES = Status.options;
export type TargetStatus = Status;

const SEVERITY: Record<TargetStatus, number> = { unknown: -1, ok: 0, warning: 1, critical: 2, down: 3 };

export function worseStatus(a: TargetStatus, b: TargetStatus): TargetStatus {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

export type Level = { warning: number; critical: number };
export type Thresholds = {
  cpuPercent: Level;
  memoryPercent: Level;
  diskPercent: Level;
  responseTimeMs: Level;
};
export type EvaluationPolicy = {
  thresholds: Thresholds;
  heartbeatTimeoutMs: number;
};

/** What one network request to a target produced. */
export type RequestOutcome =
  | { kind: "response"; statusCode: number; body: string; latencyMs: number }
  | { kind: "refused" | "timeout" | "reset" | "dns" | "error"; message: string; latencyMs: number }
  /** Not a request: the driver saw the target's process end (its message says how), so it is down now. */
  | { kind: "exited"; message: string; latencyMs: number };

export type ProbeObservation =
  | {
      check: "openclaw";
      at: number;
      live: RequestOutcome;
      ready?: RequestOutcome | undefined;
      startup?: RequestOutcome | undefined;
      paths: { live: string; ready?: string | undefined; startup?: string | undefined };
      /** Readiness not asked this time (see `readinessDue`): what the last answer said, kept as it was. */
      carried?: CarriedReadiness | undefined;
    }
  | { check: "http"; at: number; response: RequestOutcome; path: string }
  | { check: "tcp"; at: number; connect: RequestOutcome };

/** The readiness facts of the last /readyz answer, carried while the prober does not ask again. */
export type CarriedReadiness = { ready: boolean; resources: Resources };

/**
 * Whether the prober asks an OpenClaw gateway's readiness this time, once its liveness answered well. Always,
 * unless the target was ok and ready at the last look and that answer (its uptime, `uptimeAt`) is younger than
 * `maxAgeMs`: a problem, a status change, not ready, or an unknown or old readiness asks again. Between asks the
 * last readiness is carried; a restart shows as refused liveness, or as uptime going backwards at the next ask.
 */
export function readinessDue(prev: PreviousState, lastReady: boolean | null, at: number, maxAgeMs: number): boolean {
  if (prev.status !== "ok" || lastReady !== true || prev.uptimeAt === null) return true;
  return at - prev.uptimeAt >= maxAgeMs;
}

/** A gateway's liveness said it is alive (200 with `ok: true`): only then do readiness and start-up count. */
export function livenessOk(live: RequestOutcome, path: string): boolean {
  if (live.kind !== "response" || live.statusCode !== 200) return false;
  const body = parseHealthBody(path, live.body, LiveBody);
  return body.ok && body.value.ok;
}

/** Resource use a target reported, in percent (the contract's shape). */
export type { Resources };

/** What the evaluator needs to remember between probes of one target. */
export type PreviousState = {
  status: TargetStatus;
  since: number | null;
  lastOkAt: number | null;
  failingSince: number | null;
  version: string | null;
  uptimeMs: number | null;
  uptimeAt: number | null;
};

export const NEVER_PROBED: PreviousState = {
  status: "unknown",
  since: null,
  lastOkAt: null,
  failingSince: null,
  version: null,
  uptimeMs: null,
  uptimeAt: null,
};

export type Finding = { status: Exclude<TargetStatus, "ok" | "unknown">; reason: string };

export type Evaluation = {
  status: TargetStatus;
  reason: string;
  findings: Finding[];
  /** The target answered and said it is alive: counts for the heartbeat. */
  alive: boolean;
  latencyMs: number | null;
  version: string | null;
  uptimeMs: number | null;
  ready: boolean | null;
  resources: Resources;
  restarted: boolean;
  next: PreviousState;
};

const LiveBody = z.object({ ok: z.boolean(), status: z.string().optional() }).loose();
const ResourcesBody = z
  .object({
    cpuPercent: z.number().min(0).max(100).optional(),
    memoryPercent: z.number().min(0).max(100).optional(),
    diskPercent: z.number().min(0).max(100).optional(),
  })
  .loose();
const ReadyBody = z
  .object({
    ready: z.boolean(),
    failing: z.array(z.string()).optional(),
    uptimeMs: z.number().nonnegative().optional(),
    eventLoop: z
      .object({
        degraded: z.boolean(),
        reasons: z.array(z.string()).optional(),
        delayP99Ms: z.number().optional(),
      })
      .loose()
      .optional(),
    resources: ResourcesBody.optional(),
  })
  .loose();
const StartupBody = z
  .object({
    ok: z.boolean(),
    status: z.string(),
    version: z.string().optional(),
    uptimeMs: z.number().nonnegative().optional(),
    pendingReason: z.string().optional(),
  })
  .loose();

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parse a JSON health body against a schema; the reason names the path and field. */
export function parseHealthBody<T>(path: string, body: string, schema: z.ZodType<T>): Parsed<T> {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: `${path} body is not JSON` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : "(body)";
  return { ok: false, reason: `${path} field ${field}: ${issue?.message ?? "invalid"}` };
}

function unreachable(outcome: Exclude<RequestOutcome, { kind: "response" }>, path?: string): Finding {
  const where = path ? ` on ${path}` : "";
  switch (outcome.kind) {
    case "refused":
      return { status: "down", reason: "connection refused" };
    case "dns":
      return { status: "down", reason: `host not found (${outcome.message})` };
    case "timeout":
      return { status: "critical", reason: `timeout after ${Math.round(outcome.latencyMs)} ms${where}` };
    case "reset":
      return { status: "critical", reason: `connection reset${where}` };
    case "error":
      return { status: "critical", reason: `${outcome.message}${where}` };
    case "exited":
      return { status: "down", reason: outcome.message };
  }
}

function formatPercent(n: number): string {
  return `${Math.round(n * 10) / 10}`;
}

export function resourceFindings(resources: Resources, t: Thresholds): Finding[] {
  const out: Finding[] = [];
  const check = (label: string, value: number | undefined, level: Level) => {
    if (value === undefined) return;
    if (value >= level.critical) {
      out.push({ status: "critical", reason: `${label} ${formatPercent(value)} % ≥ ${level.critical} %` });
    } else if (value >= level.warning) {
      out.push({ status: "warning", reason: `${label} ${formatPercent(value)} % ≥ ${level.warning} %` });
    }
  };
  check("cpu", resources.cpuPercent, t.cpuPercent);
  check("memory", resources.memoryPercent, t.memoryPercent);
  check("disk", resources.diskPercent, t.diskPercent);
  return out;
}

export function latencyFinding(latencyMs: number, level: Level): Finding | null {
  const ms = Math.round(latencyMs);
  if (latencyMs >= level.critical) return { status: "critical", reason: `response ${ms} ms ≥ ${level.critical} ms` };
  if (latencyMs >= level.warning) return { status: "warning", reason: `response ${ms} ms ≥ ${level.warning} ms` };
  return null;
}

type Facts = {
  findings: Finding[];
  alive: boolean;
  latencyMs: number | null;
  version: string | null;
  uptimeMs: number | null;
  ready: boolean | null;
  resources: Resources;
};

function observeResponse(outcome: RequestOutcome, path: string): Finding | null {
  if (outcome.kind !== "response") return unreachable(outcome, path);
  if (outcome.statusCode < 200 || outcome.statusCode >= 300) {
    return { status: "critical", reason: `HTTP ${outcome.statusCode} from ${path}` };
  }
  return null;
}

function factsOfOpenclaw(obs: Extract<ProbeObservation, { check: "openclaw" }>, prev: PreviousState): Facts {
  const facts: Facts = {
    findings: [],
    alive: false,
    latencyMs: null,
    version: prev.version,
    uptimeMs: null,
    ready: null,
    resources: {},
  };
  const { live, ready, startup, paths } = obs;
  if (live.kind !== "response") {
    facts.findings.push(unreachable(live));
    return facts;
  }
  facts.latencyMs = live.latencyMs;
  if (live.statusCode !== 200) {
    facts.findings.push({ status: "critical", reason: `HTTP ${live.statusCode} from ${paths.live}` });
    return facts;
  }
  const liveBody = parseHealthBody(paths.live, live.body, LiveBody);
  if (!liveBody.ok) {
    facts.findings.push({ status: "critical", reason: liveBody.reason });
    return facts;
  }
  if (!liveBody.value.ok) {
    facts.findings.push({ status: "critical", reason: `${paths.live} reports ok=false (${liveBody.value.status ?? "no status"})` });
    return facts;
  }
  facts.alive = true;

  if (!ready && obs.carried && paths.ready) {
    facts.ready = obs.carried.ready;
    facts.resources = obs.carried.resources;
  }
  if (ready && paths.ready) {
    if (ready.kind !== "response") {
      facts.findings.push(unreachable(ready, paths.ready));
    } else {
      facts.latencyMs = Math.max(facts.latencyMs, ready.latencyMs);
      if (ready.statusCode !== 200 && ready.statusCode !== 503) {
        facts.findings.push({ status: "critical", reason: `HTTP ${ready.statusCode} from ${paths.ready}` });
      } else {
        const body = parseHealthBody(paths.ready, ready.body, ReadyBody);
        if (!body.ok) {
          facts.findings.push({ status: "critical", reason: body.reason });
        } else {
          const r = body.value;
          facts.ready = r.ready && ready.statusCode === 200;
          if (r.uptimeMs !== undefined) facts.uptimeMs = r.uptimeMs;
          if (!facts.ready) {
            const failing = r.failing && r.failing.length > 0 ? r.failing.join(", ") : "no reason given";
            facts.findings.push({ status: "warning", reason: `not ready: ${failing}` });
          }
          if (r.eventLoop?.degraded) {
            const reasons = r.eventLoop.reasons?.length ? r.eventLoop.reasons.join(", ") : "degraded";
            const p99 = r.eventLoop.delayP99Ms !== undefined ? `, delay p99 ${Math.round(r.eventLoop.delayP99Ms)} ms` : "";
            facts.findings.push({ status: "warning", reason: `event loop degraded: ${reasons}${p99}` });
          }
          if (r.resources) facts.resources = stripUndefined(r.resources);
        }
      }
    }
  }

  if (startup && paths.startup) {
    const failed = observeResponse(startup, paths.startup);
    if (startup.kind === "response" && (startup.statusCode === 200 || startup.statusCode === 503)) {
      const body = parseHealthBody(paths.startup, startup.body, StartupBody);
      if (!body.ok) {
        facts.findings.push({ status: "critical", reason: body.reason });
      } else {
        if (body.value.version) facts.version = body.value.version;
        if (facts.uptimeMs === null && body.value.uptimeMs !== undefined) facts.uptimeMs = body.value.uptimeMs;
        if (!body.value.ok && facts.ready !== false) {
          facts.findings.push({ status: "warning", reason: `starting: ${body.value.pendingReason ?? body.value.status}` });
        }
      }
    } else if (failed) {
      facts.findings.push(failed);
    }
  }
  return facts;
}

function stripUndefined(r: Resources): Resources {
  const out: Resources = {};
  if (r.cpuPercent !== undefined) out.cpuPercent = r.cpuPercent;
  if (r.memoryPercent !== undefined) out.memoryPercent = r.memoryPercent;
  if (r.diskPercent !== undefined) out.diskPercent = r.diskPercent;
  return out;
}

function factsOf(obs: ProbeObservation, prev: PreviousState): Facts {
  if (obs.check === "openclaw") return factsOfOpenclaw(obs, prev);
  const outcome = obs.check === "http" ? obs.response : obs.connect;
  const finding = obs.check === "http" ? observeResponse(outcome, obs.path) : outcome.kind === "response" ? null : unreachable(outcome);
  return {
    findings: finding ? [finding] : [],
    alive: finding === null || (outcome.kind === "response" && finding.status !== "down"),
    latencyMs: outcome.kind === "response" ? outcome.latencyMs : null,
    version: prev.version,
    uptimeMs: null,
    ready: null,
    resources: {},
  };
}

/**
 * Turn one probe of a target into a status with a reason a person can act on.
 * The worst finding wins; a target with no sign of life for the heartbeat timeout is down.
 */
export function evaluateProbe(obs: ProbeObservation, prev: PreviousState, policy: EvaluationPolicy): Evaluation {
  const facts = factsOf(obs, prev);
  const findings = [...facts.findings];
  if (facts.alive) {
    if (facts.latencyMs !== null) {
      const slow = latencyFinding(facts.latencyMs, policy.thresholds.responseTimeMs);
      if (slow) findings.push(slow);
    }
    findings.push(...resourceFindings(facts.resources, policy.thresholds));
  }

  const failingSince = facts.alive ? null : (prev.failingSince ?? obs.at);
  if (!facts.alive && findings.every((f) => f.status !== "down")) {
    const silentSince = prev.lastOkAt ?? failingSince;
    if (silentSince !== null && obs.at - silentSince >= policy.heartbeatTimeoutMs) {
      const seconds = Math.round(policy.heartbeatTimeoutMs / 1000);
      const last = findings[0]?.reason;
      findings.unshift({ status: "down", reason: `no successful probe for ${seconds} s${last ? ` (last: ${last})` : ""}` });
    }
  }

  let status: TargetStatus = "ok";
  let reason = "healthy";
  for (const f of findings) {
    if (worseStatus(status, f.status) !== status) {
      status = f.status;
      reason = f.reason;
    }
  }

  const restarted = facts.uptimeMs !== null && prev.uptimeMs !== null && facts.uptimeMs < prev.uptimeMs;

  const next: PreviousState = {
    status,
    since: status === prev.status && prev.since !== null ? prev.since : obs.at,
    lastOkAt: facts.alive ? obs.at : prev.lastOkAt,
    failingSince,
    version: facts.version,
    uptimeMs: facts.uptimeMs ?? prev.uptimeMs,
    uptimeAt: facts.uptimeMs !== null ? obs.at : prev.uptimeAt,
  };
  return {
    status,
    reason,
    findings,
    alive: facts.alive,
    latencyMs: facts.latencyMs,
    version: facts.version,
    uptimeMs: facts.uptimeMs,
    ready: facts.ready,
    resources: facts.resources,
    restarted,
    next,
  };
}

/** The observation that stands for "its process ended": the target is down now, without waiting for a probe. */
export function exitObservation(
  check: "openclaw" | "http" | "tcp",
  paths: { live: string; ready?: string | undefined; startup?: string | undefined },
  at: number,
  message: string,
): ProbeObservation {
  const outcome: RequestOutcome = { kind: "exited", message, latencyMs: 0 };
  if (check === "openclaw") return { check, at, live: outcome, paths };
  if (check === "http") return { check, at, response: outcome, path: paths.live };
  return { check, at, connect: outcome };
}

/** Whether the prober should ask /startupz this time: version unknown, or a restart or start-up in progress. */
export function needsStartupProbe(prev: PreviousState, readyUptimeMs: number | null, ready: boolean | null): boolean {
  if (prev.version === null) return true;
  if (ready === false) return true;
  if (readyUptimeMs !== null && prev.uptimeMs !== null && readyUptimeMs < prev.uptimeMs) return true;
  return prev.status === "down" || prev.status === "unknown";
}

export type StatusChange = { from: TargetStatus; to: TargetStatus; reason: string; kind: "status" | "restart" };

/** Events worth storing and pushing: a status transition, or a restart seen through uptime going backwards. */
export function statusChanges(prev: PreviousState, ev: Evaluation): StatusChange[] {
  const out: StatusChange[] = [];
  if (ev.restarted)
    out.push({
      from: prev.status,
      to: ev.status,
      reason: `restarted (uptime went from ${Math.round((prev.uptimeMs ?? 0) / 1000)} s to ${Math.round((ev.uptimeMs ?? 0) / 1000)} s)`,
      kind: "restart",
    });
  if (prev.status !== ev.status) out.push({ from: prev.status, to: ev.status, reason: ev.reason, kind: "status" });
  return out;
}
