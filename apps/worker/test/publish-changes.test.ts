import { readEnv } from "@ops/config";
import { EventBus, createRedis, openOutageIncident, type BusFrame } from "@ops/core";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import { refreshPhase, routineEveryCycles } from "@ops/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";
import { runProbeShardJob } from "../src/jobs/probe-shard.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";

// A probe round publishes only what changed: a second identical round sends no `target.update` for the
// targets it probed, and a status change's `target.status` goes out before the incident it is narrated on.

const INTERVAL_SECONDS = 30;
let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let rt: WorkerRuntime;
let sub: ReturnType<typeof createRedis>;
const gateways: Awaited<ReturnType<typeof startGatewayLike>>[] = [];
const frames: BusFrame[] = [];
const firstLatency = new Map<string, number | null>();
const names = ["agent-0", "agent-1"];
const everyCycles = routineEveryCycles(INTERVAL_SECONDS * 1000);
/** A cycle slot in which neither target is due its routine refresh. */
const quietSlot = (() => {
  for (let c = 1_000; ; c++) if (names.every((n) => (c + refreshPhase(n, everyCycles)) % everyCycles !== 0)) return c;
})();

/** Run one shard job now, then wait until a marker published after it (on the same connection) comes back. */
async function round(slot: number): Promise<BusFrame[]> {
  const from = frames.length;
  await runProbeShardJob(rt, { slot, shard: 0, scheduledAt: Date.now(), targets: names });
  const marker = `marker-${slot}-${Date.now()}`;
  await rt.bus.publish({ type: "session.revoked", userId: marker, reason: "test marker" });
  await until(
    `marker of round ${slot}`,
    async () => frames.some((f) => f.type === "session.revoked" && f.userId === marker),
    (seen) => seen,
  );
  return frames.slice(from).filter((f) => f.type !== "session.revoked");
}

beforeAll(async () => {
  stack = await openTestStack();
  for (let i = 0; i < names.length; i++) gateways.push(await startGatewayLike());
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = gateways.map((g, i) => ({ name: names[i], kind: "agent", check: "openclaw", baseUrl: g.baseUrl, restart: { driver: "none" } })) as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: INTERVAL_SECONDS, timeoutMs: 1000, shardSize: 10 });
    },
  });
  sub = createRedis(stack.redisUrl);
  await new EventBus(stack.redis, sub, stack.prefix).subscribe((f) => frames.push(f));
  rt = await openRuntime(readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir }));
});

afterAll(async () => {
  await rt?.close();
  sub?.disconnect();
  for (const g of gateways) await g.close();
  await stack?.close();
  cfg?.remove();
});

describe("a probe cycle publishes what changed", () => {
  it("the first round: every target's unknown → ok goes out as target.status, and nothing is sent twice", async () => {
    const first = await round(quietSlot - everyCycles);
    for (const f of first) if (f.type === "target.status") firstLatency.set(f.target.name, f.target.latencyMs);
    const status = first.flatMap((f) => (f.type === "target.status" ? [`${f.target.name}:${f.event.from}->${f.event.to}`] : []));
    expect(status.sort()).toEqual(["agent-0:unknown->ok", "agent-1:unknown->ok"]);
    const updated = first.flatMap((f) => (f.type === "target.update" ? f.targets.map((t) => t.name) : []));
    expect(updated).toEqual([]);
  });

  it("a second identical round publishes no target.update for the unchanged targets", async () => {
    const second = await round(quietSlot);
    expect(second.filter((f) => f.type === "target.status")).toEqual([]);
    // Only a latency that moved by 50 ms and half may go out off its turn (a loaded test machine can do that).
    const sent = second.flatMap((f) => (f.type === "target.update" ? f.targets : []));
    const moved = (t: { name: string; latencyMs: number | null }) => {
      const before = firstLatency.get(t.name) ?? null;
      return before !== null && t.latencyMs !== null && Math.abs(t.latencyMs - before) >= Math.max(50, before / 2);
    };
    expect(sent.filter((t) => !moved(t)).map((t) => `${t.name}: ${firstLatency.get(t.name)} → ${t.latencyMs} ms`)).toEqual([]);
  });

  it("a target's turn in the rotation sends its routine figures (latency, checked-at)", async () => {
    const due = names.find((n) => (quietSlot + 1 + refreshPhase(n, everyCycles)) % everyCycles === 0);
    const slot = due ? quietSlot + 1 : quietSlot + 1 + ((everyCycles - ((quietSlot + 1 + refreshPhase(names[0]!, everyCycles)) % everyCycles)) % everyCycles);
    const target = due ?? names[0]!;
    const frames = await round(slot);
    const updated = frames.flatMap((f) => (f.type === "target.update" ? f.targets : []));
    expect(updated.map((t) => t.name)).toContain(target);
    expect(updated.find((t) => t.name === target)!.checkedAt).not.toBeNull();
  });

  it("status changes go out before the incident frames they are narrated on, all of them, not one after another", async () => {
    const incidents = new Map<string, number>();
    for (const t of rt.config.fleet.targets) {
      const id = await openOutageIncident(rt.db, t, { reason: "test outage" });
      expect(id).not.toBeNull();
      incidents.set(t.name, id!);
    }
    for (const g of gateways) g.setMode("error");
    const frames = await round(quietSlot + everyCycles);
    const kinds = frames.map((f) =>
      f.type === "target.status" ? `status:${f.target.name}:${f.event.to}` : f.type === "incident.updated" ? `incident:${f.incident.id}` : f.type,
    );
    const statusAt = names.map((n) => kinds.indexOf(`status:${n}:critical`));
    const incidentAt = names.map((n) => kinds.indexOf(`incident:${incidents.get(n)}`));
    expect(Math.min(...statusAt), kinds.join(", ")).toBeGreaterThanOrEqual(0);
    expect(Math.min(...incidentAt), kinds.join(", ")).toBeGreaterThan(Math.max(...statusAt));
  });
});
