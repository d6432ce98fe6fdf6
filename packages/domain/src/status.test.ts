import { describe, expect, it } from "vitest";
import {
  NEVER_PROBED,
  evaluateProbe,
  latencyFinding,
  needsStartupProbe,
  livenessOk,
  parseHealthBody,
  readinessDue,
  resourceFindings,
  statusChanges,
  worseStatus,
  type EvaluationPolicy,
  type PreviousState,
  type ProbeObservation,
  type RequestOutcome,
} from "./status.ts";
import { z } from "zod";

const policy: EvaluationPolicy = {
  thresholds: {
    cpuPercent: { warning: 70, critical: 90 },
    memoryPercent: { warning: 75, critical: 90 },
    diskPercent: { warning: 80, critical: 95 },
    responseTimeMs: { warning: 5000, critical: 15000 },
  },
  heartbeatTimeoutMs: 120_000,
};

const T0 = Date.parse("2026-11-23T12:00:00Z");
const PATHS = { live: "/healthz", ready: "/readyz", startup: "/startupz" };

const res = (statusCode: number, body: unknown, latencyMs = 12): RequestOutcome => ({
  kind: "response",
  statusCode,
  body: typeof body === "string" ? body : JSON.stringify(body),
  latencyMs,
});
const fail = (kind: "refused" | "timeout" | "reset" | "dns" | "error", latencyMs = 3, message: string = kind): RequestOutcome => ({ kind, message, latencyMs });

const LIVE = res(200, { ok: true, status: "live" });
const readyBody = (over: Record<string, unknown> = {}) => ({
  ready: true,
  failing: [],
  uptimeMs: 60_000,
  eventLoop: { degraded: false, degradedSinceMs: null, reasons: [], intervalMs: 1000, delayP99Ms: 12, delayMaxMs: 20 },
  ...over,
});
const READY = res(200, readyBody());
const STARTUP = res(200, { ok: true, status: "started", version: "2026.9.6", uptimeMs: 60_010 });

function gw(live: RequestOutcome, ready?: RequestOutcome, startup?: RequestOutcome, at = T0): ProbeObservation {
  return { check: "openclaw", at, live, ready, startup, paths: PATHS };
}

const okPrev: PreviousState = {
  status: "ok",
  since: T0 - 600_000,
  lastOkAt: T0 - 30_000,
  failingSince: null,
  version: "2026.9.6",
  uptimeMs: 30_000,
  uptimeAt: T0 - 30_000,
};

