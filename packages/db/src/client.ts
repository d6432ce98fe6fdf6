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

export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): DbHandle {
  const common = { onnotice: () => {}, connection: { application_name: opts.applicationName ?? "openclaw-ops" } };
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
