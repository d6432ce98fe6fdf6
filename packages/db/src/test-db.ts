import { randomBytes } from "node:crypto";
import { dropDatabase, ensureDatabase, migrateDatabase } from "./migrate.ts";

/** A migrated database of its own for one test run; drop() removes it. */
export async function createTestDatabase(baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres") {
  const u = new URL(baseUrl);
  u.pathname = `/ops_test_${randomBytes(6).toString("hex")}`;
  const url = u.toString();
  await ensureDatabase(url);
  await migrateDatabase(url);
  return { url, drop: () => dropDatabase(url) };
}