describe("evaluateProbe: OpenClaw gateway surface", () => {
  const cases: { name: string; obs: ProbeObservation; prev?: PreviousState; status: string; reason: string | RegExp }[] = [
    { name: "healthy gateway", obs: gw(LIVE, READY, STARTUP), status: "ok", reason: "healthy" },
    { name: "connection refused is down at once", obs: gw(fail("refused")), status: "down", reason: "connection refused" },
    { name: "unknown host is down", obs: gw(fail("dns", 1, "agent.invalid")), status: "down", reason: "host not found (agent.invalid)" },
    {
      name: "timeout is critical before the heartbeat runs out",
      obs: gw(fail("timeout", 15000)),
      prev: okPrev,
      status: "critical",
      reason: "timeout after 15000 ms",
    },
    { name: "reset is critical", obs: gw(fail("reset")), prev: okPrev, status: "critical", reason: "connection reset" },
    { name: "HTTP 500 on liveness", obs: gw(res(500, { error: "boom" })), status: "critical", reason: "HTTP 500 from /healthz" },
    { name: "garbage liveness body", obs: gw(res(200, "<html>oops")), status: "critical", reason: "/healthz body is not JSON" },
    { name: "liveness body missing ok", obs: gw(res(200, { status: "live" })), status: "critical", reason: /^\/healthz field ok: / },
    { name: "liveness body with wrong type", obs: gw(res(200, { ok: "yes" })), status: "critical", reason: /^\/healthz field ok: / },
    { name: "liveness ok=false", obs: gw(res(200, { ok: false, status: "dying" })), status: "critical", reason: "/healthz reports ok=false (dying)" },
    {
      name: "starting: readyz 503 with failing sidecars",
      obs: gw(
        LIVE,
        res(503, readyBody({ ready: false, failing: ["startup-sidecars"] })),
        res(503, { ok: false, status: "starting", version: "2026.9.6", uptimeMs: 900, pendingReason: "startup-sidecars" }),
      ),
      status: "warning",
      reason: "not ready: startup-sidecars",
    },
    { name: "readyz 500", obs: gw(LIVE, res(500, "x"), STARTUP), status: "critical", reason: "HTTP 500 from /readyz" },
    { name: "readyz garbage", obs: gw(LIVE, res(200, "]]"), STARTUP), status: "critical", reason: "/readyz body is not JSON" },
    {
      name: "readyz eventLoop.degraded of wrong type",
      obs: gw(LIVE, res(200, readyBody({ eventLoop: { degraded: "no" } })), STARTUP),
      status: "critical",
      reason: /^\/readyz field eventLoop\.degraded: /,
    },
    { name: "readyz timeout", obs: gw(LIVE, fail("timeout", 15000), STARTUP), prev: okPrev, status: "critical", reason: "timeout after 15000 ms on /readyz" },
    {
      name: "event loop degraded",
      obs: gw(LIVE, res(200, readyBody({ eventLoop: { degraded: true, reasons: ["event_loop_delay"], delayP99Ms: 850.4 } })), STARTUP),
      status: "warning",
      reason: "event loop degraded: event_loop_delay, delay p99 850 ms",
    },
    { name: "slow response warning", obs: gw(res(200, { ok: true }, 6200), READY, STARTUP), status: "warning", reason: "response 6200 ms ≥ 5000 ms" },
    { name: "very slow response critical", obs: gw(res(200, { ok: true }, 15000), READY, STARTUP), status: "critical", reason: "response 15000 ms ≥ 15000 ms" },
    {
      name: "memory critical",
      obs: gw(LIVE, res(200, readyBody({ resources: { memoryPercent: 93 } })), STARTUP),
      status: "critical",
      reason: "memory 93 % ≥ 90 %",
    },
    { name: "cpu warning", obs: gw(LIVE, res(200, readyBody({ resources: { cpuPercent: 71.25 } })), STARTUP), status: "warning", reason: "cpu 71.3 % ≥ 70 %" },
    { name: "disk warning", obs: gw(LIVE, res(200, readyBody({ resources: { diskPercent: 80 } })), STARTUP), status: "warning", reason: "disk 80 % ≥ 80 %" },
    {
      name: "resources out of range are a bad payload",
      obs: gw(LIVE, res(200, readyBody({ resources: { memoryPercent: 130 } })), STARTUP),
      status: "critical",
      reason: /^\/readyz field resources\.memoryPercent: /,
    },
    { name: "startupz garbage", obs: gw(LIVE, READY, res(200, "nope")), status: "critical", reason: "/startupz body is not JSON" },
    { name: "startupz 404 (older gateway)", obs: gw(LIVE, READY, res(404, "Not Found")), status: "critical", reason: "HTTP 404 from /startupz" },
    { name: "liveness only (no ready path)", obs: { check: "openclaw", at: T0, live: LIVE, paths: { live: "/healthz" } }, status: "ok", reason: "healthy" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ev = evaluateProbe(c.obs, c.prev ?? NEVER_PROBED, policy);
      expect(ev.status).toBe(c.status);
      if (typeof c.reason === "string") expect(ev.reason).toBe(c.reason);
      else expect(ev.reason).toMatch(c.reason);
    });
  }

  it("the worst finding wins and all findings are kept", () => {
    const ev = evaluateProbe(
      gw(res(200, { ok: true }, 6000), res(200, readyBody({ resources: { memoryPercent: 92, cpuPercent: 75 } })), STARTUP),
      NEVER_PROBED,
      policy,
    );
    expect(ev.status).toBe("critical");
    expect(ev.reason).toBe("memory 92 % ≥ 90 %");
    expect(ev.findings.map((f) => f.status).sort()).toEqual(["critical", "warning", "warning"]);
  });

  it("reads version and uptime, and is ready", () => {
    const ev = evaluateProbe(gw(LIVE, READY, STARTUP), NEVER_PROBED, policy);
    expect(ev.version).toBe("2026.9.6");
    expect(ev.uptimeMs).toBe(60_000);
    expect(ev.ready).toBe(true);
    expect(ev.alive).toBe(true);
    expect(ev.next.lastOkAt).toBe(T0);
  });

  it("keeps the known version when /startupz was not asked", () => {
    const ev = evaluateProbe(gw(LIVE, READY), okPrev, policy);
    expect(ev.version).toBe("2026.9.6");
  });
});

