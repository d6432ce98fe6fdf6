import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, open } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { REPO_ROOT, type OpsConfig } from "@ops/config";
import { backups, columns, type DbHandle, type Row } from "@ops/db";
import {
  BACKUP_TYPES,
  CONFIG_KEY,
  backupId,
  checksumProblems,
  retentionPlan,
  rowCountProblems,
  typeOfBackupId,
  type BackupFile,
  type BackupType,
} from "@ops/domain";
import { Manifest, type BackupView, type BackupVerification, type QueuedBackup, type VerifyResult } from "@ops/contract";
import postgres from "postgres";
import { ServiceError, notFound } from "../errors.ts";
import { writeAudit } from "../identity/audit.ts";
import type { RequestContext } from "../identity/context.ts";
import { stageJob } from "../outbox.ts";
import { dbNameOf, fileDigest, pgEnv, redisArgs, tool, toolVersions, waitForPort } from "./tools.ts";

export { dbNameOf };

/** Where backups are, and which database and Redis they are of. */
export type BackupEnv = { config: OpsConfig; databaseUrl: string; redisUrl: string };

// What a backup holds (its manifest.json) and the view of it are the API's answers: the contract the dashboard reads.
export type { BackupView, Manifest, VerifyResult };

export function backupRoot(config: OpsConfig): string {
  const loc = config.backup.location;
  return isAbsolute(loc) ? loc : resolve(REPO_ROOT, loc);
}

const hidePassword = (url: string) => url.replace(/\/\/([^:/@]+):[^@/]*@/, "//$1:***@");

// ---------------------------------------------------------------------------------------------------------
// Producers: each writes into a folder and returns what it wrote

