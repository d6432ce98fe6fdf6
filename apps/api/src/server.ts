import { readEnv } from "@ops/config";
import { EventBus, createQueues, createRedis, describeStartupError, guardConnectionRejections, openPlatform } from "@ops/core";
import { buildApp } from "./app.ts";

async function main() {
  const env = readEnv();
  const { config, db } = await openPlatform(env, "api");
  const redis = createRedis(env.REDIS_URL, { name: "openclaw-ops-api" });
  const sub = createRedis(env.REDIS_URL, { name: "openclaw-ops-api-sub" });
  const bus = new EventBus(redis, sub, env.OPS_REDIS_PREFIX);
  const queueConnection = createRedis(env.REDIS_URL, { forQueues: true, name: "openclaw-ops-api-queues" });
  const queues = createQueues(queueConnection, env.OPS_REDIS_PREFIX);
  const app = await buildApp({ env, config, db, redis, bus, queues }, { webDist: env.OPS_WEB_DIST });
  app.addHook("onClose", async () => {
    await queues.close();
    queueConnection.disconnect();
    await db.close();
    redis.disconnect();
    sub.disconnect();
  });
  guardConnectionRejections((msg) => app.log.warn(msg));
  // A wall of dashboards reconnecting at once (an API restart behind a load balancer) must queue, not be reset: Node's
  // default backlog of 511 overflowed at 5,000 sockets (ECONNRESET); the kernel caps it at net.core.somaxconn.
  await app.listen({ host: env.HOST, port: env.PORT, backlog: 4096 });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  process.stderr.write(`${describeStartupError("api", err)}\n`);
  process.exit(1);
});
