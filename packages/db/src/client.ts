import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Db = PostgresJsDatabase<typeof schema>;
/**
 * `db` is drizzle for typed queries; `sql` is postgres.js for batch statements (jsonb_to_recordset, partitions).
 * They are separate pools because drizzle replaces the client's date and json (de)serializers with pass-throughs,
 * which would change what raw queries on a shared client send and return.
 */
export type DbHandle = { db: Db; sql: postgres.Sql; close: () => Promise<void> };

/**
 * Reconnects are retried within half a second instead of postgres.js's default backoff (3^n / 100 s, up to
 * 20 s), which left requests queued for half a minute during an outage and kept a recovered server unnoticed
 * for 14 s. A pool's connection attempt may take up to 10 s (a machine under heavy load forks backends
 * slowly; 2 s was suspected of starving a busy worker at start); the API's gate asks on a connection of its
 * own that gives up after 2 s, so requests still fail fast while PostgreSQL is away.
 */
export const PG_CONNECT_TIMEOUT_SECONDS = 10;
export const PG_PROBE_CONNECT_TIMEOUT_SECONDS = 2;
export const pgReconnectBackoff = (retries: number): number => Math.min(0.05 * retries, 0.5);

export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): DbHandle {
  const common = {
    onnotice: () => {},
    connection: { application_name: opts.applicationName ?? "openclaw-ops" },
    connect_timeout: PG_CONNECT_TIMEOUT_SECONDS,
    backoff: pgReconnectBackoff,
  };
  const drizzleClient = postgres(url, { ...common, max: opts.max ?? 8 });
  const sql = postgres(url, { ...common, max: opts.max ?? 8 });
  const db = drizzle(drizzleClient, { schema, casing: "snake_case" });
  return {
    db,
    sql,
    close: async () => {
      await Promise.all([drizzleClient.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
    },
  };
}

/** One connection for asking "are you there?": health checks that must not queue behind a busy pool. */
export function createPgProbe(url: string, applicationName: string): postgres.Sql {
  return postgres(url, { max: 1, onnotice: () => {}, connect_timeout: PG_PROBE_CONNECT_TIMEOUT_SECONDS, backoff: pgReconnectBackoff, connection: { application_name: applicationName } });
}
