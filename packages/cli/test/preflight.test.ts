import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { createDb } from "@ops/db";
import { describe, expect, it } from "vitest";

// `npm start`'s preflight refuses OPS_ADMIN_* with the password rules before it creates anything (issue 17, item 1).
const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function withoutAdmin(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { OPS_ADMIN_EMAIL: _e, OPS_ADMIN_PASSWORD: _p, ...rest } = env;
  return rest;
}

/** Runs the preflight (in parallel with the other cases: each is a Node start-up); its exit status, stdout and stderr. */
async function preflight(env: Record<string, string>): Promise<{ status: number; stdout: string; stderr: string }> {
  const args = ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/preflight.ts"), "start"];
  try {
    const r = await promisify(execFile)(process.execPath, args, { env: { ...withoutAdmin(process.env), ...env }, encoding: "utf8", timeout: 60_000 });
    return { status: 0, ...r };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { status: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function databaseExists(name: string): Promise<boolean> {
  const db = createDb(admin, { max: 1 });
  try {
    return (await db.sql`SELECT 1 FROM pg_database WHERE datname = ${name}`).length > 0;
  } finally {
    await db.close();
  }
}

describe.concurrent("preflight: OPS_ADMIN_EMAIL / OPS_ADMIN_PASSWORD", () => {
  it.each([
    [{ OPS_ADMIN_EMAIL: "dana@ops.example", OPS_ADMIN_PASSWORD: "dana-rocks-2026" }, "OPS_ADMIN_PASSWORD must not contain your email name"],
    [{ OPS_ADMIN_EMAIL: "dana@ops.example", OPS_ADMIN_PASSWORD: "short" }, "OPS_ADMIN_PASSWORD must be at least 12 characters"],
    [{ OPS_ADMIN_EMAIL: "dana@ops.example" }, "OPS_ADMIN_PASSWORD is required when OPS_ADMIN_EMAIL is set"],
    [{ OPS_ADMIN_PASSWORD: "correct horse battery" }, "OPS_ADMIN_EMAIL is required when OPS_ADMIN_PASSWORD is set"],
  ])("%j is refused before the database is created", async (given, message) => {
    const name = `ops_scratch_preflight_${randomBytes(4).toString("hex")}`;
    const url = admin.replace(/\/[^/]*$/, `/${name}`);
    const r = await preflight({ DATABASE_URL: url, ...given });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toContain(message);
    // Every rule is listed, so the next attempt can pass.
    expect(r.stderr).toContain("at least 12 characters; at most 256 characters; does not contain your email name; at least 4 different characters");
    if ("OPS_ADMIN_PASSWORD" in given) expect(r.stderr).not.toContain(given.OPS_ADMIN_PASSWORD);
    expect(await databaseExists(name)).toBe(false);
  });
});
