import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { loadConfig, readEnv, type FleetConfig } from "@ops/config";
import { EventBus, createApiToken, createQueues, createRedis, createUser, resolveApiToken, syncTargets, systemContext } from "@ops/core";
import type { Role } from "@ops/domain";
import { openTestStack, writeTestConfig } from "@ops/core/test";
import { WebSocket } from "ws";
import { buildApp } from "../src/app.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

type TestStack = Awaited<ReturnType<typeof openTestStack>>;

/**
 * A real API on a random port over a database and Redis prefix of its own. With `peerOf`, a second API
 * process over the other's database and Redis prefix (as when several run behind a load balancer).
 */
export async function startApi(
  opts: { withDashboard?: boolean; logLines?: string[]; fleet?: (f: FleetConfig) => void; env?: Record<string, string>; peerOf?: { stack: TestStack } } = {},
) {
  const stack = opts.peerOf?.stack ?? (await openTestStack());
  const cfg = writeTestConfig(opts.fleet ? { fleet: opts.fleet } : {});
  const config = loadConfig(cfg.dir);
  if (!opts.peerOf) await syncTargets(stack.db, config.fleet);
  const env = readEnv({
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    OPS_REDIS_PREFIX: stack.prefix,
    OPS_CONFIG_DIR: cfg.dir,
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  let webDist: string | undefined;
  if (opts.withDashboard) {
    webDist = mkdtempSync(join(tmpdir(), "ops-web-"));
    mkdirSync(join(webDist, "assets"));
    writeFileSync(join(webDist, "index.html"), "<!doctype html><title>OpenClaw Ops</title><div id=root></div>");
    writeFileSync(join(webDist, "assets", "app.js"), "console.log(1)");
  } else {
    webDist = join(tmpdir(), "ops-no-dashboard-here");
  }
  const pub = createRedis(env.REDIS_URL);
  const sub = createRedis(env.REDIS_URL);
  const bus = new EventBus(pub, sub, env.OPS_REDIS_PREFIX);
  const logger = opts.logLines ? { level: "info", stream: { write: (line: string) => void opts.logLines!.push(line) } } : false;
  const queues = createQueues(stack.redis, env.OPS_REDIS_PREFIX);
  const app = await buildApp({ env, config, db: stack.db, redis: pub, bus, queues }, { logger, webDist });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  // The origin a browser would send: the configured public URL, else the address the API listens on.
  const origin = opts.env?.OPS_PUBLIC_URL ? new URL(opts.env.OPS_PUBLIC_URL.split(",")[0]!).origin : base;
  let n = 0;
  /** A user with these roles, signed in through the real login route; returns its cookie header. */
  const signIn = async (roles: Role[], password = "a long test password 1") => {
    const email = `user${++n}-${roles.join("-") || "none"}@test.local`;
    const { user } = await createUser(stack.db, systemContext("test"), { email, displayName: email, roles }, password);
    const res = await fetch(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    return { user, email, password, cookie, headers: { cookie, origin } as Record<string, string> };
  };
  /** An API token with these roles, created by a user holding them. */
  /** With `member`, an admin creates it bound to that governance member (an agent of the triad). */
  const tokenFor = async (roles: Role[], member?: string) => {
    const email = `tokenowner${++n}@test.local`;
    // An admin may grant any role, so a member-bound token's owner is an admin only (not a governance member itself).
    const owner: Role[] = member ? ["admin"] : [...new Set<Role>([...roles, "oncall"])];
    const { user } = await createUser(stack.db, systemContext("test"), { email, displayName: email, roles: owner }, "a long test password 1");
    const ctx = { actor: { type: "user" as const, id: user.id, label: email, roles: owner, sessionHash: null }, ip: null, userAgent: null, requestId: null };
    const { secret } = await createApiToken(stack.db, ctx, { name: `t${n}`, roles, member });
    if (!(await resolveApiToken(stack.db, secret))) throw new Error("token does not resolve");
    return { secret, user, headers: { authorization: `Bearer ${secret}` } as Record<string, string> };
  };
  /** One JSON call with a caller's headers: status, parsed body (or {} when it is not JSON), raw text and headers. */
  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json = {};
    try {
      json = JSON.parse(text) as Json;
    } catch {}
    return { status: res.status, json, text, headers: res.headers };
  };
  return {
    app,
    stack,
    config,
    bus,
    queues,
    base,
    origin,
    call,
    signIn,
    tokenFor,
    ws: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await app.close();
      await queues.close();
      pub.disconnect();
      sub.disconnect();
      if (!opts.peerOf) await stack.close();
      cfg.remove();
      if (opts.withDashboard && webDist) rmSync(webDist, { recursive: true, force: true });
    },
  };
}

/** A WebSocket client that collects frames and can wait for one matching a predicate. */
export async function connect(url: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  const waiters: { pred: (f: Record<string, unknown>) => boolean; resolve: (f: Record<string, unknown>) => void }[] = [];
  socket.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.pred(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  return {
    socket,
    frames,
    next(pred: (f: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
      const found = frames.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => f.type))}`)), timeoutMs);
        waiters.push({ pred, resolve: (f) => (clearTimeout(t), resolve(f)) });
      });
    },
    close: () => socket.close(),
  };
}
