// `openclaw-ops backup …`: the seed's production-backup.sh flags over the backup service in @ops/core.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { loadConfig, redactUrl, type OpsEnv } from "@ops/config";
import {
  ServiceError,
  cleanupBackups,
  dbNameOf,
  getBackup,
  listBackups,
  resolveBackup,
  restoreBackup,
  runBackup,
  syncIndex,
  verifyBackup,
  type BackupEnv,
  type BackupView,
  type Manifest,
  type VerifyResult,
} from "@ops/core";
import { createDb, prepareDatabase, type DbHandle } from "@ops/db";
import { BACKUP_TYPES, CONFIG_KEY, typeOfBackupId, type BackupType } from "@ops/domain";
import { UsageError, parseArgs, valueOf } from "./args.ts";
import { formatSize, formatTime, mark, table, type Tone } from "./format.ts";

export type CommandResult = { code: number; json: unknown; lines: string[] };

/** The four types `--all` takes (a full backup is all of them again, on its own schedule). */
const ALL = ["database", "redis", "workspace", "agent-state"] as const satisfies readonly BackupType[];

export type BackupCommand =
  | { action: "take"; types: BackupType[]; named: BackupType[] }
  | { action: "list"; type: BackupType | undefined; limit: number }
  | { action: "verify"; ref: string; type: BackupType | undefined }
  | { action: "restore"; ref: string; type: BackupType | undefined; yes: boolean; includeConsole: boolean; safety: boolean }
  | { action: "cleanup" };

const REF_HINT = `"latest", a backup id, or a backup folder`;
const SPEC = {
  "--all": {},
  "--database": {},
  "--redis": {},
  "--workspace": {},
  "--agent-state": {},
  "--full": {},
  "--list": {},
  "--verify": { takes: "value", hint: REF_HINT },
  "--restore": { takes: "value", hint: `"latest" or a backup id` },
  "--cleanup": {},
  "--type": { takes: "value", hint: BACKUP_TYPES.join(", ") },
  "--limit": { takes: "value", hint: "a number of backups" },
  "--yes": {},
  "--include-console": {},
  "--no-safety": {},
  "--json": {},
} as const;

/** Parse `backup …` strictly: one action, its modifiers only, types and ids checked before anything runs. */
export function parseBackupArgs(argv: readonly string[]): BackupCommand {
  const p = parseArgs(argv, SPEC, { command: "backup" });
  const has = (o: string) => p.options.has(o);
  const takeFlags = ["--all", ...ALL.map((t) => `--${t}`), "--full"].filter(has);
  const actions = [...(takeFlags.length ? ["take"] : []), ...["--list", "--verify", "--restore", "--cleanup"].filter(has)];
  if (actions.length === 0)
    throw new UsageError("backup: say what to do: --all, --database, --redis, --workspace, --agent-state, --full, --list, --verify, --restore or --cleanup");
  if (actions.length > 1) throw new UsageError(`backup: ${actions.map((a) => (a === "take" ? takeFlags[0] : a)).join(" and ")} cannot be combined`);
  const action = actions[0]!;
  const allowed: Record<string, string[]> = {
    take: [],
    "--list": ["--type", "--limit"],
    "--verify": ["--type"],
    "--restore": ["--type", "--yes", "--include-console", "--no-safety"],
    "--cleanup": [],
  };
  for (const m of ["--type", "--limit", "--yes", "--include-console", "--no-safety"]) {
    if (has(m) && !allowed[action]!.includes(m)) throw new UsageError(`backup: ${m} does not apply to ${action === "take" ? takeFlags[0] : action}`);
  }
  const typeArg = valueOf(p, "--type");
  if (typeArg !== undefined && !(BACKUP_TYPES as readonly string[]).includes(typeArg)) {
    throw new UsageError(`backup: --type "${typeArg}" is not a backup type (${BACKUP_TYPES.join(", ")})`);
  }
  const type = typeArg as BackupType | undefined;
  switch (action) {
    case "take": {
      const named = [...ALL, "full" as const].filter((t) => has(`--${t}`));
      return { action: "take", types: [...new Set<BackupType>([...(has("--all") ? ALL : []), ...named])], named };
    }
    case "--list": {
      const limit = valueOf(p, "--limit") ?? "50";
      if (!/^[1-9]\d{0,5}$/.test(limit)) throw new UsageError(`backup: --limit "${limit}" is not a positive number`);
      return { action: "list", type, limit: Number(limit) };
    }
    case "--verify":
      return { action: "verify", ref: checkRef("--verify", valueOf(p, "--verify")!, type), type };
    case "--restore": {
      const ref = checkRef("--restore", valueOf(p, "--restore")!, type);
      if (ref === "latest" && !type)
        throw new UsageError(`backup: --restore latest needs --type (${BACKUP_TYPES.join(", ")}): which kind of backup to restore`);
      return { action: "restore", ref, type, yes: has("--yes"), includeConsole: has("--include-console"), safety: !has("--no-safety") };
    }
    default:
      return { action: "cleanup" };
  }
}

