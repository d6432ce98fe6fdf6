import { ConfigError, EnvError, loadConfig, readEnv } from "@ops/config";
import { DependencyError, EventBus, checkPostgres, checkRedis, createRedis, syncTargets } from "@ops/core";
import { createDb, prepareDatabase } from "@ops/db";
import { buildApp } from "./app.ts";

async function main() {
  const env = readEnv();
  const config = loadConfig(env.OPS_CONFIG_DIR);
  await checkPostgres(env.DATABASE_URL);
  await checkRedis(env.REDIS_URL);
  await prepareDatabase(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL, { applicationName: "openclaw-ops-api" });
  await syncTargets(db, config.fleet);
  const redis = createRedis(env.REDIS_URL, { name: "openclaw-ops-api" });
  const sub = createRedis(env.REDIS_URL, { name: "openclaw-ops-api-sub" });
  const bus = new EventBus(redis, sub, env.OPS_REDIS_PREFIX);
  const app = await buildApp({ env, config, db, redis, bus }, { webDist: env.OPS_WEB_DIST });
  app.addHook("onClose", async () => {
    await db.close();
    redis.disconnect();
    sub.disconnect();
  });
  await app.listen({ host: env.HOST, port: env.PORT });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DependencyError || err instanceof EnvError) {
    process.stderr.write(`api cannot start:\n${err.message}\n`);
  } else if ((err as { code?: string }).code === "EADDRINUSE") {
    process.stderr.write(`api cannot start: ${(err as Error).message} (set PORT to use another port)\n`);
  } else {
    process.stderr.write(`api crashed: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exit(1);
});
