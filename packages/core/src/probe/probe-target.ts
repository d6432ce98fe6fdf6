import { hostOf, portOf, type TargetConfig } from "@ops/config";
import { needsStartupProbe, type PreviousState, type ProbeObservation, type RequestOutcome } from "@ops/domain";
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

export type ProbeOptions = { timeoutMs: number; now?: () => number };

/**
 * Probe one target the way its check type needs. For an OpenClaw gateway: liveness and readiness
 * every time, /startupz only when the version is unknown or a (re)start is in progress.
 */
export async function probeTarget(target: TargetConfig, prev: PreviousState, opts: ProbeOptions): Promise<ProbeObservation> {
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
  const [live, ready] = await Promise.all([
    httpGet(join(target.baseUrl, paths.live), opts.timeoutMs),
    paths.ready ? httpGet(join(target.baseUrl, paths.ready), opts.timeoutMs) : Promise.resolve(undefined),
  ]);
  let startup: RequestOutcome | undefined;
  if (paths.startup && live.kind === "response") {
    const peek = peekReady(ready);
    if (needsStartupProbe(prev, peek.uptimeMs, peek.ready)) startup = await httpGet(join(target.baseUrl, paths.startup), opts.timeoutMs);
  }
  return { check: "openclaw", at, live, ready, startup, paths };
}
