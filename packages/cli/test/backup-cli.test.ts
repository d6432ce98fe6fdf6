import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@ops/config";
import { freePort, writeTestConfig } from "@ops/core/test";
import { createDb } from "@ops/db";
import { createTestDatabase } from "@ops/db/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Real PostgreSQL, Redis, files and sockets: the CLI is spawned as an operator (or cron) runs it.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let config: ReturnType<typeof writeTestConfig>;
let gateway: http.Server;
let tmp: string;
let ws: string;
let env: NodeJS.ProcessEnv;

const FILES = { "a.txt": "first file\n", "sub/b.txt": "second file, in a folder\n" };

beforeAll(async () => {
  database = await createTestDatabase();
  tmp = mkdtempSync(join(tmpdir(), "ops-cli-backup-"));
  ws = join(tmp, "workspace");
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(ws, name, ".."), { recursive: true });
    writeFileSync(join(ws, name), text);
  }
  const bodies: Record<string, string> = {
    "/healthz": '{"ok":true,"status":"live"}',
    "/readyz": '{"ready":true,"failing":[],"uptimeMs":1000}',
    "/startupz": '{"ok":true,"status":"started","version":"1","uptimeMs":1000}',
  };
  gateway = http.createServer((req, res) => {
    const body = bodies[req.url ?? ""];
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(body ?? "{}");
  });
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", r));
  const closed = await freePort();
  config = writeTestConfig({
    fleet: (f) => {
      f.targets = [
        { name: "alpha", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}` },
        { name: "beta", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${closed}` },
        { name: "gamma", kind: "agent", check: "openclaw", baseUrl: `http://127.0.0.1:${closed}/gamma`, enabled: false },
      ] as never;
    },
  });
  const file = join(config.dir, "backup-config.json");
  const backup = JSON.parse(readFileSync(file, "utf8"));
  backup.location = join(tmp, "backups");
  backup.types.workspace.paths = [ws];
  writeFileSync(file, JSON.stringify(backup, null, 2));
  env = {
    ...process.env,
    DATABASE_URL: database.url,
    REDIS_URL: "redis://127.0.0.1:6379",
    OPS_REDIS_PREFIX: `ops-test-${randomBytes(5).toString("hex")}`,
    OPS_CONFIG_DIR: config.dir,
  };
});

afterAll(async () => {
  await new Promise<void>((r) => (gateway ? gateway.close(() => r()) : r()));
  config?.remove();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  await database?.drop();
});

/** Spawned without blocking: the fake gateway in this process has to answer the CLI's probes. */
function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages/cli/src/main.ts"), ...args], { env, cwd: REPO_ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c));
    child.stderr.on("data", (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, out: stdout + stderr });
    });
  });
}

const json = <T = Record<string, unknown>>(r: { stdout: string }) => JSON.parse(r.stdout) as T;
type Taken = {
  ok: boolean;
  backups: {
    type: string;
    ok: boolean;
    backup: { id: string; path: string; manifestPath: string; files: { name: string }[] };
    verify: { ok: boolean; checks: string[] };
  }[];
};
type Listed = { backups: { id: string; type: string; status: string; verifyOk: boolean | null }[] };

