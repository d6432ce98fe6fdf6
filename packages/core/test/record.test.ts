import { FleetConfig } from "@ops/config";
import { NEVER_PROBED, type EvaluationPolicy } from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeTarget } from "../src/probe/probe-target.ts";
import { listEvents, listSamples, getTarget, listTargets } from "../src/targets/queries.ts";
import { loadPreviousStates, recordObservations } from "../src/targets/record.ts";
import { syncTargets } from "../src/targets/sync.ts";
import { openTestStack } from "../src/testing.ts";
import { startGatewayLike } from "./fake-gateway.ts";

const policy: EvaluationPolicy = {
  thresholds: {
    cpuPercent: { warning: 70, critical: 90 },
    memoryPercent: { warning: 75, critical: 90 },
    diskPercent: { warning: 80, critical: 95 },
    responseTimeMs: { warning: 5000, critical: 15000 },
  },
  heartbeatTimeoutMs: 120_000,
};

let stack: Awaited<ReturnType<typeof openTestStack>>;
let gw: Awaited<ReturnType<typeof startGatewayLike>>;
let fleet: FleetConfig;

beforeAll(async () => {
  stack = await openTestStack();
  gw = await startGatewayLike();
  fleet = FleetConfig.parse({
    targets: [
      { name: "alpha", kind: "agent", check: "openclaw", baseUrl: gw.baseUrl },
      { name: "ghost", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9" },
      { name: "pg", kind: "service", check: "tcp", baseUrl: "tcp://127.0.0.1:5432", restart: { driver: "none" } },
      { name: "off", kind: "service", check: "http", baseUrl: "http://127.0.0.1:4000", enabled: false, restart: { driver: "none" } },
    ],
  });
  await syncTargets(stack.db, fleet);
});

afterAll(async () => {
  await gw?.close();
  await stack?.close();
});

async function probeAndRecord(names: string[], at?: number) {
  const prev = await loadPreviousStates(stack.db, names);
  const observations = await Promise.all(
    names.map(async (name) => {
      const t = fleet.targets.find((x) => x.name === name)!;
      const obs = await probeTarget(t, prev.get(name) ?? NEVER_PROBED, { timeoutMs: 1000, now: at ? () => at : undefined });
      return { name, obs };
    }),
  );
  return recordObservations(stack.db, observations, policy, 30);
}

describe("probe, evaluate and record against real PostgreSQL", () => {
  it("starts every target unknown, and shows disabled ones as not monitored", async () => {
    const all = await listTargets(stack.db);
    expect(all.map((t) => t.name)).toEqual(["alpha", "ghost", "pg", "off"]);
    expect(all.every((t) => t.status === "unknown")).toBe(true);
    expect(all.find((t) => t.name === "off")!.reason).toMatch(/not monitored/);
  });

  it("records ok, down and tcp results, with one event per transition (creating the day's partition on demand)", async () => {
    const out = await probeAndRecord(["alpha", "ghost", "pg"]);
    expect(out.skipped).toBe(0);
    const byName = Object.fromEntries(out.updated.map((t) => [t.name, t]));
    expect(byName.alpha).toMatchObject({ status: "ok", version: "2026.9.6", ready: true });
    expect(byName.ghost).toMatchObject({ status: "down", reason: "connection refused" });
    expect(byName.pg!.status).toBe("ok");
    expect(out.events.map((e) => `${e.target}:${e.from}->${e.to}`).sort()).toEqual(["alpha:unknown->ok", "ghost:unknown->down", "pg:unknown->ok"]);
    const again = await probeAndRecord(["alpha", "ghost", "pg"]);
    expect(again.events).toEqual([]);
  });

  it("a bad health body becomes critical with a reason, and nothing stored is lost", async () => {
    gw.setMode("garbage");
    const out = await probeAndRecord(["alpha"]);
    expect(out.updated[0]).toMatchObject({ status: "critical", reason: "/healthz body is not JSON", version: "2026.9.6" });
    expect(out.events[0]).toMatchObject({ target: "alpha", from: "ok", to: "critical" });
    gw.setMode("memory");
    const mem = await probeAndRecord(["alpha"]);
    expect(mem.updated[0]).toMatchObject({ status: "critical", reason: "memory 93 % ≥ 90 %" });
    gw.setMode("ok");
    const back = await probeAndRecord(["alpha"]);
    expect(back.updated[0]!.status).toBe("ok");
    const events = await listEvents(stack.db, { target: "alpha", limit: 10 });
    // critical → critical (another reason) is not a transition: only status changes are events.
    expect(events.map((e) => e.to)).toEqual(["ok", "critical", "ok"]);
  });

  it("an older observation than the stored one is dropped, not applied", async () => {
    const before = await getTarget(stack.db, "alpha");
    const stale = await probeAndRecord(["alpha"], Date.parse(before.checkedAt!) - 60_000);
    expect(stale.skipped).toBe(1);
    expect((await getTarget(stack.db, "alpha")).checkedAt).toBe(before.checkedAt);
  });

  it("two concurrent recorders of the same target store one transition, not two", async () => {
    gw.setMode("error");
    const results = await Promise.all([probeAndRecord(["alpha"]), probeAndRecord(["alpha"])]);
    const transitions = results.flatMap((r) => r.events).filter((e) => e.kind === "status");
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ from: "ok", to: "critical", reason: "HTTP 500 from /healthz" });
    gw.setMode("ok");
    await probeAndRecord(["alpha"]);
  });

  it("a restart is seen through uptime going backwards", async () => {
    await new Promise((r) => setTimeout(r, 30));
    gw.restart();
    const out = await probeAndRecord(["alpha"]);
    expect(out.events.map((e) => e.kind)).toContain("restart");
  });

  it("samples come back downsampled with the worst status per bucket", async () => {
    const from = new Date(Date.now() - 3_600_000);
    const to = new Date(Date.now() + 1000);
    const s = await listSamples(stack.db, "alpha", from, to);
    expect(s.bucketMs).toBe(10_000);
    expect(s.points.length).toBeGreaterThan(0);
    expect(s.points.reduce((n, p) => n + p.count, 0)).toBeGreaterThanOrEqual(6);
    expect(s.points.some((p) => p.status === "critical")).toBe(true);
    await expect(listSamples(stack.db, "nope", from, to)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
