import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { DEFAULT_CONFIG_DIR, REPO_ROOT, loadConfig } from "@ops/config";
import { syncTargets } from "@ops/core";
import { openTestStack } from "@ops/core/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let stack: Awaited<ReturnType<typeof openTestStack>>;
const config = loadConfig(DEFAULT_CONFIG_DIR);
const enabled = config.fleet.targets.filter((t) => t.enabled).map((t) => t.name);

beforeAll(async () => {
  stack = await openTestStack();
  await syncTargets(stack.db, config.fleet);
});
afterAll(async () => {
  await stack?.close();
});

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/main.ts"), ...args], {
    env: { ...process.env, DATABASE_URL: stack.databaseUrl, OPS_REDIS_PREFIX: stack.prefix, OPS_CONFIG_DIR: DEFAULT_CONFIG_DIR },
    encoding: "utf8",
    timeout: 30_000,
  });
}

const checkedAgo = (ms: number) => stack.db.sql`
  INSERT INTO target_state (name, checked_at) SELECT unnest(${enabled}::text[]), ${new Date(Date.now() - ms)}
  ON CONFLICT (name) DO UPDATE SET checked_at = EXCLUDED.checked_at`;

/** Issue 13, finding 1: a cron job can tell that the console stopped watching, by its exit code. */
describe("openclaw-ops health --console", () => {
  it("exits 3 when nothing was ever probed, 0 while every shard reports, 3 with the time once probing stalls", async () => {
    const never = cli(["health", "--console"]);
    expect(never.status).toBe(3);
    expect(never.stdout).toContain("no probe result has ever been recorded");

    await checkedAgo(1000);
    const fresh = cli(["health", "--console", "--json"]);
    expect(fresh.status).toBe(0);
    expect(JSON.parse(fresh.stdout)).toMatchObject({ ok: true, console: { ok: true, state: "watching" } });

    // The shipped interval is 30 s: stalled after 60 s without a result.
    await checkedAgo(5 * 60_000);
    const stalled = cli(["health", "--console", "--json"]);
    expect(stalled.status).toBe(3);
    const body = JSON.parse(stalled.stdout) as { console: { state: string; since: string; reason: string } };
    expect(body.console.state).toBe("stalled");
    expect(Math.abs(Date.parse(body.console.since) - (Date.now() - 5 * 60_000))).toBeLessThan(30_000);
    expect(body.console.reason).toMatch(/monitoring stalled: no probe results for .* since/);
  });

  it("exits 3 when the console's database does not answer", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/main.ts"), "health", "--console"], {
      env: { ...process.env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/nothing", OPS_CONFIG_DIR: DEFAULT_CONFIG_DIR },
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(3);
    expect(r.stdout).toContain("cannot read the console's database");
  });
});
