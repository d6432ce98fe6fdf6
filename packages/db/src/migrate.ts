import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";

const MIGRATIONS = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`database name "${name}" must be 1-63 letters, digits, '_' or '-'`);
  return name;
}

function maintenanceUrl(url: string): string {
  const u = new URL(url);
  u.pathname = "/postgres";
  return u.toString();
}

/** Create the database of a URL when it does not exist yet. Returns true when it was created. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const name = databaseName(url);
  const admin = postgres(maintenanceUrl(url), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (rows.length > 0) return false;
    try {
      await admin.unsafe(`CREATE DATABASE "${name}"`);
    } catch (err) {
      if ((err as { code?: string }).code !== "42P04") throw err;
      return false;
    }
    return true;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = postgres(maintenanceUrl(url), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/** Apply the committed SQL migrations; safe to run from several processes at once (drizzle takes a lock per run). */
export async function migrateDatabase(url: string): Promise<void> {
  // One connection, so the advisory lock and the migrator's statements share a session; drizzle's migrator
  // is the only use of drizzle at run time, on a client of its own.
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: "openclaw-ops-migrate" } });
  try {
    await client`SELECT pg_advisory_lock(7262001)`;
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    } finally {
      await client`SELECT pg_advisory_unlock(7262001)`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/** Create the database if it is missing, then bring its schema up to date. */
export async function prepareDatabase(url: string): Promise<{ created: boolean }> {
  const created = await ensureDatabase(url);
  await migrateDatabase(url);
  return { created };
}