describe("openclaw-ops backup", () => {
  let dbBackup: Taken["backups"][number]["backup"];

  it("--database takes a dump and verifies it in a scratch database", async () => {
    const r = await cli("backup", "--database", "--json");
    expect(r.status, r.out).toBe(0);
    const taken = json<Taken>(r);
    expect(taken.ok).toBe(true);
    const [one] = taken.backups;
    expect(one).toMatchObject({ type: "database", ok: true, verify: { ok: true } });
    expect(one!.verify.checks.join("\n")).toMatch(/restored into a scratch database, \d+ tables with the same row counts/);
    dbBackup = one!.backup;
    expect(dbBackup.path.startsWith(join(tmp, "backups", "database"))).toBe(true);
    expect(JSON.parse(readFileSync(dbBackup.manifestPath, "utf8"))).toMatchObject({ id: dbBackup.id, type: "database" });
  });

  it("--list shows it, verified", async () => {
    const r = await cli("backup", "--list", "--json");
    expect(r.status, r.out).toBe(0);
    expect(json<Listed>(r).backups).toEqual([expect.objectContaining({ id: dbBackup.id, type: "database", status: "succeeded", verifyOk: true })]);
    const human = await cli("backup", "--list", "--type", "database");
    expect(human.stdout).toMatch(new RegExp(`^id +type +status +finished +size +verified\\n${dbBackup.id} +database +✓ succeeded`));
  });

  it("--verify latest passes; a corrupted byte fails --verify <id>, naming the file and its checksum", async () => {
    const ok = await cli("backup", "--verify", "latest");
    expect(ok.status, ok.out).toBe(0);
    expect(ok.stdout).toContain(dbBackup.id);

    const dump = join(dbBackup.path, dbBackup.files[0]!.name);
    const original = readFileSync(dump);
    const corrupted = Buffer.from(original);
    corrupted[Math.floor(corrupted.length / 2)]! ^= 0xff;
    writeFileSync(dump, corrupted);
    try {
      const bad = await cli("backup", "--verify", dbBackup.id);
      expect(bad.status, bad.out).toBe(1);
      expect(bad.stdout).toContain(`${dbBackup.files[0]!.name} does not match its checksum`);
      expect(bad.stdout).toMatch(/verification failed: 1 problem/);
    } finally {
      writeFileSync(dump, original);
    }
  });

  it("--workspace, then --restore latest --type workspace: without --yes nothing changes, with --yes the files come back", async () => {
    const taken = await cli("backup", "--workspace", "--json");
    expect(taken.status, taken.out).toBe(0);
    unlinkSync(join(ws, "a.txt"));
    writeFileSync(join(ws, "sub/b.txt"), "changed since the backup\n");

    const dry = await cli("backup", "--restore", "latest", "--type", "workspace");
    expect(dry.status, dry.out).toBe(1);
    expect(dry.stdout).toContain(`extract ${ws} back in place`);
    expect(dry.stdout).toContain("nothing changed: add --yes to restore");
    expect(existsSync(join(ws, "a.txt"))).toBe(false);
    expect(readFileSync(join(ws, "sub/b.txt"), "utf8")).toBe("changed since the backup\n");

    const r = await cli("backup", "--restore", "latest", "--type", "workspace", "--yes", "--json");
    expect(r.status, r.out).toBe(0);
    for (const [name, text] of Object.entries(FILES)) expect(readFileSync(join(ws, name), "utf8")).toBe(text);
    const out = json<{ ok: boolean; backup: { id: string }; safety: { backup: { id: string; path: string }; verify: { ok: boolean } } }>(r);
    expect(out.backup.id).toBe(json<Taken>(taken).backups[0]!.backup.id);
    // The safety copy holds the state from before the restore.
    expect(out.safety.verify.ok).toBe(true);
    expect(out.safety.backup.id).not.toBe(out.backup.id);
  });

  it("refuses to restore the console's own database unless told the console is stopped", async () => {
    const r = await cli("backup", "--restore", "latest", "--type", "database", "--yes");
    expect(r.status, r.out).toBe(1);
    expect(r.stdout).toMatch(/is the console's own database: stop the console .*--include-console/);
    const listed = json<Listed>(await cli("backup", "--list", "--type", "database", "--json"));
    expect(listed.backups).toHaveLength(1); // no safety copy either
  });

  it("--include-console restores it, and the backup index survives the restore", async () => {
    const h = createDb(database.url, { max: 1 });
    await h.sql`INSERT INTO settings (key, value, updated_by) VALUES ('cli-test-marker', '{}', 'test')`;
    await h.close();
    const r = await cli("backup", "--restore", dbBackup.id, "--yes", "--include-console", "--no-safety");
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toContain("backup index kept as it was before the restore");
    const after = createDb(database.url, { max: 1 });
    try {
      expect(await after.sql`SELECT 1 FROM settings WHERE key = 'cli-test-marker'`).toHaveLength(0);
    } finally {
      await after.close();
    }
    const listed = json<Listed>(await cli("backup", "--list", "--json")).backups;
    expect(listed.map((b) => b.type).sort()).toEqual(["database", "workspace", "workspace"]);
    // The dump holds its own row as "running", unverified; the index shows it as it was: complete, last verified
    // while the byte was corrupted.
    expect(listed.find((b) => b.id === dbBackup.id)).toMatchObject({ status: "succeeded", verifyOk: false });
  });

  it("--cleanup keeps what retention says to keep", async () => {
    const r = await cli("backup", "--cleanup", "--json");
    expect(r.status, r.out).toBe(0);
    expect(json(r)).toEqual({ ok: true, removed: [], kept: 3, staleTemp: [] });
  });

  it("bad usage exits 2 naming the option", async () => {
    const unknown = await cli("backup", "--frobnicate");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("backup: unknown option --frobnicate");
    const missing = await cli("backup", "--verify", "--json");
    expect(missing.status).toBe(2);
    expect(json(missing)).toEqual({ ok: false, error: expect.stringContaining("--verify needs a value") });
    const otherType = await cli("backup", "--restore", dbBackup.id, "--type", "workspace", "--yes");
    expect(otherType.status).toBe(2);
    expect(otherType.stderr).toContain(`--restore ${dbBackup.id} is a database backup, not workspace`);
  });
});

describe("openclaw-ops health", () => {
  type Health = { ok: boolean; targets: { name: string; status: string; reason: string }[]; notMonitored: string[] };

  it("probes every enabled target: a gateway that answers is ok, a closed port is down (exit 1)", async () => {
    const r = await cli("health", "--json");
    expect(r.status, r.out).toBe(1);
    const h = json<Health>(r);
    expect(h.ok).toBe(false);
    expect(h.targets).toEqual([
      expect.objectContaining({ name: "alpha", status: "ok", reason: "healthy" }),
      expect.objectContaining({ name: "beta", status: "down", reason: "connection refused" }),
    ]);
    expect(h.notMonitored).toEqual(["gamma"]);
  });

  it("one target by name: the healthy one exits 0; an unknown name is bad usage", async () => {
    const r = await cli("health", "alpha");
    expect(r.status, r.out).toBe(0);
    expect(r.stdout).toMatch(/✓ alpha +ok +\d+ ms +1 +healthy/);
    const unknown = await cli("health", "nope");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('health: no target named "nope"');
  });
});
