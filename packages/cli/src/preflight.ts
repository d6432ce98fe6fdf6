// Run by the two README commands before anything starts: config, PostgreSQL, Redis, database schema.
// Prints a one-line JSON summary on success; on failure, a message a person can act on and exit 1.
import { ConfigError, EnvError, formatIssue, loadConfig, readEnv, redactUrl } from "@ops/config";
import { DependencyError, checkPostgres, checkRedis } from "@ops/core";
import { prepareDatabase } from "@ops/db";

const mode = process.argv[2] ?? "start";

try {
  const env = readEnv();
  const config = mode === "start" ? loadConfig(env.OPS_CONFIG_DIR) : null;
  await checkPostgres(env.DATABASE_URL);
  await checkRedis(env.REDIS_URL);
  let created = false;
  if (mode === "start") created = (await prepareDatabase(env.DATABASE_URL)).created;
  const simulated = config ? config.fleet.targets.filter((t) => t.enabled && t.restart.driver === "simulator" && t.check === "openclaw").length : 0;
  process.stdout.write(
    JSON.stringify({
      ok: true,
      database: redactUrl(env.DATABASE_URL),
      databaseCreated: created,
      redis: redactUrl(env.REDIS_URL),
      configDir: env.OPS_CONFIG_DIR,
      port: env.PORT,
      simulated,
      simulatorUrl: config?.fleet.simulator.controlUrl ?? null,
      targets: config?.fleet.targets.filter((t) => t.enabled).length ?? 0,
    }) + "\n",
  );
  process.exit(0);
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`configuration problems:\n${err.issues.map((i) => `  ${formatIssue(i)}`).join("\n")}\n`);
  } else if (err instanceof DependencyError || err instanceof EnvError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`preflight failed: ${(err as Error).message}\n`);
  }
  process.exit(1);
}