/** The folder a path reference names (a manifest path names its folder). */
const folderOf = (ref: string) => (basename(ref) === "manifest.json" ? dirname(ref) : ref);

/** "latest", an id, or a folder/manifest path whose folder is named by a backup id, of the `--type` given. */
function checkRef(flag: string, ref: string, type: BackupType | undefined): string {
  if (ref === "latest") return ref;
  const refType = typeOfBackupId(ref) ?? typeOfBackupId(basename(folderOf(ref)));
  if (!refType) throw new UsageError(`backup: ${flag} "${ref}" is neither "latest", a backup id (like database-20261123-020000-a1b2) nor a backup folder`);
  if (type && refType !== type) throw new UsageError(`backup: ${flag} ${ref} is a ${refType} backup, not ${type} (--type ${type})`);
  return ref;
}

// ---------------------------------------------------------------------------------------------------------

type Session = { h: DbHandle; benv: BackupEnv; env: OpsEnv };

export async function runBackupCommand(cmd: BackupCommand, env: OpsEnv, color: boolean): Promise<CommandResult> {
  const config = loadConfig(env.OPS_CONFIG_DIR);
  await prepareDatabase(env.DATABASE_URL);
  // One connection: a restore of the console's database checks that nothing but this CLI is connected.
  const s: Session = {
    h: createDb(env.DATABASE_URL, { max: 1, applicationName: "openclaw-ops-cli" }),
    benv: { config, databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL },
    env,
  };
  try {
    switch (cmd.action) {
      case "take":
        return await take(s, cmd.types, cmd.named, color);
      case "list":
        return await list(s, cmd.type, cmd.limit, color);
      case "verify":
        return await verify(s, cmd.ref, cmd.type, color);
      case "restore":
        return await restore(s, cmd, color);
      case "cleanup":
        return await cleanup(s);
    }
  } finally {
    await s.h.close();
  }
}

/** What scripts get for a backup: the index row without the manifest, plus where the manifest is. */
function summary(b: BackupView) {
  return {
    id: b.id,
    type: b.type,
    status: b.status,
    trigger: b.trigger,
    path: b.path,
    manifestPath: resolve(b.path, "manifest.json"),
    startedAt: b.startedAt,
    finishedAt: b.finishedAt,
    size: b.size,
    sha256: b.sha256,
    files: b.manifest?.files ?? [],
    skipped: b.manifest?.details.skipped ?? [],
    error: b.error,
    verifiedAt: b.verifiedAt,
    verifyOk: b.verifyOk,
  };
}

function verifyLines(v: VerifyResult, color: boolean, indent = "    "): string[] {
  return [...v.checks.map((c) => `${indent}${mark("ok", color)} ${c}`), ...v.problems.map((p) => `${indent}${mark("error", color)} ${p}`)];
}

/** Take a backup and verify it at once (as the worker does): a backup nobody has restored is a hope. */
async function takeAndVerify(s: Session, type: BackupType, trigger: string) {
  const taken = await runBackup(s.h, s.benv, type, trigger);
  const verify = await verifyBackup(s.h, s.benv, taken);
  return { backup: await getBackup(s.h, taken.id), verify };
}

