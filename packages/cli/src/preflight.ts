// Run by the two README commands before anything starts: config, PostgreSQL, Redis, database schema.
// Prints a one-line JSON summary on success; on failure, a message a person can act on and exit 1.
import { ConfigError, EnvError, formatIssue, loadConfig, readEnv, redactUrl } from "@ops/config";
import { DependencyError, checkPostgres, checkRedis, ensureFirstAdmin, firstAdminProblem, systemContext } from "@ops/core";
import { createDb, prepareDatabase } from "@ops/db";
import { passwordChecks } from "@ops/domain";
import { dropStaleTestDatabases } from "@ops/db/test";

const mode = process.argv[2] ?? "start";

try {
  const env = readEnv();
  const config = mode === "start" ? loadConfig(env.OPS_CONFIG_DIR) : null;
  // Before anything is created: a refused OPS_ADMIN_PASSWORD must not leave a new, empty database behind.
  const adminProblem = mode === "start" ? firstAdminProblem({ email: env.OPS_ADMIN_EMAIL, password: env.OPS_ADMIN_PASSWORD }) : null;
  if (adminProblem)
    throw new EnvError(
      `${adminProblem.field} ${adminProblem.message}. Password rules: ${passwordChecks("")
        .map((c) => c.rule.toLowerCase())
        .join("; ")}.`,
    );
  await checkPostgres(env.DATABASE_URL);
  await checkRedis(env.REDIS_URL);
  let created = false;
  if (mode === "test") await dropStaleTestDatabases(env.DATABASE_URL);
  let admin: { created: boolean; email: string; password: string | null } | null = null;
  if (mode === "start") {
    created = (await prepareDatabase(env.DATABASE_URL)).created;
    const db = createDb(env.DATABASE_URL, { max: 1, applicationName: "openclaw-ops-preflight" });
    try {
      admin = await ensureFirstAdmin(db, systemContext("bootstrap"), { email: env.OPS_ADMIN_EMAIL, password: env.OPS_ADMIN_PASSWORD });
    } finally {
      await db.close();
    }
  }
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
      // Printed once by npm start on the terminal, never written to a log file.
      firstAdmin: admin?.created ? { email: admin.email, password: admin.password } : null,
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
