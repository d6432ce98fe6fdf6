import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { writeTestConfig } from "@ops/core/test";
import { afterEach, describe, expect, it } from "vitest";

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function run(entry: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("[CONFIG] a broken configuration gets a clear error, never a stack trace", () => {
  it("[CONFIG][CHECK]: config check names file, line, column and JSON path, and exits 1", () => {
    const cfg = writeTestConfig();
    cleanups.push(cfg.remove);
    const file = join(cfg.dir, "monitoring-config.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"intervalSeconds": 30', '"intervalSeconds": "thirty"'));
    const fleet = join(cfg.dir, "fleet.json");
    writeFileSync(fleet, readFileSync(fleet, "utf8").replace(/\n\s*\]\s*\n\}\s*$/, ",\n]\n}\n"));
    const r = run("packages/cli/src/main.ts", ["config", "check", "--no-ports"], { OPS_CONFIG_DIR: cfg.dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/monitoring-config\.json:3:\d+ healthCheck\.intervalSeconds: .*number/);
    expect(r.stdout).toMatch(/fleet\.json:\d+:\d+ \(syntax\): invalid JSON/);
    expect(r.stdout).toMatch(/✓ backup-config\.json/);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  });

  it("[CONFIG][CHECK]: the shipped configuration passes with --json output", () => {
    const r = run("packages/cli/src/main.ts", ["config", "check", "--no-ports", "--json"], {});
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, issues: [] });
  });

  it("[CONFIG][API]: the API refuses to start on a broken file and says where", () => {
    const cfg = writeTestConfig();
    cleanups.push(cfg.remove);
    writeFileSync(join(cfg.dir, "governance-quorum-rules.json"), '{ "eligibleVoters": [ }');
    const r = run("apps/api/src/server.ts", [], { OPS_CONFIG_DIR: cfg.dir, PORT: "0" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/governance-quorum-rules\.json:1:\d+ \(syntax\): invalid JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("[CONFIG][DEPS]: an unreachable PostgreSQL or Redis is named with its address and how to start it", () => {
    const pg = run("apps/worker/src/main.ts", [], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x" });
    expect(pg.status).toBe(1);
    expect(pg.stderr).toMatch(/PostgreSQL is not reachable at 127\.0\.0\.1:1/);
    expect(pg.stderr).toMatch(/pg_ctlcluster/);
    const redis = run("apps/api/src/server.ts", [], { REDIS_URL: "redis://127.0.0.1:1", PORT: "0" });
    expect(redis.status).toBe(1);
    expect(redis.stderr).toMatch(/Redis is not reachable at 127\.0\.0\.1:1/);
    expect(redis.stderr).not.toMatch(/\n\s+at /);
  });
});