async function dumpDatabase(url: string, dir: string, file: string): Promise<Record<string, number>> {
  // One snapshot for the counts and the dump: the manifest's row counts are exactly what the dump holds.
  const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { application_name: "openclaw-ops-backup" } });
  try {
    return await sql.begin("isolation level repeatable read read only", async (tx) => {
      const [snap] = await tx<{ id: string }[]>`SELECT pg_export_snapshot() AS id`;
      const tables = await tx<{ name: string }[]>`
        SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`;
      const counts: Record<string, number> = {};
      for (const t of tables) {
        const [row] = await tx.unsafe<{ n: string }[]>(`SELECT count(*) AS n FROM ${t.name}`);
        counts[t.name] = Number(row!.n);
      }
      await tool(["pg_dump", "--format=custom", "--no-owner", `--snapshot=${snap!.id}`, `--file=${join(dir, file)}`], { env: pgEnv(url) });
      return counts;
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function snapshotRedis(url: string, dir: string): Promise<number> {
  const { args, env } = redisArgs(url);
  const info = await tool(["redis-cli", ...args, "INFO", "keyspace"], { env });
  const keys = [...info.matchAll(/keys=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  // The server streams an RDB snapshot of its data set (a replica's full sync): works against a remote Redis too.
  await tool(["redis-cli", ...args, "--rdb", join(dir, "dump.rdb")], { env });
  return keys;
}

async function archive(paths: string[], base: string, out: string): Promise<void> {
  await tool(["tar", "--create", "--gzip", `--file=${out}`, `--directory=${base}`, "--", ...paths]);
}

async function archiveWorkspace(config: OpsConfig, dir: string, skipped: string[]): Promise<string[]> {
  const wanted = config.backup.types.workspace.paths ?? ["config"];
  const present = wanted.filter((p) => {
    const full = isAbsolute(p) ? p : join(REPO_ROOT, p);
    if (existsSync(full)) return true;
    skipped.push(`${p}: not found`);
    return false;
  });
  if (present.length === 0) throw new Error(`none of the workspace paths exist (${wanted.join(", ")})`);
  // Absolute paths are archived relative to / so a restore puts them back where they were.
  const relative = present.filter((p) => !isAbsolute(p));
  const absolute = present.filter((p) => isAbsolute(p)).map((p) => p.replace(/^\/+/, ""));
  if (relative.length) await archive(relative, REPO_ROOT, join(dir, "workspace.tar.gz"));
  if (absolute.length) await archive(absolute, "/", join(dir, "workspace-absolute.tar.gz"));
  return present;
}

/** Each agent's state directory, through its driver: the simulator says where; docker copies out of the container. */
async function agentStateDirs(config: OpsConfig, skipped: string[]): Promise<{ name: string; dir: string; container?: string }[]> {
  const out: { name: string; dir: string; container?: string }[] = [];
  for (const t of config.fleet.targets.filter((x) => x.kind === "agent" && x.enabled)) {
    const r = t.restart;
    if (r.driver === "docker") {
      out.push({ name: t.name, dir: t.stateDir ?? "/root/.openclaw", container: r.container });
    } else if (t.stateDir) {
      out.push({ name: t.name, dir: t.stateDir });
    } else if (r.driver === "simulator") {
      try {
        const res = await fetch(`${config.fleet.simulator.controlUrl}/agents/${encodeURIComponent(t.name)}`, { signal: AbortSignal.timeout(5000) });
        const { agent } = (await res.json()) as { agent: { stateDir?: string } };
        if (agent.stateDir) out.push({ name: t.name, dir: agent.stateDir });
        else skipped.push(`${t.name}: the simulator did not say where its state is`);
      } catch (err) {
        skipped.push(`${t.name}: simulator unreachable (${(err as Error).message})`);
      }
    } else {
      skipped.push(`${t.name}: no stateDir configured for the ${r.driver} driver`);
    }
  }
  return out;
}

async function archiveAgentState(config: OpsConfig, dir: string, skipped: string[]): Promise<{ name: string; file: string; stateDir: string }[]> {
  const agents: { name: string; file: string; stateDir: string }[] = [];
  for (const a of await agentStateDirs(config, skipped)) {
    const file = `agent-${a.name}.tar.gz`;
    if (a.container) {
      const copy = join(dir, `.copy-${a.name}`);
      await tool(["docker", "cp", `${a.container}:${a.dir}`, copy]);
      await archive(["."], copy, join(dir, file));
      await rm(copy, { recursive: true, force: true });
    } else {
      if (!existsSync(a.dir)) {
        skipped.push(`${a.name}: ${a.dir} does not exist`);
        continue;
      }
      await archive([basename(a.dir)], dirname(a.dir), join(dir, file));
    }
    agents.push({ name: a.name, file, stateDir: a.dir });
  }
  return agents;
}

async function produce(env: BackupEnv, type: BackupType, dir: string, details: Manifest["details"], sources: string[], prefix = ""): Promise<void> {
  const skipped = (details.skipped ??= []);
  switch (type) {
    case "database": {
      const urls = [env.databaseUrl, ...(env.config.backup.types.database.databases ?? [])];
      details.tables ??= {};
      details.databases ??= [];
      for (const url of urls) {
        const name = dbNameOf(url);
        const file = `${prefix}${name}.dump`;
        details.tables[name] = await dumpDatabase(url, dir, file);
        details.databases.push({ name, file, url: hidePassword(url) });
        sources.push(`postgres ${hidePassword(url)}`);
      }
      return;
    }
    case "redis":
      details.redisKeys = await snapshotRedis(env.redisUrl, dir);
      sources.push(`redis ${hidePassword(env.redisUrl)}`);
      return;
    case "workspace":
      details.paths = await archiveWorkspace(env.config, dir, skipped);
      sources.push(...details.paths.map((p) => `path ${p}`));
      return;
    case "agent-state":
      details.agents = await archiveAgentState(env.config, dir, skipped);
      sources.push(...details.agents.map((a) => `agent ${a.name} ${a.stateDir}`));
      return;
    case "full":
      for (const part of ["database", "redis", "workspace", "agent-state"] as const) {
        await mkdir(join(dir, part), { recursive: true });
        await produce(env, part, join(dir, part), details, sources);
      }
      await archive([basename(env.config.dir)], dirname(env.config.dir), join(dir, "config.tar.gz"));
      sources.push(`config ${env.config.dir}`);
  }
}

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full, base)));
    else if (e.name !== "manifest.json") out.push(full.slice(base.length + 1));
  }
  return out.sort();
}