describe("evaluateProbe: the real gateway's responses (OPENCLAW.md §3)", () => {
  const realReady =
    '{"ready":true,"failing":[],"uptimeMs":12054,"eventLoop":{"degraded":false,"degradedSinceMs":null,"reasons":[],"intervalMs":1018.2,"delayP99Ms":29.3,"delayMaxMs":29.3,"utilization":0.588,"cpuCoreRatio":0.642,"cpuBreakdown":{"mainThreadCoreRatio":0.461,"hostUtilization":0.439,"hostCpuCount":2,"workerCoreRatio":0.002,"otherThreadsCoreRatio":0.179}}}';
  const realStartup = '{"ok":true,"status":"started","version":"2026.9.6","uptimeMs":12095}';
  const realLive = '{"ok":true,"status":"live"}';

  it("a ready gateway is ok with its version and uptime", () => {
    const ev = evaluateProbe(gw(res(200, realLive), res(200, realReady), res(200, realStartup)), NEVER_PROBED, policy);
    expect([ev.status, ev.version, ev.uptimeMs, ev.ready]).toEqual(["ok", "2026.9.6", 12054, true]);
    expect(ev.resources).toEqual({});
  });

  it("a starting gateway (healthz 200, readyz and startupz 503) is a warning naming the pending sidecars", () => {
    const ready503 =
      '{"ready":false,"failing":["startup-sidecars"],"uptimeMs":10900,"eventLoop":{"degraded":false,"degradedSinceMs":null,"reasons":[],"intervalMs":1000,"delayP99Ms":40,"delayMaxMs":41}}';
    const startup503 = '{"ok":false,"status":"starting","version":"2026.9.6","uptimeMs":10950,"pendingReason":"startup-sidecars"}';
    const ev = evaluateProbe(gw(res(200, realLive), res(503, ready503), res(503, startup503)), NEVER_PROBED, policy);
    expect([ev.status, ev.reason, ev.version, ev.ready]).toEqual(["warning", "not ready: startup-sidecars", "2026.9.6", false]);
  });

  it("the Control UI's HTML catch-all on a misconfigured probe path is a bad payload", () => {
    const ev = evaluateProbe(gw(res(200, "<!doctype html><title>OpenClaw</title>")), NEVER_PROBED, policy);
    expect([ev.status, ev.reason]).toEqual(["critical", "/healthz body is not JSON"]);
  });
});

describe("evaluateProbe: heartbeat", () => {
  it("a target silent for the heartbeat timeout is down, naming the last failure", () => {
    const prev = { ...okPrev, status: "critical" as const, lastOkAt: T0 - 120_000, failingSince: T0 - 90_000 };
    const ev = evaluateProbe(gw(fail("timeout", 15000)), prev, policy);
    expect(ev.status).toBe("down");
    expect(ev.reason).toBe("no successful probe for 120 s (last: timeout after 15000 ms)");
  });

  it("just under the heartbeat timeout stays critical", () => {
    const prev = { ...okPrev, lastOkAt: T0 - 119_999 };
    expect(evaluateProbe(gw(fail("timeout", 15000)), prev, policy).status).toBe("critical");
  });

  it("a target that never answered counts from its first failure", () => {
    const first = evaluateProbe(gw(res(500, "x")), NEVER_PROBED, policy);
    expect(first.status).toBe("critical");
    expect(first.next.failingSince).toBe(T0);
    const later = evaluateProbe(gw(res(500, "x"), undefined, undefined, T0 + 120_000), first.next, policy);
    expect(later.status).toBe("down");
    expect(later.reason).toMatch(/^no successful probe for 120 s \(last: HTTP 500 from \/healthz\)$/);
  });

  it("an answer resets the failure streak", () => {
    const prev = { ...okPrev, status: "critical" as const, failingSince: T0 - 60_000 };
    const ev = evaluateProbe(gw(LIVE, READY), prev, policy);
    expect(ev.next.failingSince).toBeNull();
    expect(ev.status).toBe("ok");
  });
});

describe("evaluateProbe: since and restarts", () => {
  it("since stays while the status holds and moves when it changes", () => {
    expect(evaluateProbe(gw(LIVE, READY), okPrev, policy).next.since).toBe(okPrev.since);
    expect(evaluateProbe(gw(fail("refused")), okPrev, policy).next.since).toBe(T0);
  });

  it("uptime going backwards is a restart", () => {
    const prev = { ...okPrev, uptimeMs: 600_000 };
    const ev = evaluateProbe(gw(LIVE, res(200, readyBody({ uptimeMs: 4_000 }))), prev, policy);
    expect(ev.restarted).toBe(true);
    const changes = statusChanges(prev, ev);
    expect(changes).toEqual([{ from: "ok", to: "ok", kind: "restart", reason: "restarted (uptime went from 600 s to 4 s)" }]);
  });

  it("uptime growing is not a restart", () => {
    const ev = evaluateProbe(gw(LIVE, res(200, readyBody({ uptimeMs: 60_000 }))), okPrev, policy);
    expect(ev.restarted).toBe(false);
    expect(statusChanges(okPrev, ev)).toEqual([]);
  });

  it("down keeps the last uptime so the comeback is seen as a restart", () => {
    const prev = { ...okPrev, uptimeMs: 600_000 };
    const down = evaluateProbe(gw(fail("refused")), prev, policy);
    expect(down.next.uptimeMs).toBe(600_000);
    const back = evaluateProbe(gw(LIVE, res(200, readyBody({ uptimeMs: 2_000 })), STARTUP, T0 + 30_000), down.next, policy);
    expect(back.restarted).toBe(true);
    expect(statusChanges(down.next, back).map((c) => c.kind)).toEqual(["restart", "status"]);
  });

  it("a status change is one event", () => {
    const ev = evaluateProbe(gw(fail("refused")), okPrev, policy);
    expect(statusChanges(okPrev, ev)).toEqual([{ from: "ok", to: "down", reason: "connection refused", kind: "status" }]);
  });
});

