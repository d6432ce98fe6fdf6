import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type OpsConfig } from "@ops/config";
import { prepareDatabase } from "@ops/db";
import { createTestDatabase } from "@ops/db/test";
import { Redis } from "ioredis";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanupBackups,
  listBackups,
  requestBackup,
  restoreBackup,
  runBackup,
  syncIndex,
  verifyBackup,
  verifyBackupNow,
  type BackupEnv,
} from "../src/backups/backups.ts";
import type { RequestContext } from "../src/identity/context.ts";
import { waitForPort } from "../src/backups/tools.ts";
import { freePort, openTestStack, writeTestConfig } from "../src/testing.ts";

const DAY = 86_400_000;
const work = mkdtempSync(join(tmpdir(), "ops-backups-"));
const workspace = join(work, "workspace");
let stack: Awaited<ReturnType<typeof openTestStack>>;
let config: OpsConfig;
let env: BackupEnv;
let scratchRedis: ChildProcess | null = null;
const cfg = writeTestConfig();

beforeAll(async () => {
  stack = await openTestStack();
  await prepareDatabase(stack.databaseUrl);
  mkdirSync(join(workspace, "notes"), { recursive: true });
  writeFileSync(join(workspace, "notes", "a.md"), "# runbook notes\n");
  writeFileSync(join(workspace, "b.json"), JSON.stringify({ x: 1 }));
  const file = join(cfg.dir, "backup-config.json");
  const backup = JSON.parse(readFileSync(file, "utf8")) as { location: string; types: { workspace: { paths: string[] } } };
  backup.location = join(work, "backups");
  backup.types.workspace.paths = [workspace];
  writeFileSync(file, JSON.stringify(backup, null, 2));
  config = loadConfig(cfg.dir);
  env = { config, databaseUrl: stack.databaseUrl, redisUrl: stack.redisUrl };
});
afterAll(async () => {
  scratchRedis?.kill("SIGKILL");
  await stack?.close();
  cfg.remove();
  rmSync(work, { recursive: true, force: true });
});

