// A cycle's probe asks an OpenClaw gateway's /readyz only when liveness answered well and readiness is due
// (readinessDue): between asks the stored readiness and resources are carried, so the board and the status keep
// them; a problem, a status change or an old answer asks again. Real HTTP server, real PostgreSQL.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FleetConfig } from "@ops/config";
import { NEVER_PROBED, type EvaluationPolicy } from "@ops/domain";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { probeTarget } from "../src/probe/probe-target.ts";
import { getTarget } from "../src/targets/queries.ts";
import { loadPreviousStates, recordObservations } from "../src/targets/record.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack } from "../src/testing.ts";

const policy: EvaluationPolicy = {
  thresholds: {
    cpuPercent: { warning: 70, critical: 90 },
    memoryPercent: { warning: 75, critical: 90 },
    diskPercent: { warning: 80, critical: 95 },
    responseTimeMs: { warning: 5000, critical: 15000 },
  },
  heartbeatTimeoutMs: 120_000,
};
const MAX_AGE = 90_000;

let stack: Awaited<ReturnType<typeof openTestStack>>;
let server: http.Server;
let fleet: FleetConfig;
const asked = new Map<string, number>();
let live = true;
let ready = true;
let cpu = 10;
let uptimeMs = 60_000;

beforeAll(async () => {
  stack = await openTestStack();
  server = http.createServer((req, res) => {
    asked.set(req.url!, (asked.get(req.url!) ?? 0) + 1);
    const send = (code: number, body: unknown) => res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/healthz") return live ? send(200, { ok: true, status: "live" }) : send(200, { ok: false, status: "wedged" });
    if (req.url === "/readyz") return send(ready ? 200 : 503, { ready, failing: ready ? [] : ["sidecars"], uptimeMs, resources: { cpuPercent: cpu } });
    if (req.url === "/startupz") return send(200, { ok: true, status: "started", version: "2026.9.6", uptimeMs });
    send(404, {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fleet = FleetConfig.parse({ targets: [{ name: "gw", kind: "agent", check: "openclaw", baseUrl }] });
  await syncTargets(stack.db, fleet);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await stack?.close();
});

beforeEach(() => asked.clear());

/** One cycle's probe of the gateway at `at`, recorded; returns what was asked and the stored view. */
async function cycle(at: number) {
  asked.clear();
  const prev = await loadPreviousStates(stack.db, ["gw"]);
  const obs = await probeTarget(fleet.targets[0]!, prev.get("gw") ?? NEVER_PROBED, { timeoutMs: 2000, now: () => at, readinessMaxAgeMs: MAX_AGE });
  const out = await recordObservations(stack.db, [{ name: "gw", obs }], policy, 30);
  return { asked: Object.fromEntries(asked), view: await getTarget(stack.db, "gw"), events: out.events };
}

describe("readiness between asks", () => {
  const T0 = Date.now();
  it("asks everything on the first probe, then only liveness while ok, ready and the answer is young", async () => {
    const first = await cycle(T0);
    expect(first.asked).toEqual({ "/healthz": 1, "/readyz": 1, "/startupz": 1 });
    expect(first.view?.status).toBe("ok");
    const second = await cycle(T0 + 30_000);
    expect(second.asked).toEqual({ "/healthz": 1 });
    // Carried: the board keeps readiness and resources, not null and empty.
    expect(second.view?.ready).toBe(true);
    expect(second.view?.resources).toEqual({ cpuPercent: 10 });
    expect(second.view?.status).toBe("ok");
    expect((await cycle(T0 + 60_000)).asked).toEqual({ "/healthz": 1 });
  });

  it("asks again once the last answer is as old as the limit, and sees what changed there", async () => {
    cpu = 95;
    const due = await cycle(T0 + 90_000);
    expect(due.asked).toEqual({ "/healthz": 1, "/readyz": 1 });
    expect(due.view?.status).toBe("critical");
    expect(due.view?.resources).toEqual({ cpuPercent: 95 });
    // Not ok any more: readiness is asked at every probe until it is.
    expect((await cycle(T0 + 120_000)).asked).toEqual({ "/healthz": 1, "/readyz": 1 });
    cpu = 10;
    const back = await cycle(T0 + 150_000);
    expect(back.asked).toEqual({ "/healthz": 1, "/readyz": 1 });
    expect(back.view?.status).toBe("ok");
    expect((await cycle(T0 + 180_000)).asked).toEqual({ "/healthz": 1 });
  });

  it("a failed liveness asks nothing more; the comeback asks readiness and start-up and sees the restart", async () => {
    live = false;
    const wedged = await cycle(T0 + 210_000);
    expect(wedged.asked).toEqual({ "/healthz": 1 });
    expect(wedged.view?.status).toBe("critical");
    live = true;
    uptimeMs = 5_000;
    const back = await cycle(T0 + 240_000);
    expect(back.asked).toEqual({ "/healthz": 1, "/readyz": 1, "/startupz": 1 });
    expect(back.view?.status).toBe("ok");
    expect(back.events.map((e) => e.kind)).toContain("restart");
  });

  it("not ready is asked at every probe until ready", async () => {
    ready = false;
    await cycle(T0 + 270_000); // carried ready (answer 30 s old): the ask comes with the age limit or a problem
    const due = await cycle(T0 + 240_000 + MAX_AGE);
    expect(due.asked["/readyz"]).toBe(1);
    expect(due.view?.status).toBe("warning");
    expect(due.view?.ready).toBe(false);
    expect((await cycle(T0 + 240_000 + MAX_AGE + 30_000)).asked["/readyz"]).toBe(1);
    ready = true;
    expect((await cycle(T0 + 240_000 + MAX_AGE + 60_000)).view?.ready).toBe(true);
    expect((await cycle(T0 + 240_000 + MAX_AGE + 90_000)).asked).toEqual({ "/healthz": 1 });
  });

  it("without a limit (a probe outside the cycle) readiness is asked every time", async () => {
    const prev = await loadPreviousStates(stack.db, ["gw"]);
    asked.clear();
    await probeTarget(fleet.targets[0]!, prev.get("gw")!, { timeoutMs: 2000 });
    expect(asked.get("/readyz")).toBe(1);
  });
});