describe("evaluateProbe: http and tcp checks", () => {
  it("http 2xx is ok, other codes critical, refused down", () => {
    const http = (r: RequestOutcome): ProbeObservation => ({ check: "http", at: T0, response: r, path: "/health" });
    expect(evaluateProbe(http(res(200, "fine")), NEVER_PROBED, policy).status).toBe("ok");
    expect(evaluateProbe(http(res(204, "")), NEVER_PROBED, policy).status).toBe("ok");
    const e = evaluateProbe(http(res(502, "bad gateway")), NEVER_PROBED, policy);
    expect([e.status, e.reason]).toEqual(["critical", "HTTP 502 from /health"]);
    expect(evaluateProbe(http(fail("refused")), NEVER_PROBED, policy).status).toBe("down");
    expect(evaluateProbe(http(res(200, "", 7000)), NEVER_PROBED, policy).reason).toBe("response 7000 ms ≥ 5000 ms");
  });

  it("tcp connect is ok, refused down, timeout critical", () => {
    const tcp = (r: RequestOutcome): ProbeObservation => ({ check: "tcp", at: T0, connect: r });
    expect(evaluateProbe(tcp(res(0, "", 1)), NEVER_PROBED, policy).status).toBe("ok");
    expect(evaluateProbe(tcp(fail("refused")), NEVER_PROBED, policy).status).toBe("down");
    expect(evaluateProbe(tcp(fail("timeout", 15000)), okPrev, policy).status).toBe("critical");
  });
});

describe("helpers", () => {
  it("worseStatus orders ok < warning < critical < down, unknown lowest", () => {
    expect(worseStatus("ok", "warning")).toBe("warning");
    expect(worseStatus("down", "critical")).toBe("down");
    expect(worseStatus("unknown", "ok")).toBe("ok");
    expect(worseStatus("critical", "critical")).toBe("critical");
  });

  it("latencyFinding uses ≥ at both levels", () => {
    expect(latencyFinding(4999, policy.thresholds.responseTimeMs)).toBeNull();
    expect(latencyFinding(5000, policy.thresholds.responseTimeMs)?.status).toBe("warning");
    expect(latencyFinding(15000, policy.thresholds.responseTimeMs)?.status).toBe("critical");
  });

  it("resourceFindings reports each resource over its level", () => {
    expect(resourceFindings({ cpuPercent: 69.9, memoryPercent: 74.9, diskPercent: 79.9 }, policy.thresholds)).toEqual([]);
    expect(resourceFindings({ cpuPercent: 90, memoryPercent: 75, diskPercent: 95 }, policy.thresholds).map((f) => f.status)).toEqual([
      "critical",
      "warning",
      "critical",
    ]);
  });

  it("parseHealthBody names the path and the field", () => {
    const schema = z.object({ ok: z.boolean() });
    expect(parseHealthBody("/x", '{"ok":true}', schema)).toEqual({ ok: true, value: { ok: true } });
    expect(parseHealthBody("/x", "nope", schema)).toEqual({ ok: false, reason: "/x body is not JSON" });
    const r = parseHealthBody("/x", '{"ok":1}', schema);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^\/x field ok: /);
    const top = parseHealthBody("/x", "[1]", schema);
    if (!top.ok) expect(top.reason).toMatch(/^\/x field \(body\): /);
  });

  it("needsStartupProbe: unknown version, not ready, uptime backwards, recovering", () => {
    expect(needsStartupProbe(NEVER_PROBED, 10, true)).toBe(true);
    expect(needsStartupProbe(okPrev, 60_000, true)).toBe(false);
    expect(needsStartupProbe(okPrev, 60_000, false)).toBe(true);
    expect(needsStartupProbe(okPrev, 10, true)).toBe(true);
    expect(needsStartupProbe({ ...okPrev, status: "down" }, 60_000, true)).toBe(true);
  });
});

