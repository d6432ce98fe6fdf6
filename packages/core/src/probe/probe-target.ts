import { hostOf, portOf, type TargetConfig } from "@ops/config";
import {
  livenessOk,
  needsStartupProbe,
  readinessDue,
  type CarriedReadiness,
  type PreviousState,
  type ProbeObservation,
  type RequestOutcome,
  type Resources,
} from "@ops/domain";
import { httpGet, tcpConnect } from "./http-request.ts";

const DEFAULT_PATHS = {
  openclaw: { live: "/healthz", ready: "/readyz", startup: "/startupz" },
  http: { live: "/" },
};

function join(base: string, path: string): string {
  return base.replace(/\/$/, "") + path;
}

function peekReady(o: RequestOutcome | undefined): { uptimeMs: number | null; ready: boolean | null } {
  if (!o || o.kind !== "response") return { uptimeMs: null, ready: null };
  try {
    const body = JSON.parse(o.body) as { uptimeMs?: unknown; ready?: unknown };
    return {
      uptimeMs: typeof body.uptimeMs === "number" ? body.uptimeMs : null,
      ready: typeof body.ready === "boolean" ? body.ready && o.statusCode === 200 : null,
    };
  } catch {
    return { uptimeMs: null, ready: null };
  }
}

/** The paths a target is probed on. */
export function probePaths(target: TargetConfig): { live: string; ready?: string | undefined; startup?: string | undefined } {
  if (target.check === "openclaw") {
    return {
      live: target.probes?.live ?? DEFAULT_PATHS.openclaw.live,
      ready: target.probes ? target.probes.ready : DEFAULT_PATHS.openclaw.ready,
      startup: target.probes ? target.probes.startup : DEFAULT_PATHS.openclaw.startup,
    };
  }
  return { live: target.probes?.live ?? DEFAULT_PATHS.http.live };
}

/**
 * Cycle probes ask an ok, ready gateway's readiness every this many cycles (carrying the last answer between):
 * a half cycle of slack so shard start jitter does not push an ask to the next cycle.
 */
export const READINESS_EVERY_CYCLES = 4;
export function readinessMaxAgeMs(intervalMs: number): number {
  return (READINESS_EVERY_CYCLES - 0.5) * intervalMs;
}

export type ProbeOptions = {
  timeoutMs: number;
  now?: () => number;
  /**
   * How old the last readiness answer of an ok, ready gateway may be before /readyz is asked again (see
   * `readinessDue`). Without it readiness is asked at every probe.
   */
  readinessMaxAgeMs?: number | undefined;
};

/** The last readiness, when the caller knows it (the stored state): carried between asks. */
export type ProbePreviousState = PreviousState & { ready?: boolean | null; resources?: Resources | null };

/**
 * Probe one target the way its check type needs. For an OpenClaw gateway: liveness, then readiness when
 * liveness answered well and readiness is due (`readinessDue`: always, unless the gateway was ok and ready at an
 * answer younger than `readinessMaxAgeMs`; otherwise that answer is carried), and /startupz only when the version
 * is unknown or a (re)start is in progress. A failed liveness decides the status alone, so readiness is not asked.
 */
export async function probeTarget(target: TargetConfig, prev: ProbePreviousState, opts: ProbeOptions): Promise<ProbeObservation> {
  const now = opts.now ?? Date.now;
  const at = now();
  if (target.check === "tcp") {
    const port = portOf(target.baseUrl) ?? 0;
    return { check: "tcp", at, connect: await tcpConnect(hostOf(target.baseUrl), port, opts.timeoutMs) };
  }
  if (target.check === "http") {
    const path = target.probes?.live ?? DEFAULT_PATHS.http.live;
    return { check: "http", at, path, response: await httpGet(join(target.baseUrl, path), opts.timeoutMs) };
  }
  const paths = probePaths(target);
  const live = await httpGet(join(target.baseUrl, paths.live), opts.timeoutMs);
  if (!livenessOk(live, paths.live)) return { check: "openclaw", at, live, paths };
  let ready: RequestOutcome | undefined;
  let carried: CarriedReadiness | undefined;
  if (paths.ready) {
    const lastReady = prev.ready ?? null;
    if (opts.readinessMaxAgeMs === undefined || readinessDue(prev, lastReady, at, opts.readinessMaxAgeMs)) {
      ready = await httpGet(join(target.baseUrl, paths.ready), opts.timeoutMs);
    } else {
      carried = { ready: lastReady === true, resources: prev.resources ?? {} };
    }
  }
  let startup: RequestOutcome | undefined;
  if (paths.startup) {
    const peek = peekReady(ready);
    if (needsStartupProbe(prev, peek.uptimeMs, peek.ready)) startup = await httpGet(join(target.baseUrl, paths.startup), opts.timeoutMs);
  }
  return { check: "openclaw", at, live, ready, startup, paths, ...(carried ? { carried } : {}) };
}
