import { ConfigError, EnvError, loadConfig, type OpsConfig, type OpsEnv } from "@ops/config";
import { createDb, prepareDatabase, type DbHandle } from "@ops/db";
import { DependencyError, checkPostgres, checkRedis } from "./deps.ts";
import { syncTargets } from "./targets/sync.ts";

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
  return { config, db };
}

/** A start-up failure in words a person can act on: the known kinds without a stack trace. */
export function describeStartupError(processName: string, err: unknown): string {
  if (err instanceof ConfigError || err instanceof DependencyError || err instanceof EnvError) {
    return `${processName} cannot start:\n${err.message}`;
  }
  if ((err as { code?: string }).code === "EADDRINUSE") {
    return `${processName} cannot start: ${(err as Error).message} (set PORT to use another port)`;
  }
  return `${processName} crashed: ${(err as Error).stack ?? String(err)}`;
}
