import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayLog } from "./gateway-log.ts";
import type { Metrics } from "./metrics.ts";
import type { Fault } from "./types.ts";

export const GATEWAY_VERSION = "2026.9.6";

export type AgentRuntime = {
  name: string;
  ready: boolean;
  fault: Fault | null;
  degradedSince: number | null;
  readMemoryPercent: (() => number) | null;
  hung: Set<{ req: IncomingMessage; res: ServerResponse }>;
};

type ProbeKind = "live" | "ready" | "startup";

const PROBES: Record<string, ProbeKind> = {
  "/healthz": "live",
  "/health": "live",
  "/readyz": "ready",
  "/ready": "ready",
  "/startupz": "startup",
  "/startup": "startup",
};

const HOME_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>OpenClaw Control</title></head><body><div id="app">OpenClaw Control UI (simulated)</div></body></html>\n`;

function readUptimeMs(): number {
  return Math.round(process.uptime() * 1000);
}

function sendBody(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store" });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendBody(res, status, "application/json; charset=utf-8", JSON.stringify(body));
}

function buildProbeBody(kind: ProbeKind, rt: AgentRuntime, metrics: Metrics): { status: number; body: unknown } {
  const uptimeMs = readUptimeMs();
  if (kind === "live") return { status: 200, body: { ok: true, status: "live" } };
  if (kind === "startup") {
    return rt.ready
      ? { status: 200, body: { ok: true, status: "started", version: GATEWAY_VERSION, uptimeMs } }
      : { status: 503, body: { ok: false, status: "starting", version: GATEWAY_VERSION, uptimeMs, pendingReason: "startup-sidecars" } };
  }
  const body = {
    ready: rt.ready,
    failing: rt.ready ? [] : ["startup-sidecars"],
    uptimeMs,
    eventLoop: metrics.readEventLoop(rt.degradedSince),
    resources: metrics.readResources(rt.readMemoryPercent ? rt.readMemoryPercent() : null),
  };
  return { status: rt.ready ? 200 : 503, body };
}

/** The gateway's unauthenticated HTTP surface, bent by the current fault. */
export function createProbeHandler(rt: AgentRuntime, metrics: Metrics, log: GatewayLog) {
  let lastErrorLogAt = 0;

  function logThrottled(message: string): void {
    if (Date.now() - lastErrorLogAt < 1000) return;
    lastErrorLogAt = Date.now();
    log.write("ERROR", "gateway", message);
  }

  function respond(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("allow", "GET, HEAD");
      sendBody(res, 405, "text/plain; charset=utf-8", "Method Not Allowed");
      return;
    }
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const kind = PROBES[path];
    if (kind === undefined) {
      if (path === "/" || path === "/status") sendBody(res, 200, "text/html; charset=utf-8", HOME_PAGE);
      else sendBody(res, 404, "text/plain; charset=utf-8", "Not Found");
      return;
    }
    const fault = rt.fault?.kind;
    if (fault === "error") {
      logThrottled(`http handler failed for ${path}: Error: simulated internal error`);
      sendJson(res, 500, { ok: false, error: { code: "INTERNAL_ERROR", message: "internal error while handling probe" } });
      return;
    }
    if (fault === "garbage") {
      // claims JSON, sends something a JSON parser rejects
      sendBody(res, 200, "application/json; charset=utf-8", Buffer.concat([Buffer.from("<html>oops "), randomBytes(24)]));
      return;
    }
    const { status, body } = buildProbeBody(kind, rt, metrics);
    sendJson(res, status, body);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const fault = rt.fault;
    if (fault?.kind === "hang") {
      const entry = { req, res };
      rt.hung.add(entry);
      res.on("close", () => rt.hung.delete(entry));
      return;
    }
    if (fault?.kind === "slow") {
      setTimeout(() => respond(req, res), fault.ms ?? 6000);
      return;
    }
    respond(req, res);
  }

  /** A hang that ends lets the stalled requests through, like an event loop that unblocks. */
  function releaseHung(): void {
    const pending = [...rt.hung];
    rt.hung.clear();
    for (const { req, res } of pending) if (!res.writableEnded && !res.destroyed) handle(req, res);
  }

  return { handle, releaseHung };
}