async function fsyncFile(path: string): Promise<void> {
  const fh = await open(path, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Taking a backup

/**
 * Back up now, for a person (`POST /api/backups`): the job and its audit row commit together; the outbox
 * relay hands the job to a worker when Redis answers (the caller may kick it). The backup is verified when done.
 */
export async function requestBackup(h: DbHandle, ctx: RequestContext, type: BackupType): Promise<QueuedBackup> {
  const jobId = `backup-manual-${randomUUID()}`;
  await h.sql.begin(async (tx) => {
    await stageJob(tx, "backupRun", { type, trigger: `manual by ${ctx.actor.label}` }, { jobId });
    await writeAudit(tx, ctx, { action: "backup.start", targetType: "backup", targetId: type, after: { jobId } });
  });
  return { queued: true, type, jobId };
}

type BackupRow = Omit<Row<typeof backups>, "deletedAt">;
const COLUMNS = columns(backups, { except: ["deletedAt"] });
const toView = (r: BackupRow): BackupView => ({
  ...r,
  // Written by runBackup, or checked against the contract by syncIndex before it was indexed.
  manifest: r.manifest as Manifest | null,
  startedAt: r.startedAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  verifiedAt: r.verifiedAt?.toISOString() ?? null,
});

/**
 * Take a backup: everything is written into `<type>/.tmp-<id>/`, the manifest last and synced, and only
 * then is the folder renamed to `<type>/<id>/`. A process killed in the middle leaves a `.tmp-` folder that
 * nothing lists as a backup (cleanup removes it); the job is retried under a new id.
 */
export async function runBackup(h: DbHandle, env: BackupEnv, type: BackupType, trigger: string, now = Date.now()): Promise<BackupView> {
  if (!env.config.backup.types[CONFIG_KEY[type]].enabled && trigger === "schedule")
    throw new ServiceError("RULE_VIOLATION", `${type} backups are disabled in backup-config.json`, "type");
  const root = backupRoot(env.config);
  const id = backupId(type, now, randomBytes(2).toString("hex"));
  const tmp = join(root, type, `.tmp-${id}`);
  const final = join(root, type, id);
  await mkdir(tmp, { recursive: true });
  await h.sql`INSERT INTO backups (id, type, status, trigger, path, started_at) VALUES (${id}, ${type}, 'running', ${trigger}, ${final}, ${new Date(now)})`;
  try {
    const details: Manifest["details"] = {};
    const sources: string[] = [];
    await produce(env, type, tmp, details, sources);
    const files: BackupFile[] = [];
    for (const name of await listFiles(tmp)) files.push({ name, ...(await fileDigest(join(tmp, name))) });
    if (files.length === 0) throw new Error(`nothing to back up (${(details.skipped ?? []).join("; ") || "no sources"})`);
    const manifest: Manifest = {
      id,
      type,
      sources,
      startedAt: new Date(now).toISOString(),
      finishedAt: new Date().toISOString(),
      files,
      size: files.reduce((n, f) => n + f.size, 0),
      sha256: createHash("sha256")
        .update(files.map((f) => `${f.sha256}  ${f.name}\n`).join(""))
        .digest("hex"),
      tools: await toolVersions(type === "database" || type === "full" ? ["pg_dump", "tar"] : type === "redis" ? ["redis-cli"] : ["tar"]),
      details,
    };
    await writeFile(join(tmp, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const f of files) await fsyncFile(join(tmp, f.name));
    await fsyncFile(join(tmp, "manifest.json"));
    await rename(tmp, final);
    await h.sql`
      UPDATE backups SET status = 'succeeded', finished_at = ${new Date(manifest.finishedAt)}, size = ${manifest.size}, sha256 = ${manifest.sha256},
        manifest = ${h.sql.json(manifest)} WHERE id = ${id}`;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    await h.sql`UPDATE backups SET status = 'failed', finished_at = now(), error = ${(err as Error).message.slice(0, 2000)} WHERE id = ${id}`;
    throw err;
  }
  return getBackup(h, id);
}

export async function getBackup(h: DbHandle, id: string): Promise<BackupView> {
  const [row] = await h.sql<BackupRow[]>`SELECT ${h.sql.unsafe(COLUMNS)} FROM backups WHERE id = ${id}`;
  if (!row) throw notFound(`backup ${id}`, "id");
  return toView(row);
}

export async function listBackups(h: DbHandle, f: { type?: BackupType | undefined; status?: string | undefined; limit: number }): Promise<BackupView[]> {
  const type = f.type ?? null;
  const status = f.status ?? null;
  const rows = await h.sql<BackupRow[]>`
    SELECT ${h.sql.unsafe(COLUMNS)} FROM backups WHERE (${type}::text IS NULL OR type = ${type}) AND (${status}::text IS NULL OR status = ${status})
    ORDER BY started_at DESC, id DESC LIMIT ${f.limit}`;
  return rows.map(toView);
}

/** The newest complete backup of a type finished before a moment (a restore's "latest" is never its own safety copy). */
export async function latestBackupBefore(h: DbHandle, type: BackupType, before: Date): Promise<BackupView> {
  const [row] = await h.sql<BackupRow[]>`
    SELECT ${h.sql.unsafe(COLUMNS)} FROM backups WHERE status = 'succeeded' AND type = ${type} AND finished_at < ${before} ORDER BY finished_at DESC LIMIT 1`;
  if (!row) throw new ServiceError("RULE_VIOLATION", `there is no complete ${type} backup from before ${before.toISOString()}`, "backup");
  return toView(row);
}

/** "latest", an id, or a backup folder/manifest path → the backup. */
export async function resolveBackup(h: DbHandle, env: BackupEnv, ref: string, type?: BackupType): Promise<BackupView> {
  if (ref === "latest") {
    const of = type ?? null;
    const [row] = await h.sql<BackupRow[]>`
      SELECT ${h.sql.unsafe(COLUMNS)} FROM backups WHERE status = 'succeeded' AND (${of}::text IS NULL OR type = ${of}) ORDER BY finished_at DESC LIMIT 1`;
    if (!row) throw notFound(`a successful ${type ?? ""} backup`.replace("  ", " "), "backup");
    return toView(row);
  }
  if (typeOfBackupId(ref)) return getBackup(h, ref);
  const dir = ref.endsWith("manifest.json") ? dirname(ref) : ref;
  const id = basename(dir);
  if (typeOfBackupId(id)) {
    await syncIndex(h, env);
    return getBackup(h, id);
  }
  throw new ServiceError("VALIDATION", `backup: "${ref}" is neither "latest", a backup id (database-20261123-020000-a1b2) nor a backup folder`, "backup");
}

/**
 * Bring the index in line with the disk: manifests found on disk and not indexed are added (a backup folder
 * copied from another machine), indexed backups whose folder is gone are marked deleted.
 */
export async function syncIndex(h: DbHandle, env: BackupEnv): Promise<{ added: number; missing: number }> {
  const root = backupRoot(env.config);
  let added = 0;
  for (const type of BACKUP_TYPES) {
    const dir = join(root, type);
    if (!existsSync(dir)) continue;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || !typeOfBackupId(e.name)) continue;
      const manifestPath = join(dir, e.name, "manifest.json");
      if (!existsSync(manifestPath)) continue;
      try {
        // Only a manifest of the contract's shape is indexed: the API answers with it as that shape.
        const m = Manifest.parse(JSON.parse(await readFile(manifestPath, "utf8")));
        const r = await h.sql`
          INSERT INTO backups (id, type, status, trigger, path, started_at, finished_at, size, sha256, manifest)
          VALUES (${m.id}, ${m.type}, 'succeeded', 'found on disk', ${join(dir, e.name)}, ${new Date(m.startedAt)}, ${new Date(m.finishedAt)}, ${m.size}, ${m.sha256}, ${h.sql.json(m)})
          ON CONFLICT (id) DO UPDATE SET status = 'succeeded', finished_at = EXCLUDED.finished_at, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
            manifest = EXCLUDED.manifest, path = EXCLUDED.path, error = NULL
          -- A complete folder is a complete backup, whatever an older index says (e.g. a restored database
          -- whose dump was taken while this very backup was still running).
          WHERE backups.status IN ('running', 'failed', 'deleted')
          RETURNING id`;
        added += r.length;
      } catch {
        // An unreadable manifest is reported by verify, not here.
      }
    }
  }
  const indexed = await h.sql<{ id: string; path: string }[]>`SELECT id, path FROM backups WHERE status = 'succeeded'`;
  let missing = 0;
  for (const b of indexed) {
    if (!existsSync(b.path)) {
      await h.sql`UPDATE backups SET status = 'deleted', deleted_at = now(), error = 'the backup folder is gone' WHERE id = ${b.id}`;
      missing++;
    }
  }
  return { added, missing };
}

// ---------------------------------------------------------------------------------------------------------
// Verifying: checksums, and for databases a real restore into a scratch database

const SCRATCH_PREFIX = "ops_scratch_";

/** When a scratch database was made, from its name (`ops_scratch_<base-36 millis>_<random>`); null for other names. */
export function scratchCreatedAt(name: string): number | null {
  const m = /^ops_scratch_([0-9a-z]+)_[0-9a-f]+$/.exec(name);
  if (!m) return null;
  const ms = parseInt(m[1]!, 36);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Drop scratch databases a verification left behind when its worker was killed mid-restore. Only those older
 * than any verification can take (1 h): a scratch database of another worker still verifying is never touched.
 */
export async function sweepScratchDatabases(databaseUrl: string, opts: { maxAgeMs?: number; now?: number } = {}): Promise<string[]> {
  const maxAge = opts.maxAgeMs ?? 3_600_000;
  const now = opts.now ?? Date.now();
  const admin = postgres(databaseUrl.replace(/\/[^/?]*(\?|$)/, "/postgres$1"), { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE datname LIKE ${`${SCRATCH_PREFIX}%`}`;
    const stale = rows
      .map((r) => r.datname)
      .filter((n) => {
        const at = scratchCreatedAt(n);
        return at !== null && now - at > maxAge;
      });
    for (const n of stale) await admin.unsafe(`DROP DATABASE IF EXISTS "${n}" WITH (FORCE)`);
    return stale;
  } finally {
    await admin.end({ timeout: 5 });
  }
}

async function withScratchDatabase<T>(env: BackupEnv, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `${SCRATCH_PREFIX}${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(env.databaseUrl.replace(/\/[^/?]*(\?|$)/, "/postgres$1"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}"`);
    const u = new URL(env.databaseUrl);
    u.pathname = `/${name}`;
    return await fn(u.toString());
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
    await admin.end({ timeout: 5 });
  }
}

async function countRows(url: string): Promise<Record<string, number>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const tables = await sql<{ name: string }[]>`
      SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`;
    const counts: Record<string, number> = {};
    for (const t of tables) counts[t.name] = Number((await sql.unsafe<{ n: string }[]>(`SELECT count(*) AS n FROM ${t.name}`))[0]!.n);
    return counts;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw new Error(`${path} is missing: this is not a complete backup`);
  try {
    return JSON.parse(await readFile(path, "utf8")) as Manifest;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message})`);
  }
}

/**
 * Verify a backup folder; records the result in the index, and when a person asked for it (`ctx`), their
 * audit row in the same transaction.
 */
export async function verifyBackup(h: DbHandle, env: BackupEnv, backup: BackupView, opts: { ctx?: RequestContext } = {}): Promise<VerifyResult> {
  const problems: string[] = [];
  const checks: string[] = [];
  try {
    const m = await readManifest(backup.path);
    const actual = [];
    for (const f of m.files) {
      const p = join(backup.path, f.name);
      actual.push(existsSync(p) ? { name: f.name, ...(await fileDigest(p)) } : { name: f.name, missing: true as const });
    }
    problems.push(...checksumProblems(m.files, actual));
    if (problems.length === 0) checks.push(`${m.files.length} file(s), ${m.size} bytes: checksums match`);
    if (problems.length === 0) {
      for (const db of m.details.databases ?? []) {
        const file = join(backup.path, m.type === "full" ? "database" : "", db.file);
        const expected = m.details.tables?.[db.name] ?? {};
        await withScratchDatabase(env, async (url) => {
          await tool(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", `--dbname=${dbNameOf(url)}`, file], { env: pgEnv(url) });
          const found = rowCountProblems(expected, await countRows(url));
          problems.push(...found.map((p) => `${db.name}: ${p}`));
          if (found.length === 0) checks.push(`${db.name}: restored into a scratch database, ${Object.keys(expected).length} tables with the same row counts`);
        });
      }
      const rdb = m.files.find((f) => f.name.endsWith("dump.rdb"));
      if (rdb) {
        const out = await tool(["redis-check-rdb", join(backup.path, rdb.name)]).catch((err: Error) => {
          problems.push(`redis: ${err.message}`);
          return "";
        });
        if (out.includes("RDB looks OK")) checks.push("redis: redis-check-rdb says the RDB looks OK");
        else if (out) problems.push(`redis: redis-check-rdb did not accept the file`);
      }
      for (const f of m.files.filter((x) => x.name.endsWith(".tar.gz"))) {
        const ok = await tool(["tar", "--list", "--gzip", `--file=${join(backup.path, f.name)}`]).then(
          () => true,
          (err: Error) => (problems.push(`${f.name}: ${err.message}`), false),
        );
        if (ok) checks.push(`${f.name}: the archive reads to the end`);
      }
    }
  } catch (err) {
    problems.push((err as Error).message);
  }
  const ok = problems.length === 0;
  // Only the indexed copy is marked: a folder verified from elsewhere with the same id is not the same backup.
  await h.sql.begin(async (tx) => {
    await tx`UPDATE backups SET verified_at = now(), verify_ok = ${ok}, verify_detail = ${(ok ? checks : problems).join("\n")} WHERE id = ${backup.id} AND path = ${backup.path}`;
    if (opts.ctx) await writeAudit(tx, opts.ctx, { action: "backup.verify", targetType: "backup", targetId: backup.id, after: { ok, problems } });
  });
  return { ok, problems, checks };
}

/** Verify a backup now, for a person (`POST /api/backups/:id/verify`): the result and the backup as recorded now. */
export async function verifyBackupNow(h: DbHandle, env: BackupEnv, ctx: RequestContext, id: string): Promise<BackupVerification> {
  const result = await verifyBackup(h, env, await getBackup(h, id), { ctx });
  return { ...result, backup: await getBackup(h, id) };
}

// ---------------------------------------------------------------------------------------------------------
// Restoring

export type RestoreTargets = {
  /** Restore databases into these (by database name in the backup) instead of where they came from. */
  databaseUrls?: Record<string, string>;
  /** Restore Redis keys into this server instead of the console's. */
  redisUrl?: string;
  /** Extract workspace archives here instead of the repository root. */
  workspaceDir?: string;
  /** Extract agent state under this folder instead of each agent's state directory. */
  agentStateDir?: string;
  /** The console's own database may be restored only with the console stopped (the CLI asks for it). */
  allowConsoleDatabase?: boolean;
};

async function restoreRedis(rdbPath: string, targetUrl: string, log: string[]): Promise<void> {
  // Start a scratch server from the snapshot and copy every key with DUMP/RESTORE REPLACE: a real restore
  // through the target server, without stopping it. Keys the snapshot does not have are left alone.
  const net = await import("node:net");
  const port = await new Promise<number>((res) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
  const dir = dirname(rdbPath);
  const { spawn } = await import("node:child_process");
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", basename(rdbPath), "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  try {
    await waitForPort(port);
    const { Redis } = await import("ioredis");
    const scratch = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 3 });
    await scratch.connect();
    while ((await scratch.info("persistence")).includes("loading:1")) await new Promise((r) => setTimeout(r, 100));
    const target = new Redis(targetUrl, { lazyConnect: true });
    await target.connect();
    try {
      let cursor = "0";
      let copied = 0;
      do {
        const [next, keys] = await scratch.scan(cursor, "COUNT", 500);
        cursor = next;
        for (const key of keys) {
          const [dump, ttl] = await Promise.all([scratch.dumpBuffer(key), scratch.pttl(key)]);
          if (!dump) continue;
          await target.restore(key, ttl > 0 ? ttl : 0, dump, "REPLACE");
          copied++;
        }
      } while (cursor !== "0");
      log.push(`redis: ${copied} key(s) restored into ${hidePassword(targetUrl)}`);
    } finally {
      scratch.disconnect();
      target.disconnect();
    }
  } finally {
    server.kill("SIGKILL");
  }
}

/**
 * Restore a backup (after verifying its checksums). The caller takes the safety backup first: as a
 * runbook that is its own step, so the run shows it.
 */
export async function restoreBackup(h: DbHandle, env: BackupEnv, backup: BackupView, targets: RestoreTargets = {}): Promise<string[]> {
  if (backup.status !== "succeeded")
    throw new ServiceError("RULE_VIOLATION", `backup ${backup.id} is ${backup.status}; only a complete backup can be restored`, "backup");
  const m = await readManifest(backup.path);
  const sums = checksumProblems(
    m.files,
    await Promise.all(
      m.files.map(async (f) =>
        existsSync(join(backup.path, f.name)) ? { name: f.name, ...(await fileDigest(join(backup.path, f.name))) } : { name: f.name, missing: true as const },
      ),
    ),
  );
  if (sums.length) throw new ServiceError("RULE_VIOLATION", `backup ${backup.id} does not match its manifest: ${sums.join("; ")}`, "backup");
  const log: string[] = [];
  const sub = (part: string, name: string) => join(backup.path, m.type === "full" ? part : "", name);
  for (const db of m.details.databases ?? []) {
    const target =
      targets.databaseUrls?.[db.name] ??
      (db.name === dbNameOf(env.databaseUrl) ? env.databaseUrl : (env.config.backup.types.database.databases ?? []).find((u) => dbNameOf(u) === db.name));
    if (!target) throw new ServiceError("RULE_VIOLATION", `no target for database ${db.name}`, "backup");
    if (target === env.databaseUrl && !targets.allowConsoleDatabase) {
      throw new ServiceError(
        "RULE_VIOLATION",
        `${db.name} is the console's own database: stop the console and restore it with \`npm run ops -- backup --restore ${backup.id} --type database --yes --include-console\``,
        "backup",
      );
    }
    await tool(
      [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        `--dbname=${dbNameOf(target)}`,
        sub("database", db.file),
      ],
      { env: pgEnv(target) },
    );
    log.push(`${db.name}: restored into ${hidePassword(target)}`);
  }
  const rdb = m.files.find((f) => f.name.endsWith("dump.rdb"));
  if (rdb) await restoreRedis(join(backup.path, rdb.name), targets.redisUrl ?? env.redisUrl, log);
  for (const f of m.files.filter((x) => /(^|\/)workspace(-absolute)?\.tar\.gz$/.test(x.name))) {
    const into = targets.workspaceDir ?? (f.name.includes("absolute") ? "/" : REPO_ROOT);
    await mkdir(into, { recursive: true });
    await tool(["tar", "--extract", "--gzip", `--file=${join(backup.path, f.name)}`, `--directory=${into}`]);
    log.push(`workspace: ${f.name} extracted into ${into}`);
  }
  for (const a of m.details.agents ?? []) {
    const parent = targets.agentStateDir ? join(targets.agentStateDir, a.name) : dirname(a.stateDir);
    await mkdir(parent, { recursive: true });
    await tool(["tar", "--extract", "--gzip", `--file=${sub("agent-state", a.file)}`, `--directory=${parent}`]);
    log.push(`${a.name}: state restored into ${join(parent, basename(a.stateDir))}`);
  }
  return log;
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup by retention

export async function cleanupBackups(h: DbHandle, env: BackupEnv, now = Date.now()): Promise<{ removed: string[]; kept: number; staleTemp: string[] }> {
  await syncIndex(h, env);
  const removed: string[] = [];
  let kept = 0;
  for (const type of BACKUP_TYPES) {
    const policy = env.config.backup.types[CONFIG_KEY[type]];
    const rows = await h.sql<(Pick<BackupRow, "id" | "verifyOk" | "path"> & { finishedAt: Date })[]>`
      SELECT ${h.sql.unsafe(columns(backups, { only: ["id", "finishedAt", "verifyOk", "path"] }))} FROM backups WHERE type = ${type} AND status = 'succeeded'`;
    const plan = retentionPlan(
      rows.map((r) => ({ id: r.id, finishedAt: r.finishedAt.getTime(), verified: r.verifyOk })),
      policy,
      now,
    );
    kept += plan.keep.length;
    for (const id of plan.remove) {
      const row = rows.find((r) => r.id === id)!;
      await rm(row.path, { recursive: true, force: true });
      await h.sql`UPDATE backups SET status = 'deleted', deleted_at = now() WHERE id = ${id}`;
      removed.push(id);
    }
  }
  // Half-written backups of a process that died (older than an hour: not one still being written).
  const staleTemp: string[] = [];
  const root = backupRoot(env.config);
  for (const type of BACKUP_TYPES) {
    const dir = join(root, type);
    if (!existsSync(dir)) continue;
    for (const e of await readdir(dir)) {
      if (!e.startsWith(".tmp-")) continue;
      const full = join(dir, e);
      if (now - (await stat(full)).mtimeMs > 3_600_000) {
        await rm(full, { recursive: true, force: true });
        staleTemp.push(e);
      }
    }
  }
  await h.sql`UPDATE backups SET status = 'failed', error = 'interrupted: the process stopped while writing it' WHERE status = 'running' AND started_at < ${new Date(now - 6 * 3_600_000)}`;
  return { removed, kept, staleTemp };
}