describe("readiness asked only when due (an ok, ready gateway between asks)", () => {
  const MAX = 120_000;
  const cases: { name: string; prev: PreviousState; lastReady: boolean | null; at: number; due: boolean }[] = [
    { name: "ok, ready, answer 30 s old", prev: okPrev, lastReady: true, at: T0, due: false },
    { name: "ok, ready, answer just under the age", prev: { ...okPrev, uptimeAt: T0 - MAX + 1 }, lastReady: true, at: T0, due: false },
    { name: "ok, ready, answer exactly the age", prev: { ...okPrev, uptimeAt: T0 - MAX }, lastReady: true, at: T0, due: true },
    { name: "ok, ready, answer older", prev: { ...okPrev, uptimeAt: T0 - MAX - 30_000 }, lastReady: true, at: T0, due: true },
    { name: "never probed", prev: NEVER_PROBED, lastReady: null, at: T0, due: true },
    { name: "readiness unknown", prev: okPrev, lastReady: null, at: T0, due: true },
    { name: "not ready", prev: okPrev, lastReady: false, at: T0, due: true },
    { name: "no uptime ever reported", prev: { ...okPrev, uptimeAt: null }, lastReady: true, at: T0, due: true },
    { name: "warning", prev: { ...okPrev, status: "warning" }, lastReady: true, at: T0, due: true },
    { name: "critical", prev: { ...okPrev, status: "critical" }, lastReady: true, at: T0, due: true },
    { name: "down", prev: { ...okPrev, status: "down" }, lastReady: true, at: T0, due: true },
    { name: "unknown", prev: { ...okPrev, status: "unknown" }, lastReady: true, at: T0, due: true },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.due ? "asks" : "carries"}`, () => {
      expect(readinessDue(c.prev, c.lastReady, c.at, MAX)).toBe(c.due);
    });
  }

  it("a carried readiness keeps ready and resources, and their findings, without uptime", () => {
    const carried: ProbeObservation = {
      check: "openclaw",
      at: T0,
      live: LIVE,
      paths: PATHS,
      carried: { ready: true, resources: { cpuPercent: 12, diskPercent: 40 } },
    };
    const ev = evaluateProbe(carried, okPrev, policy);
    expect(ev.status).toBe("ok");
    expect(ev.ready).toBe(true);
    expect(ev.resources).toEqual({ cpuPercent: 12, diskPercent: 40 });
    expect(ev.uptimeMs).toBeNull();
    expect(ev.restarted).toBe(false);
    expect(ev.next.uptimeMs).toBe(okPrev.uptimeMs);
    expect(ev.next.uptimeAt).toBe(okPrev.uptimeAt);
    const hot = evaluateProbe({ ...carried, carried: { ready: true, resources: { cpuPercent: 95 } } } as ProbeObservation, okPrev, policy);
    expect(hot.status).toBe("critical");
    expect(hot.reason).toMatch(/^cpu 95 %/);
  });

  it("a fresh answer wins over a carried one, and a failed liveness ignores both", () => {
    const both: ProbeObservation = {
      ...gw(LIVE, res(503, readyBody({ ready: false, failing: ["x"] }))),
      carried: { ready: true, resources: {} },
    } as ProbeObservation;
    expect(evaluateProbe(both, okPrev, policy).ready).toBe(false);
    const down = evaluateProbe(
      { check: "openclaw", at: T0, live: fail("refused"), paths: PATHS, carried: { ready: true, resources: { cpuPercent: 12 } } },
      okPrev,
      policy,
    );
    expect(down.status).toBe("down");
    expect(down.ready).toBeNull();
    expect(down.resources).toEqual({});
  });

  it("livenessOk: only a 200 with ok: true", () => {
    const table: [RequestOutcome, boolean][] = [
      [LIVE, true],
      [res(200, { ok: false, status: "x" }), false],
      [res(200, "<html>"), false],
      [res(200, { status: "live" }), false],
      [res(503, { ok: true }), false],
      [fail("refused"), false],
      [fail("timeout"), false],
    ];
    for (const [live, ok] of table) expect(livenessOk(live, "/healthz")).toBe(ok);
  });

  it("no readiness path: nothing is carried", () => {
    const ev = evaluateProbe(
      { check: "openclaw", at: T0, live: LIVE, paths: { live: "/healthz" }, carried: { ready: true, resources: { cpuPercent: 12 } } },
      okPrev,
      policy,
    );
    expect(ev.ready).toBeNull();
    expect(ev.resources).toEqual({});
  });
});