describe("[BACKUP] real backups, restored into scratch targets", () => {
  it("database: pg_dump with row counts from the same snapshot, verified by a scratch restore, restored into another database", async () => {
    await stack.db.sql`INSERT INTO users (email, display_name, password_hash, roles) VALUES ('keep@x.io', 'Keep', 'h', '{viewer}')`;
    const b = await runBackup(stack.db, env, "database", "test");
    expect(b).toMatchObject({ status: "succeeded", type: "database" });
    expect(existsSync(join(b.path, "manifest.json"))).toBe(true);
    const manifest = b.manifest as { files: { name: string }[]; details: { tables: Record<string, Record<string, number>> }; tools: Record<string, string> };
    const dbName = new URL(stack.databaseUrl).pathname.slice(1);
    expect(manifest.details.tables[dbName]!["public.users"]).toBe(1);
    expect(manifest.tools.pg_dump).toMatch(/pg_dump \(PostgreSQL\) \d+/);

    const v = await verifyBackup(stack.db, env, b);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.checks.join("\n")).toMatch(/restored into a scratch database, \d+ tables with the same row counts/);

    const target = await createTestDatabase();
    try {
      const log = await restoreBackup(stack.db, env, b, { databaseUrls: { [dbName]: target.url } });
      expect(log[0]).toContain("restored into");
      const sql = postgres(target.url, { max: 1, onnotice: () => {} });
      const rows = await sql<{ email: string }[]>`SELECT email FROM users`;
      await sql.end();
      expect(rows.map((r) => r.email)).toEqual(["keep@x.io"]);
    } finally {
      await target.drop();
    }
    await expect(restoreBackup(stack.db, env, b)).rejects.toThrow(/console's own database: stop the console/);
  }, 60_000);

  it("a corrupted backup file fails verification with a clear message, and is not restored", async () => {
    const [b] = await listBackups(stack.db, { type: "database", status: "succeeded", limit: 1 });
    const manifest = b!.manifest as { files: { name: string }[] };
    const dump = join(b!.path, manifest.files[0]!.name);
    const bytes = readFileSync(dump);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = bytes[middle]! ^ 0xff;
    writeFileSync(dump, bytes);
    const v = await verifyBackup(stack.db, env, b!);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toMatch(new RegExp(`${manifest.files[0]!.name} does not match its checksum`));
    const [after] = await listBackups(stack.db, { type: "database", limit: 1 });
    expect(after).toMatchObject({ verifyOk: false, verifyDetail: expect.stringContaining("checksum") });
    await expect(restoreBackup(stack.db, env, b!, { databaseUrls: { x: "postgres://none" } })).rejects.toThrow(/does not match its manifest/);
  }, 60_000);

  it("redis: an RDB snapshot through the server, checked by redis-check-rdb, restored key by key into a scratch server", async () => {
    const key = `${stack.prefix}:backup-probe`;
    await stack.redis.set(key, "value-1");
    await stack.redis.hset(`${key}:hash`, { a: "1", b: "2" });
    const b = await runBackup(stack.db, env, "redis", "test");
    const v = await verifyBackup(stack.db, env, b);
    expect(v.checks.join("\n")).toContain("redis-check-rdb says the RDB looks OK");
    await stack.redis.set(key, "changed-after-the-backup");

    const port = await freePort();
    scratchRedis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work], {
      stdio: "ignore",
    });
    await waitForPort(port);
    const target = new Redis({ port, lazyConnect: true });
    await target.connect();
    try {
      const log = await restoreBackup(stack.db, env, b, { redisUrl: `redis://127.0.0.1:${port}` });
      expect(log.join("\n")).toMatch(/redis: \d+ key\(s\) restored/);
      expect(await target.get(key)).toBe("value-1");
      expect(await target.hgetall(`${key}:hash`)).toEqual({ a: "1", b: "2" });
    } finally {
      target.disconnect();
    }
  }, 60_000);

  it("workspace: a tar.gz of the configured folders, restored into a scratch folder with the same contents", async () => {
    const b = await runBackup(stack.db, env, "workspace", "test");
    expect((await verifyBackup(stack.db, env, b)).ok).toBe(true);
    const into = join(work, "restored");
    await restoreBackup(stack.db, env, b, { workspaceDir: into });
    const restored = join(into, workspace.replace(/^\/+/, ""));
    expect(readFileSync(join(restored, "notes", "a.md"), "utf8")).toBe("# runbook notes\n");
    expect(JSON.parse(readFileSync(join(restored, "b.json"), "utf8"))).toEqual({ x: 1 });
  }, 60_000);

  it("only complete backups have a folder without .tmp-; nothing half-written is listed", async () => {
    const root = join(work, "backups");
    for (const type of readdirSync(root)) {
      for (const entry of readdirSync(join(root, type))) {
        if (entry.startsWith(".tmp-")) continue;
        expect(existsSync(join(root, type, entry, "manifest.json")), `${type}/${entry}`).toBe(true);
      }
    }
  });
});

