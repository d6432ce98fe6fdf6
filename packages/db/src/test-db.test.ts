import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { createTestDatabase, dropStaleTestDatabases } from "./test-db.ts";

const BASE = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

describe("test databases", () => {
  it("carry their creation time, and only stale ones are dropped", async () => {
    const fresh = await createTestDatabase(BASE);
    const name = new URL(fresh.url).pathname.slice(1);
    expect(name).toMatch(/^ops_test_[0-9a-z]{6,}_[0-9a-f]{12}$/);
    const admin = postgres(BASE, { max: 1, onnotice: () => {} });
    const staleName = `ops_test_${(Date.now() - 7 * 3_600_000).toString(36)}_${"ab".repeat(6)}`;
    await admin.unsafe(`CREATE DATABASE "${staleName}"`);
    try {
      const dropped = await dropStaleTestDatabases(BASE);
      expect(dropped).toContain(staleName);
      expect(dropped).not.toContain(name);
      const left = await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname = ${name} OR datname = ${staleName}`;
      expect(left.map((r) => r.datname)).toEqual([name]);
    } finally {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${staleName}"`);
      await admin.end();
      await fresh.drop();
    }
  });
});
