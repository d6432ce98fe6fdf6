import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readEnv } from "@ops/config";
import { openTestStack, until, writeTestConfig } from "@ops/core/test";
import type { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayLike } from "../../../packages/core/test/fake-gateway.ts";
import { pingDeadMansSwitch } from "../src/jobs/watchdog.ts";
import { openRuntime, type WorkerRuntime } from "../src/runtime.ts";
import { installSchedules, startWorkers } from "../src/worker.ts";

let stack: Awaited<ReturnType<typeof openTestStack>>;
let cfg: ReturnType<typeof writeTestConfig>;
let gateway: Awaited<ReturnType<typeof startGatewayLike>>;
let receiver: Server;
let rt: WorkerRuntime;
let workers: Worker[] = [];
const pings: { path: string; at: number }[] = [];
const logs: string[] = [];

beforeAll(async () => {
  stack = await openTestStack();
  gateway = await startGatewayLike();
  // The outside service (Healthchecks.io, a watchdog receiver): a local one here.
  receiver = createServer((req, res) => {
    pings.push({ path: req.url ?? "", at: Date.now() });
    res.end("OK");
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", () => r()));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  cfg = writeTestConfig({
    fleet: (f) => {
      f.targets = [{ name: "agent-0", kind: "agent", check: "openclaw", baseUrl: gateway.baseUrl }] as never;
    },
    monitoring: (m) => {
      Object.assign(m.healthCheck as object, { intervalSeconds: 1, timeoutMs: 500 });
      m.deadMansSwitch = { url: `${base}/ping/secret-uuid`, failUrl: `${base}/ping/secret-uuid/fail`, method: "GET", timeoutMs: 1000 };
    },
  });
  rt = await openRuntime(readEnv({ DATABASE_URL: stack.databaseUrl, REDIS_URL: stack.redisUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: cfg.dir }));
  await installSchedules(rt);
  workers = startWorkers(rt, (m) => logs.push(m));
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await rt?.queues.probes.removeJobScheduler("probe-cycle");
  await rt?.close();
  await gateway?.close();
  receiver?.close();
  await stack?.close();
  cfg?.remove();
});

describe("the dead-man's switch", () => {
  it("is pinged after each probe cycle while probing goes on, and stops when the workers stop", async () => {
    await until(
      "three pings",
      () => pings.filter((p) => p.path === "/ping/secret-uuid").length,
      (n) => n >= 3,
      15_000,
    );
    expect(pings.some((p) => p.path.endsWith("/fail"))).toBe(false);
    await Promise.all(workers.map((w) => w.close()));
    workers = [];
    const stoppedAt = Date.now();
    const before = pings.length;
    // Three intervals without a worker: no ping may arrive (the outside service then raises its alarm).
    await new Promise((r) => setTimeout(r, 3000));
    expect(pings.filter((p) => p.at > stoppedAt + 1500)).toHaveLength(0);
    expect(pings.length - before).toBeLessThanOrEqual(1);
  });

  it("pings the fail URL instead while probing is stalled, and a failed ping logs the host, never the secret path", async () => {
    await rt.db.sql`UPDATE target_state SET checked_at = now() - interval '10 minutes'`;
    const n = pings.length;
    expect(await pingDeadMansSwitch(rt, (m) => logs.push(m), 0)).toBe("fail");
    expect(pings.slice(n).map((p) => p.path)).toEqual(["/ping/secret-uuid/fail"]);

    receiver.close();
    await new Promise((r) => setTimeout(r, 100));
    const logged: string[] = [];
    expect(await pingDeadMansSwitch(rt, (m) => logged.push(m), 0)).toBe("skipped");
    expect(logged.join("\n")).toMatch(/dead-man's switch http:\/\/127\.0\.0\.1:\d+\/… not reached/);
    expect(logged.join("\n")).not.toContain("secret-uuid");
  });
});
