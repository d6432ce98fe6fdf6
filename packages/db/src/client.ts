import postgres from "postgres";

/**
 * One pool per process, one way to the database: postgres.js tagged statements (see docs/architecture.md,
 * "Data access"). The drizzle schema in ./schema is the source of truth for tables, migrations and row types
 * (`Row<typeof table>`, `columns(table)`); its query builder is not used.
 */
export type DbHandle = { sql: postgres.Sql; close: () => Promise<void> };

/**
 * int8 (bigserial ids, counts, sizes) is read as a JavaScript number: every int8 we store is an id, a count or
 * a byte size far below 2^53, and the schema declares them `mode: "number"`, so rows match `Row<T>`.
 */
const INT8_AS_NUMBER = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

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
  const sql = postgres(url, { ...common, max: opts.max ?? 10, types: { int8: INT8_AS_NUMBER } });
  return { sql, close: () => sql.end({ timeout: 5 }) };
}

/** One connection for asking "are you there?": health checks that must not queue behind a busy pool. */
export function createPgProbe(url: string, applicationName: string): postgres.Sql {
  return postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: PG_PROBE_CONNECT_TIMEOUT_SECONDS,
    backoff: pgReconnectBackoff,
    connection: { application_name: applicationName },
  });
}