describe("[BACKUP] retention with a controlled clock", () => {
  it("keeps exactly the right backups: the retention window, at least the minimum, and the only verified one", async () => {
    const now = Date.parse("2026-11-23T06:00:00Z");
    // workspace: retention 30 days, at least 7. Twelve daily backups, the oldest 40 days back.
    const made: string[] = [];
    for (let i = 0; i < 12; i++) {
      const at = now - (40 - i * 3) * DAY;
      const b = await runBackup(stack.db, env, "workspace", "retention test", at);
      await stack.db.sql`UPDATE backups SET finished_at = ${new Date(at + 60_000)}, verify_ok = NULL WHERE id = ${b.id}`;
      made.push(b.id);
    }
    // The earlier tests' workspace backup finished "now": it counts as the newest.
    await stack.db.sql`UPDATE backups SET verify_ok = NULL WHERE type = 'workspace'`;
    await stack.db.sql`UPDATE backups SET verify_ok = true WHERE id = ${made[0]!}`;
    const before = (await listBackups(stack.db, { type: "workspace", status: "succeeded", limit: 100 })).map((b) => b.id);
    const { removed } = await cleanupBackups(stack.db, env, now);
    const removedWorkspace = removed.filter((id) => id.startsWith("workspace-"));
    // Ages in days: 40 37 34 31 28 25 22 19 16 13 10 7 (+ one at 0). Over 30 days: the first four; the oldest is the only verified one.
    expect(removedWorkspace.sort()).toEqual([made[1]!, made[2]!, made[3]!].sort());
    const after = (await listBackups(stack.db, { type: "workspace", status: "succeeded", limit: 100 })).map((b) => b.id);
    expect(after.length).toBe(before.length - 3);
    expect(after).toContain(made[0]!);
    for (const id of removedWorkspace) expect(existsSync(join(work, "backups", "workspace", id))).toBe(false);
  }, 120_000);
});

describe("[BACKUP] a person's backup and verification carry their audit row, in the change's transaction", () => {
  const person: RequestContext = {
    actor: { type: "user", id: "00000000-0000-4000-8000-000000000001", label: "oncall@test", roles: ["oncall"], sessionHash: null },
    ip: null,
    userAgent: null,
    requestId: "req-1",
  };
  const audit = (action: string) =>
    stack.db.sql<{ targetId: string; after: unknown }[]>`SELECT target_id AS "targetId", after FROM audit_log WHERE action = ${action} ORDER BY id`;

  it("back up now: the job is staged with its audit row", async () => {
    const queued = await requestBackup(stack.db, person, "redis");
    expect(queued).toMatchObject({ queued: true, type: "redis", jobId: expect.stringMatching(/^backup-manual-/) });
    const [job] = await stack.db.sql<{ payload: { trigger: string } }[]>`SELECT payload FROM job_outbox WHERE opts->>'jobId' = ${queued.jobId}`;
    expect(job?.payload.trigger).toBe("manual by oncall@test");
    expect(await audit("backup.start")).toEqual([{ targetId: "redis", after: { jobId: queued.jobId } }]);
  });

  it("verify now: the result, the backup as recorded, and the person's audit row", async () => {
    const b = await runBackup(stack.db, env, "workspace", "test");
    const v = await verifyBackupNow(stack.db, env, person, b.id);
    expect(v).toMatchObject({ ok: true, problems: [], backup: { id: b.id, verifyOk: true } });
    expect(await audit("backup.verify")).toEqual([{ targetId: b.id, after: { ok: true, problems: [] } }]);
    // The worker's verification is nobody's request: no audit row.
    await verifyBackup(stack.db, env, b);
    expect(await audit("backup.verify")).toHaveLength(1);
  }, 60_000);

  it("a backup folder found on disk is indexed only when its manifest has the contract's shape", async () => {
    const good = await runBackup(stack.db, env, "workspace", "test");
    const copy = (id: string, manifest: unknown) => {
      const dir = join(work, "backups", "workspace", id);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
    };
    copy("workspace-20260101-000000-aaaa", { ...good.manifest, id: "workspace-20260101-000000-aaaa" });
    copy("workspace-20260101-000000-bbbb", {
      id: "workspace-20260101-000000-bbbb",
      type: "workspace",
      startedAt: good.startedAt,
      finishedAt: good.finishedAt,
      size: 1,
      sha256: "x",
    });
    await syncIndex(stack.db, env);
    const ids = (await listBackups(stack.db, { type: "workspace", limit: 500 })).map((b) => b.id);
    expect(ids).toContain("workspace-20260101-000000-aaaa");
    expect(ids).not.toContain("workspace-20260101-000000-bbbb");
  }, 60_000);
});