async function take(s: Session, types: BackupType[], named: BackupType[], color: boolean): Promise<CommandResult> {
  const results: { type: BackupType; ok: boolean; backup: ReturnType<typeof summary> | null; verify: VerifyResult | null; error: string | null }[] = [];
  const disabled: BackupType[] = [];
  const lines: string[] = [];
  for (const type of types) {
    // --all follows the config; naming a type takes it even when its schedule is disabled.
    if (!named.includes(type) && !s.benv.config.backup.types[CONFIG_KEY[type]].enabled) {
      disabled.push(type);
      lines.push(`${mark("muted", color)} ${type.padEnd(11)} skipped: disabled in backup-config.json`);
      continue;
    }
    try {
      const { backup, verify } = await takeAndVerify(s, type, "cli");
      results.push({ type, ok: verify.ok, backup: summary(backup), verify, error: null });
      lines.push(
        `${mark(verify.ok ? "ok" : "error", color)} ${type.padEnd(11)} ${backup.id}  ${formatSize(backup.size)}  ${verify.ok ? "verified" : "VERIFICATION FAILED"}`,
      );
      lines.push(`    ${backup.path}`, ...verifyLines(verify, color));
      for (const skipped of backup.manifest?.details.skipped ?? []) lines.push(`    ${mark("warning", color)} skipped ${skipped}`);
    } catch (err) {
      const error = (err as Error).message;
      results.push({ type, ok: false, backup: null, verify: null, error });
      lines.push(`${mark("error", color)} ${type.padEnd(11)} failed: ${error}`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(failed ? `${failed} of ${results.length} backup(s) failed` : `${results.length} backup(s) taken and verified`);
  return { code: failed ? 1 : 0, json: { ok: failed === 0, backups: results, disabled }, lines };
}

async function list(s: Session, type: BackupType | undefined, limit: number, color: boolean): Promise<CommandResult> {
  await syncIndex(s.h, s.benv);
  const rows = await listBackups(s.h, { type, limit });
  const verified = (b: BackupView): [Tone, string] =>
    b.verifyOk === null ? ["muted", "never"] : b.verifyOk ? ["ok", `ok ${formatTime(b.verifiedAt)}`] : ["error", `FAILED ${formatTime(b.verifiedAt)}`];
  const tone = (b: BackupView): Tone => (b.status === "succeeded" ? "ok" : b.status === "failed" ? "error" : "muted");
  const lines = rows.length
    ? table(
        [
          ["id", "type", "status", "finished", "size", "verified"],
          ...rows.map((b) => {
            const [vt, vs] = verified(b);
            return [b.id, b.type, `${mark(tone(b), color)} ${b.status}`, formatTime(b.finishedAt), formatSize(b.size), `${mark(vt, color)} ${vs}`];
          }),
        ],
        "",
      )
    : [`no ${type ? `${type} ` : ""}backups yet (in ${s.benv.config.backup.location})`];
  return { code: 0, json: { ok: true, backups: rows.map(summary) }, lines };
}

/**
 * The backup a reference names. A folder outside the backup location (copied from another machine, say)
 * is verified from its own manifest; the index only knows the folders under the location.
 */
async function resolveRef(s: Session, ref: string, type: BackupType | undefined): Promise<BackupView> {
  if (ref === "latest" || typeOfBackupId(ref)) return resolveBackup(s.h, s.benv, ref, type);
  const dir = resolve(folderOf(ref));
  if (!existsSync(dir)) throw new Error(`no backup folder at ${dir}`);
  const indexed = await resolveBackup(s.h, s.benv, ref, type).catch((err: unknown) => {
    if (err instanceof ServiceError && err.code === "NOT_FOUND") return null;
    throw err;
  });
  if (indexed && resolve(indexed.path) === dir) return indexed;
  const file = resolve(dir, "manifest.json");
  if (!existsSync(file)) throw new Error(`${file} is missing: this is not a complete backup`);
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(file, "utf8")) as Manifest;
  } catch (err) {
    throw new Error(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const at = (iso: string) => (Number.isNaN(Date.parse(iso)) ? null : iso);
  return {
    id: m.id,
    type: m.type,
    status: "succeeded",
    trigger: "found on disk",
    path: dir,
    startedAt: at(m.startedAt) ?? new Date(0).toISOString(),
    finishedAt: at(m.finishedAt),
    size: m.size,
    sha256: m.sha256,
    error: null,
    verifiedAt: null,
    verifyOk: null,
    verifyDetail: null,
    manifest: m,
  };
}

async function verify(s: Session, ref: string, type: BackupType | undefined, color: boolean): Promise<CommandResult> {
  const b = await resolveRef(s, ref, type);
  const v = await verifyBackup(s.h, s.benv, b);
  const lines = [`${mark(v.ok ? "ok" : "error", color)} ${b.id}  ${b.type}  ${formatSize(b.size)}  ${b.path}`, ...verifyLines(v, color)];
  lines.push(v.ok ? "verified: the backup is complete and restorable" : `verification failed: ${v.problems.length} problem(s)`);
  return { code: v.ok ? 0 : 1, json: { ok: v.ok, backup: summary(b), problems: v.problems, checks: v.checks }, lines };
}

/** What a restore of this backup would change, in words. */
function restorePlan(s: Session, b: BackupView, safety: boolean): { plan: string[]; console: boolean } {
  const d = b.manifest?.details ?? {};
  const consoleDb = dbNameOf(s.env.DATABASE_URL);
  const others = s.benv.config.backup.types.database.databases ?? [];
  const plan: string[] = [];
  if (safety) plan.push(`take a ${b.type} backup of the current state first (a safety copy; --no-safety skips it)`);
  for (const db of d.databases ?? []) {
    const target = db.name === consoleDb ? s.env.DATABASE_URL : others.find((u) => dbNameOf(u) === db.name);
    const what = db.name === consoleDb ? "the console's own database" : "database";
    plan.push(target ? `replace ${what} ${db.name} (${redactUrl(target)}) with the dump` : `database ${db.name}: no target configured (it would fail)`);
  }
  if (b.manifest?.files.some((f) => f.name.endsWith("dump.rdb")))
    plan.push(`copy ${d.redisKeys ?? "the"} Redis key(s) into ${redactUrl(s.env.REDIS_URL)} (keys not in the snapshot are left alone)`);
  for (const p of d.paths ?? []) plan.push(`extract ${p} back in place (files in the backup are overwritten, others left alone)`);
  for (const a of d.agents ?? []) plan.push(`restore ${a.name}'s state into ${a.stateDir}`);
  return { plan, console: (d.databases ?? []).some((db) => db.name === consoleDb) };
}

/** Sessions on the console's database other than this CLI's: a restore under a running console would corrupt its view. */
async function otherSessions(h: DbHandle): Promise<string[]> {
  const rows = await h.sql<{ app: string; n: number }[]>`
    SELECT coalesce(nullif(application_name, ''), 'unnamed') AS app, count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1`;
  return rows.map((r) => (r.n > 1 ? `${r.app} ×${r.n}` : r.app));
}

async function restore(s: Session, cmd: Extract<BackupCommand, { action: "restore" }>, color: boolean): Promise<CommandResult> {
  await syncIndex(s.h, s.benv);
  // Resolved before the safety copy is taken, so "latest" is never that copy.
  const b = await resolveRef(s, cmd.ref, cmd.type);
  const { plan, console } = restorePlan(s, b, cmd.safety);
  const head = `restore ${b.id} (${b.type}, finished ${formatTime(b.finishedAt)}, ${formatSize(b.size)})`;
  const json = (ok: boolean, extra: Record<string, unknown>) => ({ ok, backup: summary(b), plan, ...extra });
  const consoleName = dbNameOf(s.env.DATABASE_URL);
  const refuse = (message: string) => ({ code: 1, json: json(false, { dryRun: false, error: message }), lines: [head, `${mark("error", color)} ${message}`] });
  if (console && !cmd.includeConsole) {
    return refuse(
      `${consoleName} is the console's own database: stop the console (API and worker), then run \`npm run ops -- backup --restore ${b.id} --yes --include-console\``,
    );
  }
  if (!cmd.yes) {
    const lines = [`would ${head}:`, ...plan.map((p) => `  - ${p}`), "nothing changed: add --yes to restore"];
    return { code: 1, json: json(false, { dryRun: true, error: "not confirmed: add --yes to restore" }), lines };
  }
  if (console) {
    const sessions = await otherSessions(s.h);
    if (sessions.length)
      return refuse(`${consoleName} is in use (${sessions.join(", ")}): stop the console (API and worker) and anything else connected to it, then try again`);
  }
  const lines = [head];
  let safety: { backup: ReturnType<typeof summary>; verify: VerifyResult } | null = null;
  if (cmd.safety) {
    try {
      const taken = await takeAndVerify(s, b.type, `cli: safety copy before restoring ${b.id}`);
      safety = { backup: summary(taken.backup), verify: taken.verify };
      if (!taken.verify.ok) throw new Error(`${taken.backup.id} failed verification: ${taken.verify.problems.join("; ")}`);
      lines.push(`${mark("ok", color)} safety copy ${taken.backup.id} taken and verified (${taken.backup.path})`);
    } catch (err) {
      const message = `safety backup failed, nothing was restored: ${(err as Error).message} (--no-safety restores without one)`;
      return { code: 1, json: json(false, { dryRun: false, safety, restored: [], error: message }), lines: [...lines, `${mark("error", color)} ${message}`] };
    }
  }
  if (console) await keepIndex(s);
  const restored = await restoreBackup(s.h, s.benv, b, { allowConsoleDatabase: cmd.includeConsole });
  lines.push(...restored.map((l) => `${mark("ok", color)} ${l}`));
  if (console) {
    try {
      lines.push(...(await carryIndexOver(s)).map((l) => `${mark("ok", color)} ${l}`));
    } catch (err) {
      const message = `restored ${b.id}, but the backup index could not be brought back: ${(err as Error).message} (backup --list re-reads the folders)`;
      return { code: 1, json: json(false, { dryRun: false, safety, restored, error: message }), lines: [...lines, `${mark("error", color)} ${message}`] };
    }
  }
  lines.push(`restored ${b.id}`);
  return { code: 0, json: json(true, { dryRun: false, safety, restored }), lines };
}

/**
 * The backup index lives in the console's database, so restoring that database would take the index back
 * to the dump's moment (the restored backup itself still "running", later ones and their verifications
 * gone). The index as it was is kept in a temporary table of this session and written back afterwards.
 */
async function keepIndex(s: Session): Promise<void> {
  await s.h.sql.unsafe(`CREATE TEMP TABLE cli_backups_before AS SELECT * FROM backups`);
}

async function carryIndexOver(s: Session): Promise<string[]> {
  await prepareDatabase(s.env.DATABASE_URL);
  const cols = await s.h.sql.unsafe<{ name: string }[]>(
    `SELECT a.attname AS name FROM pg_attribute a JOIN pg_attribute b ON b.attname = a.attname AND b.attrelid = 'cli_backups_before'::regclass
     WHERE a.attrelid = 'backups'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND b.attnum > 0 ORDER BY a.attnum`,
    [],
    { prepare: false },
  );
  const names = cols.map((c) => `"${c.name}"`);
  const carried = await s.h.sql.unsafe(
    `INSERT INTO backups (${names.join(", ")}) SELECT ${names.join(", ")} FROM cli_backups_before
     ON CONFLICT (id) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(", ")}`,
    [],
    { prepare: false },
  );
  await s.h.sql.unsafe(`DROP TABLE cli_backups_before`, [], { prepare: false });
  const { added, missing } = await syncIndex(s.h, s.benv);
  return [
    `backup index kept as it was before the restore (${carried.count} backup(s)${added ? `, ${added} more found on disk` : ""}${missing ? `, ${missing} no longer on disk` : ""})`,
  ];
}

async function cleanup(s: Session): Promise<CommandResult> {
  const r = await cleanupBackups(s.h, s.benv);
  const lines = [
    ...r.removed.map((id) => `  removed ${id}`),
    ...r.staleTemp.map((t) => `  removed half-written ${t}`),
    `${r.removed.length} backup(s) removed by retention, ${r.kept} kept${r.staleTemp.length ? `, ${r.staleTemp.length} half-written folder(s) removed` : ""}`,
  ];
  return { code: 0, json: { ok: true, ...r }, lines };
}
