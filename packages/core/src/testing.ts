import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import { join } from "node:path";
import { DEFAULT_CONFIG_DIR, FleetConfig } from "@ops/config";
import { createDb, type DbHandle } from "@ops/db";
import { createTestDatabase } from "@ops/db/test";
import type { Redis } from "ioredis";
import { createRedis } from "./redis.ts";

/**
 * A database and Redis key prefix of the test run's own: tests share the machine's PostgreSQL and Redis
 * with a running product and with CI, so nothing here touches anything it did not create.
 */
export async function openTestStack(opts: { redisUrl?: string; databaseUrl?: string } = {}) {
  const database = await createTestDatabase(opts.databaseUrl);
  const prefix = `ops-test-${randomBytes(5).toString("hex")}`;
  const redisUrl = opts.redisUrl ?? "redis://127.0.0.1:6379";
  const db: DbHandle = createDb(database.url, { max: 4, applicationName: "openclaw-ops-test" });
  const redis: Redis = createRedis(redisUrl, { forQueues: true, name: "openclaw-ops-test" });
  return {
    databaseUrl: database.url,
    redisUrl,
    prefix,
    db,
    redis,
    async close() {
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await db.close();
      await database.drop();
    },
  };
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) deleted += await redis.del(...keys);
  } while (cursor !== "0");
  return deleted;
}

/** A copy of the shipped config folder with edits, for tests that need other ports or intervals. */
/** Edits change the parsed JSON in place. */
export function writeTestConfig(
  edit: {
    fleet?: (f: FleetConfig) => void;
    monitoring?: (m: Record<string, unknown>) => void;
    governance?: (g: Record<string, unknown>) => void;
    backup?: (b: Record<string, unknown>) => void;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "ops-test-config-"));
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  const rewrite = (file: string, fn?: (json: never) => void) => {
    if (!fn) return;
    const path = join(dir, file);
    const json = JSON.parse(readFileSync(path, "utf8"));
    fn(json as never);
    writeFileSync(path, JSON.stringify(json, null, 2));
  };
  rewrite("fleet.json", edit.fleet);
  rewrite("monitoring-config.json", edit.monitoring);
  rewrite("governance-quorum-rules.json", edit.governance);
  rewrite("backup-config.json", edit.backup);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Poll until a condition holds; the error says what was awaited and the last value seen. */
export async function until<T>(what: string, fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000, pollMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms (last: ${last === undefined ? String(lastErr) : JSON.stringify(last).slice(0, 500)})`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

const handedOut = new Set<number>();

/**
 * A free TCP port on loopback, below Linux's ephemeral range (32768+) and away from the product's own ports:
 * a port the kernel hands out for port 0 (to a test run beside this one, or to an outgoing connection) can be
 * taken between this check and the bind that follows; a random one from 10000–19999 almost never is (the e2e
 * stack's blocks of agent ports live in 20000–31999). Never the same port twice in one process.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 10_000);
    if (handedOut.has(port)) continue;
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) {
      handedOut.add(port);
      return port;
    }
  }
}

/**
 * Probe samples of one target every 30 s over [from, to): every `failEvery`-th one down (null: all ok). For SLO tests;
 * the day partitions must exist (`maintainSamplePartitions`).
 */
export async function insertProbeSamples(sql: DbHandle["sql"], target: string, from: number, to: number, failEvery: number | null): Promise<void> {
  const rows: { target: string; checked_at: Date; status: string; latency_ms: number | null }[] = [];
  let i = 0;
  for (let t = from; t < to; t += 30_000, i++) {
    const down = failEvery !== null && i % failEvery === 0;
    rows.push({ target, checked_at: new Date(t), status: down ? "down" : "ok", latency_ms: down ? null : 120 });
  }
  for (let k = 0; k < rows.length; k += 1000) await sql`INSERT INTO probe_samples ${sql(rows.slice(k, k + 1000))}`;
}

/** Targets the tests can name, on ports nothing answers (their samples are written, never probed). */
const TEST_TARGETS = {
  alpha: { name: "alpha", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9101", restart: { driver: "none" } },
  beta: { name: "beta", kind: "agent", check: "openclaw", baseUrl: "http://127.0.0.1:9102", restart: { driver: "none" } },
  web: { name: "web", kind: "service", check: "http", baseUrl: "http://127.0.0.1:9103", restart: { driver: "none" } },
} as const;

/** A fleet of the named test targets, in that order. */
export function testFleet(...names: (keyof typeof TEST_TARGETS)[]): FleetConfig {
  return FleetConfig.parse({ targets: names.map((n) => TEST_TARGETS[n]) });
}
