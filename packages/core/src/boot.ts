import { ConfigError, EnvError, loadConfig, type OpsConfig, type OpsEnv } from "@ops/config";
import { createDb, prepareDatabase, type DbHandle } from "@ops/db";
import { DependencyError, checkPostgres, checkRedis } from "./deps.ts";
import { syncTargets } from "./targets/sync.ts";
import { reconcileConfigSlos } from "./slo/config.ts";
import { systemContext } from "./identity/context.ts";
import { ServiceError } from "./errors.ts";
import { ensureFirstAdmin } from "./identity/users.ts";
import { seedCases } from "./doctor/doctor.ts";

/**
 * What every process does first: read the config, make sure PostgreSQL and Redis answer, bring the
 * schema up to date and mirror fleet.json into the targets table.
 */
export async function openPlatform(env: OpsEnv, processName: string): Promise<{ config: OpsConfig; db: DbHandle }> {
  const config = loadConfig(env.OPS_CONFIG_DIR);
  await checkPostgres(env.DATABASE_URL);
  await checkRedis(env.REDIS_URL);
  await prepareDatabase(env.DATABASE_URL);
  const db = createDb(env.DATABASE_URL, { applicationName: `openclaw-ops-${processName}` });
  await syncTargets(db, config.fleet);
  await reconcileConfigSlos(db, config.monitoring.slos);
  await seedCases(db);
  if (env.OPS_ADMIN_EMAIL && env.OPS_ADMIN_PASSWORD) {
    await ensureFirstAdmin(db, systemContext("bootstrap"), { email: env.OPS_ADMIN_EMAIL, password: env.OPS_ADMIN_PASSWORD }).catch((err: unknown) => {
      // Another process created the same admin a moment earlier.
      if (!(err instanceof ServiceError && err.code === "CONFLICT")) throw err;
    });
  }
  return { config, db };
}

/** A start-up failure in words a person can act on: the known kinds without a stack trace. */
export function describeStartupError(processName: string, err: unknown): string {
  if (err instanceof ServiceError && err.field === "OPS_ADMIN_PASSWORD")
    return `${processName} cannot start: OPS_ADMIN_PASSWORD ${err.message.replace(/^OPS_ADMIN_PASSWORD: /, "")}`;
  if (err instanceof ConfigError || err instanceof DependencyError || err instanceof EnvError) {
    return `${processName} cannot start:\n${err.message}`;
  }
  if ((err as { code?: string }).code === "EADDRINUSE") {
    return `${processName} cannot start: ${(err as Error).message} (set PORT to use another port)`;
  }
  return `${processName} crashed: ${(err as Error).stack ?? String(err)}`;
}
