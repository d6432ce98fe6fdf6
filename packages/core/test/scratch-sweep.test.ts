import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { scratchCreatedAt, sweepScratchDatabases } from "../src/backups/backups.ts";

const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const admin = postgres(url.replace(/\/[^/?]*(\?|$)/, "/postgres$1"), { max: 1, onnotice: () => {} });
const made: string[] = [];
const scratch = async (ageMs: number) => {
  const name = `ops_scratch_${(Date.now() - ageMs).toString(36)}_${randomBytes(3).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  made.push(name);
  return name;
};
const exists = async (name: string) => (await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`).length === 1;

afterAll(async () => {
  for (const n of made) await admin.unsafe(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
  await admin.end({ timeout: 5 });
});

/** Issue 13, finding 11: a verification killed mid-restore must not leak its scratch database for good. */
describe("scratch databases left behind", () => {
  it("reads the creation time from the name, and nothing from other names", () => {
    expect(scratchCreatedAt(`ops_scratch_${(1_700_000_000_000).toString(36)}_a1b2c3`)).toBe(1_700_000_000_000);
    expect(scratchCreatedAt("openclaw_ops")).toBeNull();
    expect(scratchCreatedAt("ops_scratch_")).toBeNull();
  });

  it("are dropped once over an hour old; a recent one (a verification still running) is kept", async () => {
    const old = await scratch(2 * 3_600_000);
    const recent = await scratch(60_000);
    const swept = await sweepScratchDatabases(url);
    expect(swept).toContain(old);
    expect(swept).not.toContain(recent);
    expect(await exists(old)).toBe(false);
    expect(await exists(recent)).toBe(true);
  });
});
