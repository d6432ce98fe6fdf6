import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { dropDatabase, ensureDatabase, migrateDatabase } from "./migrate.ts";

const TEST_DB = /^ops_test_([0-9a-z]{6,})_[0-9a-f]{12}$/;

/** A migrated database of its own for one test run; drop() removes it. */
export async function createTestDatabase(baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres") {
  const u = new URL(baseUrl);
  // The creation time is in the name, so a run that was killed before dropping it can be cleaned up later.
  u.pathname = `/ops_test_${Date.now().toString(36)}_${randomBytes(6).toString("hex")}`;
  const url = u.toString();
  await ensureDatabase(url);
  await migrateDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}

/** Drop test databases left by runs that were killed, once they are older than any run could be. */
export async function dropStaleTestDatabases(baseUrl: string, olderThanMs = 6 * 3_600_000, now = Date.now()): Promise<string[]> {
  const u = new URL(baseUrl);
  u.pathname = "/postgres";
  const sql = postgres(u.toString(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname LIKE 'ops_test_%'`;
    const stale = rows
      .map((r) => r.datname)
      .filter((name) => {
        const m = TEST_DB.exec(name);
        return m !== null && now - parseInt(m[1]!, 36) > olderThanMs;
      });
    for (const name of stale) await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    return stale;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
