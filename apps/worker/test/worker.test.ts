import { readEnv } from "@ops/config";
import { EventBus, createRedis, getTarget, listEvents, metricsKey, type BusFrame } from "@ops/core";
import { deleteKeys, openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { installSchedules, startWorkers } from "../src/worker.ts";
import { keepSchedules } from "../src/schedules.ts";
import { runProbeShardJob } from "../src/jobs/probe-shard.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
const gateways: Awaited<ReturnType<typeof startGatewayLike>>[] = [];
const runtimes: { rt: WorkerRuntime; workers: Worker[]; stopKeeping: () => void }[] = [];
const logs: string[] = [];
const frames: BusFrame[] = [];
let sub: ReturnType<typeof createRedis>;

beforeAll(async () => {
  stack = await openTestStack();
  for (let i = 0; i < 3; i++) gateways.push(await startGatewayLike());
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = gateways.map((g, i) => ({ name: `agent-${i}`, kind: "agent", check: "openclaw", baseUrl: g.baseUrl })) as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 1, timeoutMs: 500, shardSize: 2 });
      m.heartbeatTimeoutSeconds = 3;
    },
  });
  const env = readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir });
  sub = createRedis(stack.redisUrl);
  await new EventBus(stack.redis, sub, stack.prefix).subscribe((f) => frames.push(f));
  // Two workers against one Redis and one database, as two processes would be.
  for (let i = 0; i < 2; i++) {
    const rt = await openRuntime(env);
    await installSchedules(rt);
    runtimes.push({ rt, workers: startWorkers(rt, () => {}), stopKeeping: keepSchedules(rt, (m) => logs.push(m), 1000) });
  }
});

afterAll(async () => {
  for (const { rt, workers, stopKeeping } of runtimes) {
    stopKeeping();
    await Promise.all(workers.map((w) => w.close()));
    await rt.queues.probes.removeJobScheduler("probe-cycle");
    await rt.close();
  }
  sub?.disconnect();
  for (const g of gateways) await g.close();
  await stack?.close();
  cfg?.remove();
});

describe("the probe scheduler with two workers", () => {
  it("brings every target to ok", async () => {
    for (const name of ["agent-0", "agent-1", "agent-2"]) {
      const t = await until(
        `${name}`,
        () => getTarget(stack.db, name),
        (t) => t.status === "ok",
      );
      expect(t.version).toBe("2026.9.6");
    }
  });

  it("sees a failing target within a cycle and a silent one go down after the heartbeat timeout", async () => {
    gateways[1]!.setMode("error");
    const critical = await until(
      "agent-1",
      () => getTarget(stack.db, "agent-1"),
      (t) => t.status === "critical",
      5000,
    );
    expect(critical.reason).toBe("HTTP 500 from /healthz");
    gateways[2]!.setMode("hang");
    const timedOut = await until(
      "agent-2",
      () => getTarget(stack.db, "agent-2"),
      (t) => t.status === "critical",
      5000,
    );
    expect(timedOut.reason).toMatch(/^timeout after \d+ ms/);
    const down = await until(
      "agent-2",
      () => getTarget(stack.db, "agent-2"),
      (t) => t.status === "down",
      8000,
    );
    expect(down.reason).toMatch(/^no successful probe for 3 s/);
    gateways[1]!.setMode("ok");
    gateways[2]!.setMode("ok");
    await until(
      "agent-2",
      () => getTarget(stack.db, "agent-2"),
      (t) => t.status === "ok",
      8000,
    );
  });

  it("publishes transitions on the bus and stores them once", async () => {
    const pushedFor = (name: string) => frames.flatMap((f) => (f.type === "target.status" && f.target.name === name ? [`${f.event.from}->${f.event.to}`] : []));
    // The test before waits for agent-2 only: agent-1's recovery may still be on its way to the store and the bus.
    const path = await until(
      "agent-1 back to ok, stored and pushed",
      async () => (await listEvents(stack.db, { target: "agent-1", limit: 10 })).map((e) => `${e.from}->${e.to}`).reverse(),
      (p) => /->ok$/.test(p.at(-1) ?? "") && pushedFor("agent-1").length >= p.length,
      8000,
    );
    expect(path.slice(0, 2)).toEqual(["unknown->ok", "ok->critical"]);
    expect(pushedFor("agent-1")).toEqual(path);
    expect(frames.some((f) => f.type === "target.update")).toBe(true);
  });

  it("runs each shard of each cycle once across both workers, on time", async () => {
    const key = metricsKey(stack.prefix, "probe-shards");
    const entries = (await stack.redis.lrange(key, 0, -1)).map(
      (s) => JSON.parse(s) as { slot: number; shard: number; pid: number; startedAt: number; scheduledAt: number },
    );
    const ids = entries.map((e) => `${e.slot}:${e.shard}`);
    expect(new Set(ids).size).toBe(ids.length);
    const slots = new Set(entries.map((e) => e.slot));
    expect(slots.size).toBeGreaterThanOrEqual(3);
    for (const e of entries) expect(e.startedAt - e.scheduledAt).toBeLessThan(2000);
  });
});

describe("watching the watcher", () => {
  it("Redis forgets every key (restarted empty): the workers re-install the schedules by themselves and a new fault is seen", async () => {
    const { rt } = runtimes[0]!;
    expect(await rt.queues.probes.getJobScheduler("probe-cycle")).toBeTruthy();
    const deleted = await deleteKeys(stack.redis, stack.prefix);
    expect(deleted).toBeGreaterThan(0);
    expect(await rt.queues.probes.getJobScheduler("probe-cycle")).toBeFalsy();
    const lostAt = Date.now();
    gateways[0]!.setMode("error");
    const seen = await until(
      "agent-0 critical after Redis lost its keys",
      () => getTarget(stack.db, "agent-0"),
      (t) => t.status === "critical",
      20_000,
    );
    expect(seen.reason).toBe("HTTP 500 from /healthz");
    console.log(`[watch] schedules back and the fault seen ${Date.now() - lostAt} ms after Redis lost its keys`);
    expect(await rt.queues.probes.getJobScheduler("probe-cycle")).toBeTruthy();
    expect(logs.some((l) => /schedules re-asserted: .*probe-cycle.*missing/.test(l))).toBe(true);
    gateways[0]!.setMode("ok");
    await until(
      "agent-0 ok",
      () => getTarget(stack.db, "agent-0"),
      (t) => t.status === "ok",
      8000,
    );
  });
});

describe("a machine too busy to start jobs on time", () => {
  it("a late shard job is shed while the shard was probed lately, and runs when it was not: probing never starves", async () => {
    const { rt } = runtimes[0]!;
    // A shard index no scheduled cycle uses, so the workers running beside this test do not touch its mark.
    const shard = 7;
    const late = (slot: number) => ({ slot, shard, scheduledAt: Date.now() - 60_000, targets: ["agent-0"] });
    await rt.redis.del(`${stack.prefix}:probe-shard-ran:${shard}`);
    const first = await runProbeShardJob(rt, late(1));
    expect(first.probed).toBe(1);
    const second = await runProbeShardJob(rt, late(2));
    expect(second.probed).toBe(0);
    // Two intervals (1 s each here) later with no run of it in between, a late job runs again.
    await new Promise((r) => setTimeout(r, 2100));
    expect((await runProbeShardJob(rt, late(3))).probed).toBe(1);
  });
});
